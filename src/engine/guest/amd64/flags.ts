// Lazy condition flags, as VEX computes them. An arithmetic instruction only records a
// thunk (CC_OP, CC_DEP1, CC_DEP2, CC_NDEP) in the guest state; a consumer (jcc, setcc,
// cmov, adc, pushf) calls these helpers, which the optimiser may specialise. The CC_OP
// numbering is VEX's (guest_amd64_defs.h), so thunk values match valgrind's traces.

/** rflags bit positions of the six arithmetic flags. */
export const CF = 1n << 0n;
export const PF = 1n << 2n;
export const AF = 1n << 4n;
export const ZF = 1n << 6n;
export const SF = 1n << 7n;
export const OF = 1n << 11n;
const ALL = CF | PF | AF | ZF | SF | OF;

/** Operation families, each with B/W/L/Q variants at base+0..3 (then the BMI/ADX ops). */
export const enum CcOpFamily {
  Copy = 0, Add = 1, Sub = 5, Adc = 9, Sbb = 13, Logic = 17, Inc = 21, Dec = 25,
  Shl = 29, Shr = 33, Rol = 37, Ror = 41, Umul = 45, Smul = 49,
  /** The BMI/ADX ops have only 32- and 64-bit variants, at base+0 and base+1. */
  Andn = 53, Blsi = 55, Blsmsk = 57, Blsr = 59, Adcx = 61, Adox = 63,
}
export const CC_OP_NUMBER = 65;

/** The CC_OP value for a family at an operand size in bytes. */
export function ccOp(family: CcOpFamily, size: number): number {
  if (family === CcOpFamily.Copy) return 0;
  if (family >= CcOpFamily.Andn) return family + (size === 8 ? 1 : 0);
  return family + [1, 2, 4, 8].indexOf(size);
}

/** x86 condition codes in encoding order (the low nibble of jcc/setcc/cmov). */
export const enum Cond {
  O, NO, B, NB, Z, NZ, BE, NBE, S, NS, P, NP, L, NL, LE, NLE, Always,
}

function decodeOp(ccOp: number): { family: number; bits: bigint } {
  if (ccOp >= CcOpFamily.Andn) {
    const family = CcOpFamily.Andn + ((ccOp - CcOpFamily.Andn) & ~1);
    return { family, bits: (ccOp - family) === 1 ? 64n : 32n };
  }
  const family = 1 + Math.floor((ccOp - 1) / 4) * 4;
  return { family, bits: [8n, 16n, 32n, 64n][(ccOp - 1) % 4] };
}

function parity(v: bigint): bigint {
  let b = Number(v & 0xffn);
  b ^= b >> 4; b ^= b >> 2; b ^= b >> 1;
  return (b & 1) === 0 ? PF : 0n;
}

/** rflags' O S Z A C P bits for a thunk; the other bits of the result are zero. */
export function calculateRflagsAll(ccOp: number, dep1: bigint, dep2: bigint, ndep: bigint): bigint {
  if (ccOp === CcOpFamily.Copy) return dep1 & ALL;
  if (ccOp < 0 || ccOp >= CC_OP_NUMBER) throw new Error(`calculateRflagsAll: bad CC_OP ${ccOp}`);
  const { family, bits } = decodeOp(ccOp);
  const mask = (1n << bits) - 1n;
  const sign = 1n << (bits - 1n);
  const a = dep1 & mask;
  const b = dep2 & mask;
  const zs = (r: bigint) => (r === 0n ? ZF : 0n) | (r & sign ? SF : 0n) | parity(r);
  switch (family) {
    case CcOpFamily.Add: {
      const r = (a + b) & mask;
      return (r < a ? CF : 0n) | zs(r) | ((r ^ a ^ b) & 0x10n ? AF : 0n) | ((~(a ^ b) & (a ^ r)) & sign ? OF : 0n);
    }
    case CcOpFamily.Sub: {
      const r = (a - b) & mask;
      return (a < b ? CF : 0n) | zs(r) | ((r ^ a ^ b) & 0x10n ? AF : 0n) | (((a ^ b) & (a ^ r)) & sign ? OF : 0n);
    }
    case CcOpFamily.Adc: {
      // DEP2 holds argR ^ oldCarry and NDEP the old carry, so the thunk stays exact.
      const c = ndep & CF;
      const argR = (b ^ c) & mask;
      const r = (a + argR + c) & mask;
      const carry = c ? r <= a : r < a;
      return (carry ? CF : 0n) | zs(r) | ((r ^ a ^ argR) & 0x10n ? AF : 0n) | ((~(a ^ argR) & (a ^ r)) & sign ? OF : 0n);
    }
    case CcOpFamily.Sbb: {
      const c = ndep & CF;
      const argR = (b ^ c) & mask;
      const r = (a - argR - c) & mask;
      const borrow = c ? a <= argR : a < argR;
      return (borrow ? CF : 0n) | zs(r) | ((r ^ a ^ argR) & 0x10n ? AF : 0n) | (((a ^ argR) & (a ^ r)) & sign ? OF : 0n);
    }
    case CcOpFamily.Logic:
      return zs(a);
    case CcOpFamily.Inc: {
      const argL = (a - 1n) & mask;
      return (ndep & CF) | zs(a) | ((a ^ argL ^ 1n) & 0x10n ? AF : 0n) | (a === sign ? OF : 0n);
    }
    case CcOpFamily.Dec: {
      const argL = (a + 1n) & mask;
      return (ndep & CF) | zs(a) | ((a ^ argL ^ 1n) & 0x10n ? AF : 0n) | (a === sign - 1n ? OF : 0n);
    }
    case CcOpFamily.Shl:
      // DEP1 is the result, DEP2 the value shifted by count-1: its top bit is what fell out.
      return (b & sign ? CF : 0n) | zs(a) | ((a ^ b) & sign ? OF : 0n);
    case CcOpFamily.Shr:
      return (b & 1n ? CF : 0n) | zs(a) | ((a ^ b) & sign ? OF : 0n);
    case CcOpFamily.Rol: {
      // Rotates change only C and O; the rest comes from the flags before (NDEP).
      const msb = a & sign ? 1n : 0n;
      const lsb = a & 1n;
      return (ndep & ALL & ~(CF | OF)) | (lsb ? CF : 0n) | (msb ^ lsb ? OF : 0n);
    }
    case CcOpFamily.Ror: {
      const msb = a & sign ? 1n : 0n;
      const next = a & (sign >> 1n) ? 1n : 0n;
      return (ndep & ALL & ~(CF | OF)) | (msb ? CF : 0n) | (msb ^ next ? OF : 0n);
    }
    case CcOpFamily.Umul: {
      const full = a * b;
      const lo = full & mask;
      const hi = full >> bits;
      return (hi !== 0n ? CF | OF : 0n) | zs(lo);
    }
    case CcOpFamily.Smul: {
      const full = BigInt.asIntN(Number(bits), a) * BigInt.asIntN(Number(bits), b);
      const lo = full & mask;
      const fits = BigInt.asIntN(Number(bits), lo) === full;
      return (fits ? 0n : CF | OF) | zs(lo);
    }
    case CcOpFamily.Andn:
      return (a === 0n ? ZF : 0n) | (a & sign ? SF : 0n);
    case CcOpFamily.Blsi:
      return (a === 0n ? ZF : 0n) | (a & sign ? SF : 0n) | (b !== 0n ? CF : 0n);
    case CcOpFamily.Blsmsk:
      return (a & sign ? SF : 0n) | (b === 0n ? CF : 0n);
    case CcOpFamily.Blsr:
      return (a === 0n ? ZF : 0n) | (a & sign ? SF : 0n) | (b === 0n ? CF : 0n);
    case CcOpFamily.Adcx: {
      const c = ndep & CF;
      const argR = (b ^ c) & mask;
      const carry = c ? ((a + argR + c) & mask) <= a : ((a + argR) & mask) < a;
      return (ndep & ALL & ~CF) | (carry ? CF : 0n);
    }
    case CcOpFamily.Adox: {
      const o = ndep & OF ? 1n : 0n;
      const argR = (b ^ o) & mask;
      const carry = o ? ((a + argR + o) & mask) <= a : ((a + argR) & mask) < a;
      return (ndep & ALL & ~OF) | (carry ? OF : 0n);
    }
  }
  throw new Error(`calculateRflagsAll: unhandled CC_OP ${ccOp}`);
}

/** Whether condition `cond` holds for the thunk (1) or not (0). */
export function calculateCondition(cond: Cond, ccOp: number, dep1: bigint, dep2: bigint, ndep: bigint): number {
  const f = calculateRflagsAll(ccOp, dep1, dep2, ndep);
  const has = (bit: bigint) => (f & bit) !== 0n;
  let r: boolean;
  switch (cond & ~1) {
    case Cond.O: r = has(OF); break;
    case Cond.B: r = has(CF); break;
    case Cond.Z: r = has(ZF); break;
    case Cond.BE: r = has(CF) || has(ZF); break;
    case Cond.S: r = has(SF); break;
    case Cond.P: r = has(PF); break;
    case Cond.L: r = has(SF) !== has(OF); break;
    case Cond.LE: r = has(ZF) || has(SF) !== has(OF); break;
    default: return 1; // Always
  }
  return (cond & 1 ? !r : r) ? 1 : 0;
}

export function calculateRflagsC(ccOp: number, dep1: bigint, dep2: bigint, ndep: bigint): bigint {
  return calculateRflagsAll(ccOp, dep1, dep2, ndep) & CF;
}
