// Bit instructions: bt/bts/btr/btc, bsf/bsr, tzcnt/lzcnt, popcnt. They set flags by
// value (CC_OP COPY), as VEX does, since each defines only some of them.
import { binop, c64, c8, ite, unop } from '../../../ir/builder.ts';
import { CF, ZF } from '../flags.ts';
import type { IRExpr } from '../../../ir/types.ts';
import { type Handler, type InsnLifter, Unlifted, opN, unN } from './context.ts';

type BitOp = 'bt' | 'bts' | 'btr' | 'btc';

/** With a register bit offset and a memory operand, the offset addresses beyond the
 *  operand: the byte at ea + (offset >> 3) (signed), bit offset & 7. */
function bitTest(kind: BitOp): Handler {
  return (l) => {
    const dst = l.op(0);
    const src = l.op(1);
    const size = dst.kind === 'reg' ? dst.reg.size : dst.kind === 'mem' ? dst.size : 0;
    if (dst.kind === 'mem' && src.kind === 'reg') {
      const off = l.assign(l.widen64(l.read(src), size, true));
      const addr = l.assign(binop('Add64', l.ea(dst), binop('Sar64', off, c8(3))));
      const bit = l.assign(unop('64to8', binop('And64', off, c64(7))));
      const byte = l.loadMem(addr, 1);
      const mask = l.assign(binop('Shl8', c8(1), bit));
      finish(l, kind, byte, mask, 1, (v) => l.b.store(addr, v));
      return;
    }
    const loc = l.location(dst);
    const n = src.kind === 'imm' ? c8(Number(src.value) & (size * 8 - 1))
      : l.assign(binop('And8', l.assign(l.convert(l.read(src), size, 1)), c8(size * 8 - 1)));
    const v = loc.read();
    const mask = l.assign(binop(opN('Shl', size), l.const(size, 1), n));
    finish(l, kind, v, mask, size, loc.write);
  };
}

function finish(l: InsnLifter, kind: BitOp, v: IRExpr, mask: IRExpr, size: number, write: (v: IRExpr) => void): void {
  const set = l.assign(binop(opN('CmpNE', size), binop(opN('And', size), v, mask), l.const(size, 0)));
  if (kind === 'bts') write(l.assign(binop(opN('Or', size), v, mask)));
  if (kind === 'btr') write(l.assign(binop(opN('And', size), v, unop(unN('Not', size), mask))));
  if (kind === 'btc') write(l.assign(binop(opN('Xor', size), v, mask)));
  // CF is the bit; ZF is architecturally unaffected; O S A P are undefined (zero here).
  const zf = l.assign(binop('And64', l.rflagsAll(), c64(ZF)));
  l.setFlagsCopy(l.assign(binop('Or64', zf, unop('1Uto64', set))));
}

/** bsf/bsr: a zero source sets ZF and leaves the destination as it was. */
function bitScan(forward: boolean): Handler {
  return (l) => {
    const dst = l.op(0);
    if (dst.kind !== 'reg') throw new Unlifted('bsf/bsr destination');
    const size = dst.reg.size;
    const src = l.assign(l.widen64(l.read(l.op(1)), size));
    const isZero = l.assign(binop('CmpEQ64', src, c64(0)));
    const idx = forward
      ? l.assign(unop('CtzNat64', src))
      : l.assign(binop('Sub64', c64(63), unop('ClzNat64', src)));
    const old = l.assign(l.widen64(l.getReg(dst.reg), size));
    l.putReg(dst.reg, l.assign(l.convert(ite(isZero, old, idx), 8, size)));
    l.setFlagsCopy(l.assign(ite(isZero, c64(ZF), c64(0))));
  };
}

/** tzcnt/lzcnt: the count (the width for zero); CF = source was zero, ZF = result is zero. */
function count(kind: 'tz' | 'lz' | 'pop'): Handler {
  return (l) => {
    const dst = l.op(0);
    if (dst.kind !== 'reg') throw new Unlifted('count destination');
    const size = dst.reg.size;
    const src = l.assign(l.widen64(l.read(l.op(1)), size));
    let r;
    if (kind === 'pop') r = l.assign(unop('PopCount64', src));
    else if (kind === 'tz') r = l.assign(ite(l.assign(binop('CmpEQ64', src, c64(0))), c64(size * 8), unop('CtzNat64', src)));
    else r = l.assign(binop('Sub64', unop('ClzNat64', src), c64(64 - size * 8)));
    l.putReg(dst.reg, l.assign(l.convert(r, 8, size)));
    const zf = l.assign(ite(l.assign(binop('CmpEQ64', kind === 'pop' ? src : r, c64(0))), c64(ZF), c64(0)));
    const cf = kind === 'pop' ? c64(0) : l.assign(ite(l.assign(binop('CmpEQ64', src, c64(0))), c64(CF), c64(0)));
    l.setFlagsCopy(l.assign(binop('Or64', zf, cf)));
  };
}

export const BITS: Record<string, Handler> = {
  bt: bitTest('bt'), bts: bitTest('bts'), btr: bitTest('btr'), btc: bitTest('btc'),
  bsf: bitScan(true), bsr: bitScan(false),
  tzcnt: count('tz'), lzcnt: count('lz'), popcnt: count('pop'),
};
