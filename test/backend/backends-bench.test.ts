// The benchmark samples give the same run under --backend=interp and --backend=wasm
// (backends.ts): its own file, as its interpreted runs are the longest.
import { compareSamples } from './backends.ts';

compareSamples('the benchmarks give the same run under --backend=interp and --backend=wasm', (name) => name === 'bench' || name === 'cxxbench');
