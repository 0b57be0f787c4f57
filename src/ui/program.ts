// The program a run loads: a sample's build or a file the user dropped. An upload is
// parsed in the page first, so a file that is not an x86-64 ELF is refused with the
// parser's reason before anything about the current run changes.
import { inspectProgram } from '../workers/program-info.ts';

export type Program =
  | { kind: 'sample'; sample: string; build: string }
  | { kind: 'upload'; name: string; bytes: Uint8Array; dynamic: boolean };

/** The uploaded file as a Program, or the one-line reason it cannot be one. */
export function checkUpload(name: string, bytes: Uint8Array): Program | string {
  const info = inspectProgram(bytes);
  if (info.ok) return { kind: 'upload', name, bytes, dynamic: info.dynamic };
  // The parser's reasons read "not an ELF file (bad magic)", "32-bit ELF is not supported …".
  return info.reason.startsWith('not ') ? `${name} is ${info.reason}` : `${name}: ${info.reason}`;
}
