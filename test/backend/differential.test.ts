// The two execution modes against each other on many generated blocks, and against
// evaluate.ts (the constant folder) on constant expressions; then both modes on the real
// valgrind IR in test/ir/fixtures.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HelperSet, dirtyHelper, pureHelper } from '../../src/engine/backend/helpers.ts';
import { IRStepper, valueToBits, type Value } from '../../src/engine/backend/interp/index.ts';
import {
  ALL_OPS, IRSBBuilder, TYPE_BITS, assertSaneIRSB, binop, children, constant, evaluateOp, get, load, opSignature, parseIRSB, qop,
  stmtExprs, triop, typeOfIRExpr, unop, type IRExpr, type IROp, type IRSB, type IRType,
} from '../../src/engine/ir/index.ts';
import { Random } from './random.ts';
import { FakeMemory, STATE_SIZE, makeState, runBothModes, stateBytes } from './support.ts';

const INT_TYPES: readonly IRType[] = ['I1', 'I8', 'I16', 'I32', 'I64', 'I128'];
const isInt = (t: IRType) => INT_TYPES.includes(t);

/** Integer ops by result type; division is rare, so that most blocks run to their end. */
const OPS_BY_RESULT = new Map<IRType, IROp[]>();
for (const op of ALL_OPS) {
  const { args, res } = opSignature(op);
  if (![...args, res].every(isInt)) continue;
  OPS_BY_RESULT.set(res, [...(OPS_BY_RESULT.get(res) ?? []), op]);
}

const RIP = 184;
/** Guest state the generated blocks read and write: clear of the IP. */
const SCRATCH_STATE = 256;
const MEM_BASE = 0x4000;

class BlockGen {
  private readonly b = new IRSBBuilder({ offsIP: RIP });
  private readonly temps = new Map<IRType, IRExpr[]>();

  constructor(private readonly rng: Random, private readonly constantsOnly = false) {}

  leaf(ty: IRType): IRExpr {
    const { rng } = this;
    const w = TYPE_BITS[ty];
    const pool = this.temps.get(ty) ?? [];
    const k = this.constantsOnly ? 0 : rng.int(10);
    if (k < 4) {
      const edges = [0n, 1n, (1n << BigInt(w)) - 1n, 1n << BigInt(w - 1), (1n << BigInt(w - 1)) - 1n];
      return constant(ty, rng.int(2) ? rng.pick(edges) : rng.bits(w));
    }
    if (k < 7 && pool.length > 0) return rng.pick(pool);
    if (ty === 'I1') return binop('CmpLT64U', this.leaf('I64'), this.leaf('I64'));
    if (k === 9 && ty !== 'I128') return load(ty, constant('I64', MEM_BASE + 8 * rng.int(64)));
    return get(SCRATCH_STATE + 16 * rng.int(32), ty);
  }

  expr(ty: IRType, depth: number): IRExpr {
    const { rng } = this;
    if (depth === 0 || rng.int(4) === 0) return this.leaf(ty);
    let ops = OPS_BY_RESULT.get(ty)!;
    if (rng.int(20) !== 0) ops = ops.filter((op) => !/^Div/.test(op));
    const op = rng.pick(ops);
    const { args } = opSignature(op);
    const xs = args.map((t, i) =>
      i === 1 && /^(Shl|Shr|Sar)\d/.test(op) && rng.int(4) !== 0 ? constant('I8', rng.int(TYPE_BITS[args[0]!] + 2)) : this.expr(t, depth - 1),
    );
    switch (xs.length) {
      case 1: return unop(op as never, xs[0]!);
      case 2: return binop(op as never, xs[0]!, xs[1]!);
      case 3: return triop(op as never, xs[0]!, xs[1]!, xs[2]!);
      default: return qop(op as never, xs[0]!, xs[1]!, xs[2]!, xs[3]!);
    }
  }

  /** A block of assignments, PUTs, stores and side exits over random integer trees. */
  block() {
    const { b, rng } = this;
    for (let insn = 0; insn < 6; insn++) {
      b.imark(0x1000 + 4 * insn, 4);
      for (let s = 0; s < 4; s++) {
        const ty = rng.pick(INT_TYPES);
        const t = b.assign(this.expr(ty, 3));
        this.temps.set(ty, [...(this.temps.get(ty) ?? []), t]);
        if (ty !== 'I1') {
          if (rng.int(3) === 0) b.store(constant('I64', MEM_BASE + 8 * rng.int(64)), t);
          else b.put(SCRATCH_STATE + 16 * rng.int(32), t);
        }
      }
      if (rng.int(4) === 0) b.exit(this.leaf('I1'), 'Boring', 0x8000 + insn);
    }
    return b.finish(constant('I64', 0x1000 + 24), 'Boring');
  }
}

describe('compile() and IRStepper agree', () => {
  it('on random integer blocks', () => {
    const rng = new Random(2024);
    const kinds = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      const sb = new BlockGen(rng).block();
      assertSaneIRSB(sb, { guestStateSize: STATE_SIZE });
      const { compiled, stepped } = runBothModes(sb, undefined, { seed: i });
      expect(compiled.exit, `block ${i}`).toEqual(stepped.exit);
      expect(stateBytes(compiled.state)).toEqual(stateBytes(stepped.state));
      expect([...compiled.mem.written]).toEqual([...stepped.mem.written]);
      const kind = compiled.exit.kind === 'exit' ? `exit@${compiled.exit.stmtIndex === sb.stmts.length ? 'end' : 'side'}` : compiled.exit.kind;
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    // The generator reaches every way out of a block.
    expect([...kinds.keys()].sort()).toEqual(['exit@end', 'exit@side', 'trap']);
  });
});

describe('the interpreter agrees with evaluate.ts', () => {
  it('on random constant expressions', () => {
    const rng = new Random(7);
    let compared = 0;
    for (let i = 0; i < 2000; i++) {
      const ty = rng.pick(INT_TYPES);
      const e = new BlockGen(rng, true).expr(ty, 4);
      const folded = fold(e);
      const b = new IRSBBuilder({ offsIP: RIP });
      const t = b.assign(e);
      const sb = b.finish(constant('I64', 0), 'Boring');
      const stepper = new IRStepper(sb, new HelperSet([]), { state: makeState(), mem: new FakeMemory() });
      const exit = stepper.run();
      if (folded === undefined) continue; // undefined by VEX, or traps
      expect(exit.kind).toBe('exit');
      expect(valueToBits(ty, stepper.temp(t.tmp) as Value)).toBe(folded);
      compared++;
    }
    expect(compared).toBeGreaterThan(1000);
  });
});

/** evaluate.ts applied bottom-up to a constant tree; undefined if any node is undefined. */
function fold(e: IRExpr): bigint | undefined {
  if (e.tag === 'Const') return e.value;
  if (e.tag !== 'Unop' && e.tag !== 'Binop' && e.tag !== 'Triop' && e.tag !== 'Qop') throw new Error(`unexpected ${e.tag}`);
  const args = e.args.map(fold);
  if (args.some((a) => a === undefined)) return undefined;
  return evaluateOp(e.op, args as bigint[]);
}

describe('real valgrind IR', () => {
  // Helpers stand in for the real ones with a fixed function of the arguments; every helper
  // in the fixtures returns an I64 or nothing.
  const hash = (args: Value[]) => args.reduce<bigint>((h, a) => BigInt.asUintN(64, h * 0x100000001b3n + BigInt(typeof a === 'object' ? a.length : a)), 0xcbf29ce484222325n);
  /** Every helper a block calls, declared from its call site. */
  const helpersOf = (sb: IRSB) => {
    const decls = new Map<string, ReturnType<typeof pureHelper>>();
    const sig = (args: IRExpr[], ret: string) => `${args.map((a) => typeOfIRExpr(sb.tyenv, a)).join(' ')} -> ${ret}`;
    const visit = (e: IRExpr): void => {
      if (e.tag === 'CCall') decls.set(e.callee.name, pureHelper(e.callee.name, sig(e.args, e.retTy), (...args: never[]) => hash(args)));
      children(e).forEach(visit);
    };
    for (const s of sb.stmts) {
      stmtExprs(s).forEach(visit);
      if (s.tag !== 'Dirty') continue;
      const args = s.args.filter((a): a is IRExpr => a.tag !== 'GSPTR' && a.tag !== 'VECRET');
      decls.set(s.callee.name, dirtyHelper(s.callee.name, sig(args, s.tmp === undefined ? 'none' : sb.tyenv[s.tmp]!), { state: true }, (env, ...a: never[]) => {
        env.state.setBigUint64(16, hash(a), true);
        return hash(a);
      }));
    }
    return new HelperSet(decls.values());
  };

  for (const file of ['frontend', 'memcheck', 'optimised']) {
    const text = readFileSync(new URL(`../ir/fixtures/${file}.txt`, import.meta.url), 'utf8');
    const blocks = text.split(/^(?=IRSB \{)/m).filter((t) => t.startsWith('IRSB {'));
    it(`runs the ${blocks.length} blocks of ${file}.txt identically in both modes`, () => {
      for (const [i, t] of blocks.entries()) {
        const sb = parseIRSB(t.slice(0, t.indexOf('\n}\n') + 3));
        const { compiled, stepped } = runBothModes(sb, helpersOf(sb), { seed: i });
        expect(compiled.exit, `${file} block ${i}`).toEqual(stepped.exit);
        expect(stateBytes(compiled.state)).toEqual(stateBytes(stepped.state));
        expect([...compiled.mem.written]).toEqual([...stepped.mem.written]);
      }
    });
  }
});
