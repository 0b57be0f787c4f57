// `npm run fuzz:jit [-- BLOCKS [SEED]]`: the JIT's differential fuzzer (test/backend/
// jit-fuzz.ts) for longer than the test suite runs it, from a seed (default: the time).
// Stops at the first block where the wasm JIT and the interpreter disagree and prints it.
import { ppIRSB } from '../src/engine/ir/index.ts';
import { Differ, IRGen, type Outcome } from '../test/backend/jit-fuzz.ts';
import { Random } from '../test/backend/random.ts';

const blocks = Number(process.argv[2] ?? 20000);
const seed = Number(process.argv[3] ?? Date.now() % 1e9);
const rng = new Random(seed);
const differ = new Differ();
const exitText = (o: Outcome) => {
  const e = o.exit;
  const plain = e.kind === 'exit' && (e.jk === 'Boring' || e.jk === 'Call' || e.jk === 'Ret');
  return JSON.stringify(plain ? { kind: 'exit', jk: 'plain', next: e.next } : e);
};
const t0 = performance.now();
for (let i = 0; i < blocks; i++) {
  // Every third block loops to itself and runs for up to 40 iterations.
  const loop = i % 3 === 2;
  const sb = loop ? new IRGen(rng).block(2 + rng.int(5), true) : new IRGen(rng).block();
  const budget = loop ? 2 + rng.int(40) : 1;
  const { interp, wasm } = differ.run(sb, i, budget);
  const state = interp.state.findIndex((b, k) => wasm.state[k] !== b);
  const mem = interp.mem.findIndex((b, k) => wasm.mem[k] !== b);
  const counted = JSON.stringify(interp.counted) === JSON.stringify(wasm.counted);
  if (state >= 0 || mem >= 0 || !counted || exitText(interp) !== exitText(wasm)) {
    console.log(ppIRSB(sb));
    if (loop) console.log(`run for up to ${budget} blocks`);
    if (!counted) console.log(`run counters: interp ${JSON.stringify(interp.counted)}, wasm ${JSON.stringify(wasm.counted)}`);
    if (state >= 0) console.log(`guest state differs from byte ${state}: interp ${interp.state[state]}, wasm ${wasm.state[state]}`);
    if (mem >= 0) console.log(`memory differs from byte ${mem}`);
    console.log(`exit: interp ${exitText(interp)}\n      wasm   ${exitText(wasm)}`);
    console.log(`block ${i} of seed ${seed}: the backends disagree`);
    process.exit(1);
  }
  if ((i + 1) % 1000 === 0) console.log(`${i + 1} blocks agree (seed ${seed}, ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}
console.log(`all ${blocks} blocks agree (seed ${seed})`);
