// The CPU-bound workloads `npm run bench` measures, and the scales it runs them at.
import { join } from 'node:path';

export interface Workload {
  key: string;
  title: string;
  /** The bundled sample (public/samples/NAME) and, for bench, the part to run alone. */
  sample: 'bench' | 'cxxbench';
  part?: 'hash' | 'sort' | 'nbody';
  /** Natively ~0.05-0.2 s: the scale of the native, valgrind, qemu and JIT cells. */
  scale: number;
  /** The scale of the IR interpreter's cells (it runs ~1000x native). */
  small: number;
}

export const WORKLOADS: Workload[] = [
  { key: 'hash', title: 'integer hashing: FNV-1a over pseudo-random bytes (byte loads, xor, 64-bit multiply)', sample: 'bench', part: 'hash', scale: 16, small: 1 },
  { key: 'sort', title: 'qsort of ints with a comparison callback (libc calling back into the program)', sample: 'bench', part: 'sort', scale: 32, small: 1 },
  { key: 'nbody', title: 'floating-point n-body: 5 bodies in double precision (SSE2, sqrtsd)', sample: 'bench', part: 'nbody', scale: 64, small: 1 },
  { key: 'strings', title: 'string-heavy C++: std::string, std::map<std::string,int>, std::sort, std::ostringstream', sample: 'cxxbench', scale: 40, small: 1 },
];

export function workloadArgs(w: Workload, scale: number): string[] {
  return w.part ? [String(scale), w.part] : [String(scale)];
}

/** The build to run: C samples come dynamic, static and musl; C++ ones dynamic and static. */
export function buildOf(w: Workload, build: string): string {
  return w.sample === 'cxxbench' && build === 'musl' ? 'static' : build;
}

export function exeOf(root: string, w: Workload, build: string): string {
  return join(root, 'public/samples', w.sample, `${w.sample}-${buildOf(w, build)}`);
}
