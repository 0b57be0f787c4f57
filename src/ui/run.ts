// Running a sample: fetch its binary, hand it (and the sysroot, for a dynamic build) to
// the engine worker, and stream what it prints.
import type { Sample, SampleBuild } from './samples.ts';
import type { SysrootState } from './sysroot.ts';
import { Stopped, runInWorker } from './engine.ts';

export interface RunView {
  title: string;
  output: string;
  status: string;
}

export async function runSample(
  sample: Sample, build: SampleBuild, base: URL, sysroot: SysrootState,
  onOutput: (text: string) => void, onStatus: (status: string) => void,
): Promise<void> {
  try {
    const res = await fetch(new URL(build.path, base));
    if (!res.ok) throw new Error(`${build.path}: HTTP ${res.status}`);
    const program = new Uint8Array(await res.arrayBuffer());
    if (build.kind === 'dynamic' && sysroot.status !== 'ready') throw new Error('the glibc sysroot is not loaded');
    const state = await runInWorker({
      // Plain copies: the catalogue lives in Svelte state, whose proxies cannot be posted.
      program, path: `/home/user/${sample.name}`, args: [...(sample.args ?? [])], stdin: sample.stdin ?? '', seed: 1,
      sysroot: build.kind === 'dynamic' && sysroot.status === 'ready' ? sysroot.bytes.slice() : undefined,
    }, (_stream, text) => onOutput(text));
    onStatus(state.kind === 'exited' ? `exited with status ${state.status}`
      : state.kind === 'killed' ? `killed by signal ${state.signal}` : 'stopped waiting for input');
  } catch (e) {
    onStatus(e instanceof Stopped ? 'stopped' : `error: ${e instanceof Error ? e.message : String(e)}`);
  }
}
