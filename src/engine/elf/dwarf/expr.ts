// DWARF expressions (DWARF 5 section 2.5) as CFI uses them: the CFA of a PLT
// entry (rsp + 8 + 8 * (rip & 15 >= 11)) and the register slots of a signal
// frame (rsp + offset, dereferenced). Values are 64-bit, two's complement.

import { DwarfError, DwarfReader, hex } from './reader.ts';

/** Register values by DWARF number (x86-64: 6 rbp, 7 rsp, 16 rip); undefined if unknown. */
export type RegisterFile = (dwarfReg: number) => bigint | undefined;
export type MemoryReader = (addr: number) => bigint | undefined;

const MASK = (1n << 64n) - 1n;
const wrap = (v: bigint): bigint => v & MASK;
const signed = (v: bigint): bigint => BigInt.asIntN(64, v);

/** Reason an expression could not be evaluated (unknown register, unreadable memory, unsupported op). */
export class ExprError extends Error {}

/**
 * Evaluates `bytes` and returns the value on top of the stack. `initial`
 * is pushed first (the CFA, for DW_CFA_expression and DW_CFA_val_expression).
 */
export function evaluate(bytes: Uint8Array, regs: RegisterFile, read: MemoryReader, initial?: bigint): bigint {
  const r = new DwarfReader(bytes);
  const stack: bigint[] = initial === undefined ? [] : [wrap(initial)];
  const pop = (): bigint => {
    const v = stack.pop();
    if (v === undefined) throw new ExprError('stack underflow');
    return v;
  };
  const reg = (n: number): bigint => {
    const v = regs(n);
    if (v === undefined) throw new ExprError(`register ${n} is not known`);
    return v;
  };
  const load = (addr: bigint, size: number): bigint => {
    const v = read(Number(addr));
    if (v === undefined) throw new ExprError(`cannot read ${hex(addr)}`);
    return size >= 8 ? v : v & ((1n << BigInt(size * 8)) - 1n);
  };
  let steps = 0;
  try {
    while (!r.atEnd) {
      // Branches can loop; no CFI expression needs more than a few dozen steps.
      if (++steps > 10_000) throw new ExprError('expression does not terminate');
      const op = r.u8();
      if (op >= 0x30 && op <= 0x4f) {
        stack.push(BigInt(op - 0x30)); // DW_OP_lit0..31
        continue;
      }
      if (op >= 0x70 && op <= 0x8f) {
        stack.push(wrap(reg(op - 0x70) + BigInt(r.sleb()))); // DW_OP_breg0..31
        continue;
      }
      if (op >= 0x50 && op <= 0x6f) throw new ExprError('DW_OP_reg* names a location, not a value');
      switch (op) {
        case 0x03: stack.push(r.u64Big()); break; // addr
        case 0x06: stack.push(load(pop(), 8)); break; // deref
        case 0x08: stack.push(BigInt(r.u8())); break; // const1u
        case 0x09: stack.push(wrap(BigInt(r.s8()))); break; // const1s
        case 0x0a: stack.push(BigInt(r.u16())); break; // const2u
        case 0x0b: stack.push(wrap(BigInt(r.s16()))); break; // const2s
        case 0x0c: stack.push(BigInt(r.u32())); break; // const4u
        case 0x0d: stack.push(wrap(BigInt(r.s32()))); break; // const4s
        case 0x0e: stack.push(r.u64Big()); break; // const8u
        case 0x0f: stack.push(r.u64Big()); break; // const8s
        case 0x10: stack.push(BigInt(r.uleb())); break; // constu
        case 0x11: stack.push(wrap(BigInt(r.sleb()))); break; // consts
        case 0x12: { const v = pop(); stack.push(v, v); break; } // dup
        case 0x13: pop(); break; // drop
        case 0x14: { const b = pop(); const a = pop(); stack.push(a, b, a); break; } // over
        case 0x15: { // pick
          const i = r.u8();
          const v = stack[stack.length - 1 - i];
          if (v === undefined) throw new ExprError('pick past the stack');
          stack.push(v);
          break;
        }
        case 0x16: { const b = pop(); const a = pop(); stack.push(b, a); break; } // swap
        case 0x17: { const c = pop(); const b = pop(); const a = pop(); stack.push(c, a, b); break; } // rot
        case 0x19: { const v = signed(pop()); stack.push(wrap(v < 0n ? -v : v)); break; } // abs
        case 0x1a: { const b = pop(); stack.push(pop() & b); break; } // and
        case 0x1b: { // div (signed)
          const b = signed(pop());
          const a = signed(pop());
          if (b === 0n) throw new ExprError('division by zero');
          stack.push(wrap(a / b));
          break;
        }
        case 0x1c: { const b = pop(); stack.push(wrap(pop() - b)); break; } // minus
        case 0x1d: { // mod
          const b = pop();
          if (b === 0n) throw new ExprError('division by zero');
          stack.push(pop() % b);
          break;
        }
        case 0x1e: { const b = pop(); stack.push(wrap(pop() * b)); break; } // mul
        case 0x1f: stack.push(wrap(-pop())); break; // neg
        case 0x20: stack.push(wrap(~pop())); break; // not
        case 0x21: { const b = pop(); stack.push(pop() | b); break; } // or
        case 0x22: { const b = pop(); stack.push(wrap(pop() + b)); break; } // plus
        case 0x23: stack.push(wrap(pop() + BigInt(r.uleb()))); break; // plus_uconst
        case 0x24: { const b = pop(); stack.push(b >= 64n ? 0n : wrap(pop() << b)); break; } // shl
        case 0x25: { const b = pop(); stack.push(b >= 64n ? 0n : pop() >> b); break; } // shr
        case 0x26: { const b = pop(); stack.push(wrap(signed(pop()) >> (b >= 64n ? 63n : b))); break; } // shra
        case 0x27: { const b = pop(); stack.push(pop() ^ b); break; } // xor
        case 0x28: { // bra
          const off = r.s16();
          if (pop() !== 0n) r.pos += off;
          break;
        }
        case 0x29: case 0x2a: case 0x2b: case 0x2c: case 0x2d: case 0x2e: { // eq ge gt le lt ne
          const b = signed(pop());
          const a = signed(pop());
          const t = [a === b, a >= b, a > b, a <= b, a < b, a !== b][op - 0x29];
          stack.push(t ? 1n : 0n);
          break;
        }
        case 0x2f: { const off = r.s16(); r.pos += off; break; } // skip
        case 0x92: { const n = r.uleb(); stack.push(wrap(reg(n) + BigInt(r.sleb()))); break; } // bregx
        case 0x94: stack.push(load(pop(), r.u8())); break; // deref_size
        case 0x96: break; // nop
        default: throw new ExprError(`unsupported DW_OP ${hex(op)}`);
      }
      if (r.pos < 0 || r.pos > bytes.length) throw new ExprError('branch out of the expression');
    }
  } catch (e) {
    if (e instanceof DwarfError) throw new ExprError(e.message);
    throw e;
  }
  return pop();
}
