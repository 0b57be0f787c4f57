// A run as a link: everything needed to reproduce it lives in the URL fragment, which
// never reaches a server. Layout: `v1.<payload>.<check>`, where payload is base64url of
// deflate-raw over [u32 LE length of JSON][JSON: program and RunConfig][the binary, if
// embedded], and check is base64url of the first 6 bytes of SHA-256 over the uncompressed
// bytes, so a changed character is caught even where the damaged data still inflates.
import type { RunConfig } from '../workers/protocol.ts';

export type ShareProgram =
  | { kind: 'sample'; sample: string; build: string }
  | { kind: 'binary'; name: string; bytes: Uint8Array }
  /** A binary too large to embed: the link names it and the user uploads it again. */
  | { kind: 'absent'; name: string };

export interface SharedRun {
  program: ShareProgram;
  config: RunConfig;
}

export const SHARE_VERSION = 'v1';
/** Longest fragment a link may carry: browsers take more, but chat and mail clients cut
 *  links long before URL limits, and a binary that does not fit is better re-uploaded. */
export const MAX_FRAGMENT = 64 * 1024;
/** Inflating stops here: a link cannot make the page allocate without bound. */
const MAX_INFLATED = 64 * 1024 * 1024;

export class ShareError extends Error {}

export interface EncodedShare {
  /** Without the leading '#'. */
  fragment: string;
  /** False when the binary did not fit under MAX_FRAGMENT and the link names it instead. */
  embedded: boolean;
}

export async function encodeShare(run: SharedRun, limit = MAX_FRAGMENT): Promise<EncodedShare> {
  const fragment = await encode(run);
  if (fragment.length <= limit || run.program.kind !== 'binary') return { fragment, embedded: run.program.kind !== 'absent' };
  return { fragment: await encode({ ...run, program: { kind: 'absent', name: run.program.name } }), embedded: false };
}

async function encode({ program, config }: SharedRun): Promise<string> {
  const binary = program.kind === 'binary' ? program.bytes : new Uint8Array(0);
  const described = program.kind === 'binary' ? { kind: 'binary', name: program.name } : program;
  const json = new TextEncoder().encode(JSON.stringify({ program: described, config }));
  const plain = new Uint8Array(4 + json.length + binary.length);
  new DataView(plain.buffer).setUint32(0, json.length, true);
  plain.set(json, 4);
  plain.set(binary, 4 + json.length);
  const packed = await transform(plain, new CompressionStream('deflate-raw'), Infinity);
  return `${SHARE_VERSION}.${toBase64Url(packed)}.${await checksum(plain)}`;
}

/** The run a fragment (with or without its '#') describes; ShareError says what is wrong. */
export async function decodeShare(fragment: string): Promise<SharedRun> {
  const parts = fragment.replace(/^#/, '').split('.');
  if (parts.length !== 3 || !/^v\d+$/.test(parts[0]!)) throw new ShareError('this is not a grindlab run link');
  if (parts[0] !== SHARE_VERSION) throw new ShareError(`this link is format ${parts[0]}, which this page does not read (it reads ${SHARE_VERSION})`);
  const packed = fromBase64Url(parts[1]!);
  if (!packed) throw new ShareError('the link is damaged (its data is not base64url)');
  let plain: Uint8Array;
  try {
    plain = await transform(packed, new DecompressionStream('deflate-raw'), MAX_INFLATED);
  } catch {
    throw new ShareError('the link is damaged (its data does not inflate)');
  }
  if ((await checksum(plain)) !== parts[2]) throw new ShareError('the link was altered (checksum mismatch)');
  if (plain.length < 4) throw new ShareError('the link is damaged (no run settings)');
  const jsonLength = new DataView(plain.buffer, plain.byteOffset).getUint32(0, true);
  if (4 + jsonLength > plain.length) throw new ShareError('the link is damaged (run settings cut short)');
  let data: unknown;
  try {
    data = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plain.subarray(4, 4 + jsonLength)));
  } catch {
    throw new ShareError('the link is damaged (run settings are not JSON)');
  }
  const { program, config } = (data ?? {}) as { program?: unknown; config?: unknown };
  return { program: checkProgram(program, plain.subarray(4 + jsonLength)), config: checkConfig(config) };
}

function checkProgram(p: unknown, binary: Uint8Array): ShareProgram {
  const o = (p ?? {}) as Record<string, unknown>;
  if (o.kind === 'sample' && typeof o.sample === 'string' && typeof o.build === 'string') {
    return { kind: 'sample', sample: o.sample, build: o.build };
  }
  if (o.kind === 'binary' && typeof o.name === 'string' && binary.length > 0) return { kind: 'binary', name: o.name, bytes: binary.slice() };
  if (o.kind === 'absent' && typeof o.name === 'string') return { kind: 'absent', name: o.name };
  throw new ShareError('the link does not say which program to run');
}

function checkConfig(c: unknown): RunConfig {
  const o = (c ?? {}) as Record<string, unknown>;
  const strings = (k: string) => {
    const v = o[k];
    if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) throw new ShareError(`the link's run settings are malformed (${k})`);
    return v as string[];
  };
  const string = (k: string) => {
    if (typeof o[k] !== 'string') throw new ShareError(`the link's run settings are malformed (${k})`);
    return o[k] as string;
  };
  const seed = o.seed;
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new ShareError("the link's run settings are malformed (seed)");
  }
  // Links made before the backend setting carry none: they ran under the JIT.
  const backend = o.backend ?? 'wasm';
  if (backend !== 'wasm' && backend !== 'interp') throw new ShareError("the link's run settings are malformed (backend)");
  return {
    path: string('path'), args: strings('args'), env: strings('env'), stdin: string('stdin'), tool: string('tool'),
    toolOptions: strings('toolOptions'), seed, breakpoints: strings('breakpoints'), backend,
  };
}

async function transform(bytes: Uint8Array, stream: CompressionStream | DecompressionStream, max: number): Promise<Uint8Array> {
  const reader = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(stream).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > max) {
      await reader.cancel();
      throw new ShareError('the link is damaged (its data inflates beyond any program)');
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

async function checksum(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return toBase64Url(digest.subarray(0, 6));
}

export function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/** undefined if `text` is not base64url. */
export function fromBase64Url(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined;
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
