// Every sample but the benchmarks (backends-bench.test.ts) gives the same run under
// --backend=interp and --backend=wasm (backends.ts).
import { compareSamples } from './backends.ts';

compareSamples('every sample gives the same run under --backend=interp and --backend=wasm', (name) => name !== 'bench' && name !== 'cxxbench');
