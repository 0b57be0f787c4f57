// VALGRIND_PRINTF / VALGRIND_PRINTF_BACKTRACE: the client's format string and va_list,
// formatted as Valgrind's own small vprintf (m_debuglog.c's VG_(debugLog_vprintf)) does
// it — not as C's printf: %i, %e, %g, h/hh and the + and space flags are unknown (the
// conversion prints nothing and takes no argument), precision only counts for %f, a %s
// longer than its width is cut to it, %p's digits are upper case, ' and , group digits.
import type { AddressSpace } from '../memory/index.ts';

/** The arguments of an x86-64 va_list: { gp_offset, fp_offset, overflow_arg_area,
 *  reg_save_area } at `addr` in guest memory. Reads advance a local copy. */
export interface VaArgs {
  /** The next integer (or pointer) argument, as 64 bits. */
  int(): bigint;
  double(): number;
}

export function vaListAt(as: AddressSpace, addr: number): VaArgs {
  const u64 = (a: number): bigint => {
    const b = as.readBytes(a, 8);
    return b instanceof Uint8Array ? new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true) : 0n;
  };
  const head = as.readBytes(addr, 8);
  const hv = head instanceof Uint8Array ? new DataView(head.buffer, head.byteOffset, 8) : undefined;
  let gp = hv?.getUint32(0, true) ?? 48;
  let fp = hv?.getUint32(4, true) ?? 176;
  let overflow = Number(u64(addr + 8));
  const regs = Number(u64(addr + 16));
  return {
    int() {
      if (gp < 48) { const v = u64(regs + gp); gp += 8; return v; }
      const v = u64(overflow); overflow += 8; return v;
    },
    double() {
      const bits = fp < 176 ? u64(regs + fp) : u64(overflow);
      if (fp < 176) fp += 16; else overflow += 8;
      return new DataView(new BigUint64Array([bits]).buffer).getFloat64(0, true);
    },
  };
}

const SIGNED = 1, ZJUSTIFY = 2, LJUSTIFY = 4, COMMA = 16, ALTFORMAT = 32;
const MASK64 = (1n << 64n) - 1n;

/** myvprintf_int64: p (64 bits) in `base`, padded to `width`. */
function int64(flags: number, base: number, width: number, caps: boolean, p: bigint): string {
  const digits = caps ? '0123456789ABCDEF' : '0123456789abcdef';
  p &= MASK64;
  let neg = false;
  if (flags & SIGNED && p >= 1n << 63n) { p = (1n << 64n) - p; neg = true; }
  const buf: string[] = []; // reversed
  let nc = 0;
  if (p === 0n) buf.push('0');
  else {
    const b = BigInt(base);
    while (p > 0n) {
      if (flags & COMMA && base === 10 && (buf.length - nc) % 3 === 0 && buf.length !== 0) { buf.push(','); nc++; }
      buf.push(digits[Number(p % b)]!);
      p /= b;
    }
  }
  if (neg) buf.push('-');
  if (width > 0 && !(flags & LJUSTIFY)) while (buf.length < width) buf.push(flags & ZJUSTIFY ? '0' : ' ');
  let s = buf.reverse().join('');
  if (width > 0 && flags & LJUSTIFY) s = s.padEnd(width, ' ');
  return s;
}

/** myvprintf_str: the output and its count (a negative width prints nothing and counts
 *  negatively, as Valgrind does). */
function str(flags: number, width: number, s: string, caps: boolean): [string, number] {
  if (caps) s = s.replace(/[a-z]/g, (ch) => ch.toUpperCase());
  if (width === 0) return [s, s.length];
  if (s.length > width) return [width > 0 ? s.slice(0, width) : '', width];
  const pad = ' '.repeat(width - s.length);
  return [flags & LJUSTIFY ? s + pad : pad + s, width];
}

/** %f as Valgrind approximates it: at most 10 decimals, no exponent, '*'s when the
 *  integral part exceeds 64 bits. */
function fixed(flags: number, width: number, precision: number, val: number): string {
  let neg = false;
  if (val < 0) { neg = true; val = -val; }
  if (val > 18446744073709551615) return '*'.repeat(width === 0 ? 6 : Math.max(width, 0));
  let ip = Number.isFinite(val) ? BigInt(Math.trunc(val)) : 0n;
  const frac = val - Number(ip);
  if (precision === -1) precision = 6;
  if (precision > 10) precision = 10;
  const factor = 10 ** precision;
  let fr = Math.trunc(frac * factor);
  if (frac * factor - fr > 0.5) fr += 1;
  if (fr === factor) ip += 1n;
  fr %= factor;
  const ipStr = ip.toString();
  let n = ipStr.length + (neg ? 1 : 0) + (precision !== 0 ? 1 + precision : 0);
  let out = (neg ? '-' : '') + ipStr + (precision !== 0 ? `.${String(fr).padStart(precision, '0')}` : '');
  if (n < width) out = flags & LJUSTIFY ? out + ' '.repeat(width - n) : ' '.repeat(width - n) + out;
  return out;
}

/** Formats `format` (the client's bytes, as latin1 text) with the arguments of `va`;
 *  `readString` reads a C string from guest memory. Returns the text and the count
 *  Valgrind returns (which counts `%#o`'s prefix as two characters). */
export function formatClientPrintf(format: string, va: VaArgs, readString: (addr: bigint) => string): { text: string; count: number } {
  let out = '';
  let count = 0;
  const emit = (s: string, n = s.length) => { out += s; count += n; };
  const int32 = () => BigInt.asIntN(32, va.int());
  for (let i = 0; i < format.length; i++) {
    if (format[i] !== '%') { emit(format[i]!); continue; }
    i++;
    if (i >= format.length) break;
    if (format[i] === '%') { emit('%'); continue; }
    let flags = 0;
    let width = 0;
    let precision = -1;
    for (;; i++) {
      const ch = format[i];
      if (ch === '(') flags |= 8;
      else if (ch === ',' || ch === "'") flags |= COMMA;
      else if (ch === '-') flags |= LJUSTIFY;
      else if (ch === '0') flags |= ZJUSTIFY;
      else if (ch === '#') flags |= ALTFORMAT;
      else break;
    }
    const digitAt = (k: number) => format[k] !== undefined && format[k]! >= '0' && format[k]! <= '9';
    if (format[i] === '*') { width = Number(int32()); i++; }
    else while (digitAt(i)) width = width * 10 + Number(format[i++]);
    if (format[i] === '.') {
      i++;
      if (format[i] === '*') { precision = Number(int32()); i++; }
      else { precision = 0; while (digitAt(i)) precision = precision * 10 + Number(format[i++]); }
    }
    let sizet = false;
    let ls = 0;
    if (format[i] === 'z') { sizet = true; i++; } else while (format[i] === 'l') { i++; ls++; }
    const long = ls >= 1;
    const unsigned = () => (sizet || long ? va.int() : va.int() & 0xffff_ffffn);
    const conv = format[i];
    if (conv === undefined) break;
    switch (conv) {
      case 'o':
        if (flags & ALTFORMAT) emit('0', 2);
        emit(int64(flags, 8, width, false, unsigned()));
        break;
      case 'd':
        emit(int64(flags | SIGNED, 10, width, false, long ? va.int() : int32()));
        break;
      case 'u':
        emit(int64(flags, 10, width, false, unsigned()));
        break;
      case 'p':
        if (format[i + 1] === 'S') {
          i++;
          const v = va.int();
          emit((v === 0n ? '(null)' : readString(v)).replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!));
        } else if (format[i + 1] === 's') {
          i++;
          const v = va.int();
          const [s, n] = str(flags, width, v === 0n ? '(null)' : readString(v), false);
          emit(s, n);
        } else {
          emit('0x');
          emit(int64(flags, 16, width, true, va.int()));
        }
        break;
      case 'x': case 'X':
        if (flags & ALTFORMAT) emit('0x');
        emit(int64(flags, 16, width, !sizet && conv === 'X', unsigned()));
        break;
      case 'c':
        emit(String.fromCharCode(Number(va.int() & 0xffn)));
        break;
      case 's': case 'S': {
        const v = va.int();
        const [s, n] = str(flags, width, v === 0n ? '(null)' : readString(v), conv === 'S');
        emit(s, n);
        break;
      }
      case 'f':
        emit(fixed(flags, width, precision, va.double()));
        break;
      default: break; // unknown: nothing printed, no argument taken
    }
  }
  return { text: out, count };
}

/** A guest C string as latin1 text (what the client passed; unreadable memory reads as
 *  empty). */
export function guestString(as: AddressSpace, addr: bigint): string {
  const b = as.readCString(Number(addr), 1 << 16);
  if (!(b instanceof Uint8Array)) return '';
  let s = '';
  for (const c of b) s += String.fromCharCode(c);
  return s;
}
