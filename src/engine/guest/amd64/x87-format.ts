// The x87 80-bit extended format and its conversions to and from the IEEE double that our
// guest model keeps in each x87 register (as VEX does). These are the bodies of the dirty
// helpers amd64g_dirtyhelper_loadF80le / amd64g_dirtyhelper_storeF80le that fldt and fstpt
// call, and they are exact where VEX's are approximate: the load gives what the CPU's
// fldt + fstpl gives, rounding in the current rounding mode (VEX's helper takes no mode and
// truncates), correctly through the double subnormal range.
//
// Extended layout (Intel SDM Vol. 1, 4.2.2 and Table 8-3), little-endian in memory:
// bytes 0..7 the 64-bit significand with an explicit integer bit (bit 63), bytes 8..9 the
// sign (bit 15) and the 15-bit exponent, bias 16383.
//   exp 0,      J=0  zero (fraction 0) or denormal, value 0.f * 2^-16382
//   exp 0,      J=1  pseudo-denormal: accepted as an operand, value 1.f * 2^-16382
//   exp 1-7FFE, J=1  normal, value 1.f * 2^(exp-16383)
//   exp 1-7FFE, J=0  unnormal: invalid operand
//   exp 7FFF,   J=1  infinity (fraction 0), SNaN (fraction bit 62 clear), QNaN (bit 62 set)
//   exp 7FFF,   J=0  pseudo-infinity / pseudo-NaN: invalid operand
// An invalid operand, with the invalid-operation exception masked (always, in our model),
// gives the real indefinite, a negative QNaN.

/** The double the FPU produces for a masked invalid operation (Intel's "real indefinite"). */
export const F64_INDEFINITE = 0xfff8000000000000n;

const MASK52 = (1n << 52n) - 1n;
const MASK64 = (1n << 64n) - 1n;
const J_BIT = 1n << 63n;

/** IRRoundingMode, in the x87 RC encoding. */
export const enum RoundingMode {
  Nearest = 0,
  Down = 1,
  Up = 2,
  Zero = 3,
}

/** An 80-bit value as its two fields: `se` holds sign (bit 15) and exponent, `mant` the
 *  64-bit significand including the explicit integer bit. */
export interface F80 {
  se: number;
  mant: bigint;
}

export function readF80(bytes: Uint8Array, offset = 0): F80 {
  let mant = 0n;
  for (let i = 7; i >= 0; i--) mant = (mant << 8n) | BigInt(bytes[offset + i]!);
  return { se: bytes[offset + 8]! | (bytes[offset + 9]! << 8), mant };
}

export function writeF80(v: F80, bytes: Uint8Array = new Uint8Array(10), offset = 0): Uint8Array {
  let m = v.mant;
  for (let i = 0; i < 8; i++) {
    bytes[offset + i] = Number(m & 0xffn);
    m >>= 8n;
  }
  bytes[offset + 8] = v.se & 0xff;
  bytes[offset + 9] = (v.se >> 8) & 0xff;
  return bytes;
}

function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/**
 * The double nearest (per `rm`) to (-1)^negative * m * 2^e, as IEEE bits; m >= 0. Rounds
 * once, at the precision the result has: 53 bits for normals, fewer for subnormals, so a
 * value just under the smallest normal rounds up into it. Overflow gives infinity or the
 * largest finite double, as IEEE 754 directs for each rounding mode.
 */
export function roundToF64(negative: boolean, m: bigint, e: number, rm: RoundingMode = RoundingMode.Nearest): bigint {
  const sign = negative ? 1n << 63n : 0n;
  if (m === 0n) return sign;
  const n = bitLength(m);
  const lead = e + n - 1; // the exponent of m's leading bit
  // Keep bits down to weight 2^-1074 for subnormals, else the top 53.
  const shift = lead >= -1022 ? n - 53 : -1074 - e;
  let q: bigint;
  let inexact = false;
  let up = false;
  if (shift <= 0) {
    q = m << BigInt(-shift);
  } else {
    // Beyond n + 1 bits the discarded part is below half an ulp whatever the shift.
    const s = BigInt(Math.min(shift, n + 2));
    q = m >> s;
    const rest = m & ((1n << s) - 1n);
    const half = 1n << (s - 1n);
    inexact = rest !== 0n;
    switch (rm) {
      case RoundingMode.Nearest: up = rest > half || (rest === half && (q & 1n) === 1n); break;
      case RoundingMode.Down: up = inexact && negative; break;
      case RoundingMode.Up: up = inexact && !negative; break;
      case RoundingMode.Zero: up = false; break;
    }
  }
  if (up) q += 1n;
  // q's weight is 2^(e + shift). A subnormal q (< 2^52) has weight 2^-1074 and biased
  // exponent 0; a normal one is in [2^52, 2^53], and adding it to (biased-1) << 52 carries
  // a rounded-up 2^53 into the next binade.
  let bits: bigint;
  if (lead < -1022) {
    bits = q; // q == 2^52 encodes the smallest normal, as it should
  } else {
    const biased = BigInt(e + shift + 52 + 1023);
    bits = ((biased - 1n) << 52n) + q;
  }
  if (bits >= 0x7ff0000000000000n) {
    const toInf = rm === RoundingMode.Nearest || (rm === RoundingMode.Up && !negative) || (rm === RoundingMode.Down && negative);
    bits = toInf ? 0x7ff0000000000000n : 0x7fefffffffffffffn;
  }
  return sign | bits;
}

/** What FST m64fp stores for an extended value (the register's content after fldt in our
 *  double model): rounded per `rm`; NaNs keep the top 52 fraction bits and are quieted;
 *  unsupported encodings give the real indefinite. */
export function f80ToF64(v: F80, rm: RoundingMode = RoundingMode.Nearest): bigint {
  const negative = (v.se & 0x8000) !== 0;
  const exp = v.se & 0x7fff;
  const jBit = (v.mant & J_BIT) !== 0n;
  if (exp === 0x7fff) {
    if (!jBit) return F64_INDEFINITE;
    const sign = negative ? 1n << 63n : 0n;
    const fraction = v.mant & ~J_BIT;
    if (fraction === 0n) return sign | 0x7ff0000000000000n;
    // Quieting sets fraction bit 62, which survives the truncation to 52 bits.
    return sign | 0x7ff8000000000000n | ((fraction >> 11n) & MASK52);
  }
  if (exp === 0) return roundToF64(negative, v.mant, 1 - 16383 - 63, rm); // denormals and pseudo-denormals
  if (!jBit) return F64_INDEFINITE; // unnormal
  return roundToF64(negative, v.mant, exp - 16383 - 63, rm);
}

/** The extended value of a double: always exact. Subnormal doubles become normal extended
 *  values; a NaN keeps its payload (and its quiet bit) in the top fraction bits. */
export function f64ToF80(bits: bigint): F80 {
  bits &= MASK64;
  const sign = Number(bits >> 63n) << 15;
  const exp = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & MASK52;
  if (exp === 0x7ff) return { se: sign | 0x7fff, mant: J_BIT | (fraction << 11n) };
  if (exp === 0) {
    if (fraction === 0n) return { se: sign, mant: 0n };
    const n = bitLength(fraction); // value = fraction * 2^-1074, leading bit at 2^(n-1-1074)
    return { se: sign | (n - 1 - 1074 + 16383), mant: fraction << BigInt(64 - n) };
  }
  return { se: sign | (exp - 1023 + 16383), mant: J_BIT | (fraction << 11n) };
}

/** amd64g_dirtyhelper_loadF80le: the 10 bytes at the address, as our x87 register holds them. */
export function loadF80le(bytes: Uint8Array, offset = 0, rm: RoundingMode = RoundingMode.Nearest): bigint {
  return f80ToF64(readF80(bytes, offset), rm);
}

/** amd64g_dirtyhelper_storeF80le: the 10 bytes fstpt writes for a register's double. */
export function storeF80le(f64Bits: bigint, bytes: Uint8Array = new Uint8Array(10), offset = 0): Uint8Array {
  return writeF80(f64ToF80(f64Bits), bytes, offset);
}

/** The guest memory accesses the two dirty helpers need (the interpreter's MemoryPort). */
export interface F80Memory {
  load16(addr: number): number;
  load64(addr: number): bigint;
  store16(addr: number, value: number): void;
  store64(addr: number, value: bigint): void;
}

/** amd64g_dirtyhelper_loadF80le(addr, rounding mode), as a helper over guest memory:
 *  returns the double's bits as an I64 (the mode is an IRRoundingMode). */
export function dirtyLoadF80le(mem: F80Memory, a: number, rm = 0): bigint {
  const mant = mem.load64(a);
  return f80ToF64({ se: mem.load16(a + 8), mant }, rm & 3);
}

/** amd64g_dirtyhelper_storeF80le(addr, f64 bits), as a helper over guest memory. */
export function dirtyStoreF80le(mem: F80Memory, a: number, f64Bits: bigint): void {
  const v = f64ToF80(f64Bits);
  mem.store16(a + 8, v.se);
  mem.store64(a, v.mant);
}
