// Specialising the lazy-flags helpers, as VEX's guest_amd64_spechelper does: once GET/PUT
// forwarding has put a constant CC_OP into a call of amd64g_calculate_condition (or
// _rflags_c), the call becomes a direct comparison of the thunk's operands. `cmp %rbx,%rax;
// jl` then reads CmpLT64S(t1,t2) instead of a helper call that rebuilds all of rflags —
// faster, and what a learner expects to see.
import { binop, c64, unop } from '../../ir/builder.ts';
import type { BinaryOp, UnaryOp } from '../../ir/ops.ts';
import type { CCall, IRExpr, IRSB, IRStmt } from '../../ir/types.ts';
import { mapNodes, mapStmtExprs } from '../../ir/walk.ts';
import { CcOpFamily, Cond } from './flags.ts';

const SIZES = [1, 2, 4, 8];

function decode(op: number): { family: CcOpFamily; size: number } | undefined {
  for (const family of [CcOpFamily.Add, CcOpFamily.Sub, CcOpFamily.Logic, CcOpFamily.Inc, CcOpFamily.Dec, CcOpFamily.Shl, CcOpFamily.Shr]) {
    if (op >= family && op < family + 4) return { family, size: SIZES[op - family]! };
  }
  return undefined;
}

/** Sign-extend the low `size` bytes of an I64 to 64 bits. */
function sx(e: IRExpr, size: number): IRExpr {
  if (size === 8) return e;
  const bits = size * 8;
  return unop(`${bits}Sto64` as UnaryOp, unop(`64to${bits}` as UnaryOp, e));
}

/** The low `size` bytes of an I64, zero-extended. */
function zx(e: IRExpr, size: number): IRExpr {
  return size === 8 ? e : binop('And64', e, c64((1n << BigInt(size * 8)) - 1n));
}

const cmp = (op: BinaryOp, a: IRExpr, b: IRExpr) => binop(op, a, b);

/** The condition (before negation) as an I1, or undefined if not specialised. */
function condition(base: Cond, family: CcOpFamily, size: number, d1: IRExpr, d2: IRExpr): IRExpr | undefined {
  const zero = c64(0);
  switch (family) {
    case CcOpFamily.Sub: {
      // DEP1 and DEP2 hold the operands zero-extended from `size`.
      switch (base) {
        case Cond.Z: return cmp('CmpEQ64', d1, d2);
        case Cond.B: return cmp('CmpLT64U', d1, d2);
        case Cond.BE: return cmp('CmpLE64U', d1, d2);
        case Cond.L: return cmp('CmpLT64S', sx(d1, size), sx(d2, size));
        case Cond.LE: return cmp('CmpLE64S', sx(d1, size), sx(d2, size));
        case Cond.S: return cmp('CmpLT64S', sx(binop('Sub64', d1, d2), size), zero);
      }
      return undefined;
    }
    case CcOpFamily.Add:
      switch (base) {
        case Cond.Z: return cmp('CmpEQ64', zx(binop('Add64', d1, d2), size), zero);
        case Cond.B: return cmp('CmpLT64U', zx(binop('Add64', d1, d2), size), zx(d1, size));
        case Cond.S: return cmp('CmpLT64S', sx(binop('Add64', d1, d2), size), zero);
      }
      return undefined;
    case CcOpFamily.Logic: case CcOpFamily.Inc: case CcOpFamily.Dec: case CcOpFamily.Shl: case CcOpFamily.Shr:
      // DEP1 is the result. Logic ops clear C and O, so L is S and LE is Z|S; for the
      // others C and O come from elsewhere, so only Z and S are specialised.
      switch (base) {
        case Cond.Z: return cmp('CmpEQ64', zx(d1, size), zero);
        case Cond.S: return cmp('CmpLT64S', sx(d1, size), zero);
      }
      if (family !== CcOpFamily.Logic) return undefined;
      switch (base) {
        case Cond.L: return cmp('CmpLT64S', sx(d1, size), zero);
        case Cond.LE: return cmp('CmpLE64S', sx(d1, size), zero);
        case Cond.B: case Cond.O: return { tag: 'Const', ty: 'I1', value: 0n };
        case Cond.BE: return cmp('CmpEQ64', zx(d1, size), zero);
      }
      return undefined;
  }
  return undefined;
}

function constArg(e: IRExpr | undefined): number | undefined {
  return e?.tag === 'Const' ? Number(e.value) : undefined;
}

function specialise(e: CCall): IRExpr {
  const name = e.callee.name;
  if (name === 'amd64g_calculate_condition') {
    const cond = constArg(e.args[0]);
    const op = decode(constArg(e.args[1]) ?? -1);
    if (cond === undefined || !op) return e;
    const c = condition((cond & ~1) as Cond, op.family, op.size, e.args[2]!, e.args[3]!);
    if (!c) return e;
    return unop('1Uto64', cond & 1 ? unop('Not1', c) : c);
  }
  if (name === 'amd64g_calculate_rflags_c') {
    const op = decode(constArg(e.args[0]) ?? -1);
    if (!op) return e;
    const [d1, d2, nd] = [e.args[1]!, e.args[2]!, e.args[3]!];
    switch (op.family) {
      case CcOpFamily.Sub: return unop('1Uto64', cmp('CmpLT64U', d1, d2));
      case CcOpFamily.Add: return unop('1Uto64', cmp('CmpLT64U', zx(binop('Add64', d1, d2), op.size), zx(d1, op.size)));
      case CcOpFamily.Logic: return c64(0);
      case CcOpFamily.Inc: case CcOpFamily.Dec: return binop('And64', nd, c64(1));
    }
  }
  return e;
}

const specialiseExpr = (e: IRExpr) => mapNodes(e, 'CCall', specialise);

/** Rewrite every flags-helper call whose CC_OP is known into direct IR; `sb` itself when
 *  there is none. */
export function specialiseFlagHelpers(sb: IRSB): IRSB {
  let stmts: IRStmt[] | undefined;
  for (let i = 0; i < sb.stmts.length; i++) {
    const s = mapStmtExprs(sb.stmts[i]!, specialiseExpr);
    if (s !== sb.stmts[i]) stmts ??= sb.stmts.slice(0, i);
    stmts?.push(s);
  }
  const next = specialiseExpr(sb.next);
  return stmts || next !== sb.next ? { ...sb, stmts: stmts ?? sb.stmts, next } : sb;
}
