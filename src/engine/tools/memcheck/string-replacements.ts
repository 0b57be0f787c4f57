// The string and memory functions memcheck replaces (vg_replace_strmem.c's list), in libc
// and in ld.so. glibc's own versions read whole aligned words past a string's end, which
// memcheck would report; the replacements read byte by byte, so an error means the
// program's bug: an unaddressable byte is an invalid read or write of size 1, an
// undefined one decides a branch (a conditional jump error), copies carry V bits, and
// copies between overlapping buffers are reported.
import type { WasmFastPath } from '../../backend/helpers.ts';
import type { Replacement, ReplacementCall } from '../../core/redirect.ts';
import type { MemcheckContext } from './context.ts';
import { addrError, condError, overlapError } from './reports.ts';
import { memcmpFastPath, memmoveFastPath, strlenFastPath } from './string-wasm.ts';

const LIBC = ['libc.so*'];
const LIBC_AND_LDSO = ['libc.so*', 'ld-linux-x86-64.so.2'];

/** Bytes a fast path scans for a string's end before it leaves the string to the byte loop. */
const SCAN_LIMIT = 1 << 20;

/** One call's view of guest memory: each access checked once per kind of error.
 *
 *  The functions are written as byte loops, which say exactly what is checked and in
 *  which order errors are reported. Where the bytes a loop would touch are all
 *  addressable (and, where it tests them, defined), it would report nothing; then the
 *  same result is computed on the raw bytes at once (`bytes`, the whole window). */
class Access {
  private reported: Set<string> | undefined;

  constructor(private readonly c: MemcheckContext, private readonly call: ReplacementCall, private readonly bytes: Uint8Array) {}

  private once(key: string, report: () => void): void {
    this.reported ??= new Set();
    if (this.reported.has(key)) return;
    this.reported.add(key);
    report();
  }

  /** Whether the n bytes at addr are addressable and fully defined. */
  private clean(addr: number, n: number): boolean {
    return this.c.shadow.checkDefined(addr, n) === undefined;
  }

  /** Whether the n bytes at addr are addressable. */
  private addressable(addr: number, n: number): boolean {
    return this.c.shadow.firstUnaddressable(addr, n) < 0;
  }

  /** How many bytes from addr a scan may look at without leaving the window. */
  private scannable(addr: number, max: number): number {
    return Math.max(0, Math.min(max, SCAN_LIMIT, this.bytes.length - addr));
  }

  /** A byte the function reads; `decides`: its value is compared (strlen's NUL test). */
  read(addr: number, decides = true): number {
    const { c, call } = this;
    if (!c.shadow.addressable(addr)) {
      this.once(`r${addr}`, () => c.report(addrError(c.stack(call.pc), 1, false, c.describe(addr))));
      const b = c.read(addr, 1);
      return b ? b[0]! : 0;
    }
    if (decides && c.shadow.vbyte(addr) !== 0) {
      this.once('cond', () => { c.valueErrorSeen = true; c.report(condError(c.stack(call.pc))); });
    }
    return c.core.as.memory.readU8(addr);
  }

  /** Copies n bytes with their V bits (src and dst checked byte by byte). */
  copy(dst: number, src: number, n: number): void {
    if (!this.addressable(src, n) || !this.addressable(dst, n)) {
      for (let i = 0; i < n; i++) {
        this.read(src + i, false);
        this.writable(dst + i);
      }
    }
    this.c.core.as.copyUnchecked(dst, src, n);
    this.c.shadow.copy(src, dst, n);
  }

  writable(addr: number): void {
    const { c, call } = this;
    if (!c.shadow.addressable(addr)) this.once(`w${addr}`, () => c.report(addrError(c.stack(call.pc), 1, true, c.describe(addr))));
  }

  /** n bytes the function writes, checked byte by byte. */
  writableRange(addr: number, n: number): void {
    if (this.addressable(addr, n)) return;
    for (let i = 0; i < n; i++) this.writable(addr + i);
  }

  /** The length of the NUL-terminated string at s (at most max), reading as the loop would. */
  strlen(s: number, max = Infinity): number {
    const span = this.scannable(s, max);
    const nul = this.bytes.subarray(s, s + span).indexOf(0);
    if (nul >= 0 ? this.clean(s, nul + 1) : span === max && this.clean(s, span)) return nul >= 0 ? nul : span;
    let n = 0;
    while (n < max && this.read(s + n) !== 0) n++;
    return n;
  }

  /** The first i < n where the bytes at x and y differ, or (`nulStops`) both are NUL:
   *  [i, x[i], y[i]], or [n, 0, 0]; as a loop reading x[i] then y[i] would. */
  compare(x: number, y: number, n: number, nulStops: boolean): [number, number, number] {
    const span = Math.min(this.scannable(x, n), this.scannable(y, n));
    const b = this.bytes;
    let i = 0;
    while (i < span && b[x + i] === b[y + i] && !(nulStops && b[x + i] === 0)) i++;
    const seen = i < span ? i + 1 : span;
    if ((i < span || span === n) && this.clean(x, seen) && this.clean(y, seen)) return i < span ? [i, b[x + i]!, b[y + i]!] : [n, 0, 0];
    for (i = 0; i < n; i++) {
      const [p, q] = [this.read(x + i), this.read(y + i)];
      if (p !== q || (nulStops && p === 0)) return [i, p, q];
    }
    return [n, 0, 0];
  }

  overlap(fn: string, dst: number, src: number, dstLen: number, srcLen: number, len?: number): void {
    if (dstLen === 0 || srcLen === 0) return;
    if (dst < src + srcLen && src < dst + dstLen) this.c.report(overlapError(this.c.stack(this.call.pc), fn, dst, src, len));
  }
}

/** tolower in the C locale. */
const lower = (x: number) => (x >= 0x41 && x <= 0x5a ? x + 0x20 : x);

export function stringReplacements(c: MemcheckContext): Replacement[] {
  let bytes: Uint8Array | undefined;
  const fn = (
    sonames: string[], names: string[], run: (m: Access, a: (i: number) => number, call: ReplacementCall) => bigint | number, wasm?: WasmFastPath,
  ): Replacement => ({
    sonames, names,
    run: (call: ReplacementCall) => {
      bytes ??= c.core.as.memory.view(0, c.core.as.memory.size);
      return run(new Access(c, call, bytes), (i) => call.low(i), call);
    },
    ...(wasm && { wasm }),
  });
  /** A size argument: above 4 GiB, as much as there can be. */
  const size = (call: ReplacementCall, i: number) => (call.high(i) ? 0xffff_ffff : call.low(i));
  const cmp = (x: number, y: number) => (x < y ? -1n : x > y ? 1n : 0n);
  const signed = (v: bigint) => BigInt.asUintN(64, v);

  return [
    fn(LIBC_AND_LDSO, ['strlen'], (m, a) => m.strlen(a(0)), strlenFastPath),
    fn(LIBC, ['strnlen'], (m, a, call) => m.strlen(a(0), size(call, 1))),
    fn(LIBC, ['strcpy', 'stpcpy'], (m, a, call) => {
      const [dst, src] = [a(0), a(1)];
      const n = m.strlen(src) + 1;
      m.copy(dst, src, n);
      m.overlap(call.fn, dst, src, n, n);
      return call.fn === 'stpcpy' ? dst + n - 1 : dst;
    }),
    fn(LIBC, ['strncpy'], (m, a, call) => {
      const [dst, src, n] = [a(0), a(1), size(call, 2)];
      const len = m.strlen(src, n);
      const copied = Math.min(n, len + 1);
      m.copy(dst, src, copied);
      m.writableRange(dst + copied, n - copied);
      c.core.as.fillUnchecked(dst + copied, n - copied, 0);
      c.shadow.makeDefined(dst + copied, n - copied);
      m.overlap('strncpy', dst, src, n, copied, n);
      return dst;
    }),
    fn(LIBC, ['strcat', 'strncat'], (m, a, call) => {
      const [dst, src] = [a(0), a(1)];
      const n = call.fn === 'strncat' ? size(call, 2) : Infinity;
      const at = dst + m.strlen(dst);
      const len = m.strlen(src, n);
      m.copy(at, src, len);
      m.writable(at + len);
      c.core.as.fillUnchecked(at + len, 1, 0);
      c.shadow.makeDefined(at + len, 1);
      m.overlap(call.fn, dst, src, at - dst + len + 1, len + 1, n === Infinity ? undefined : n);
      return dst;
    }),
    // libc's memcpy runs as memmove under Valgrind on this machine: its IFUNC picks a
    // variant that is also memmove's, and memmove's replacement wins (no overlap check).
    fn(['ld-linux-x86-64.so.2'], ['memcpy'], (m, a, call) => {
      m.overlap('memcpy', a(0), a(1), size(call, 2), size(call, 2), size(call, 2));
      m.copy(a(0), a(1), size(call, 2));
      return a(0);
    }),
    fn(LIBC, ['mempcpy', '__memcpy_chk'], (m, a, call) => {
      const [dst, src, n] = [a(0), a(1), size(call, 2)];
      m.overlap(call.fn === '__memcpy_chk' ? 'memcpy' : call.fn, dst, src, n, n, n);
      m.copy(dst, src, n);
      return call.fn === 'mempcpy' ? dst + n : dst;
    }),
    // A copy's fast path leaves origins alone: with --track-origins, copies carry them too.
    fn(LIBC, ['memmove', 'memcpy'], (m, a, call) => {
      m.copy(a(0), a(1), size(call, 2));
      return a(0);
    }, c.origins ? undefined : memmoveFastPath),
    fn(LIBC, ['bcopy'], (m, a, call) => {
      m.copy(a(1), a(0), size(call, 2));
      return a(1);
    }),
    fn(LIBC_AND_LDSO, ['memset'], (m, a, call) => {
      const [dst, n] = [a(0), size(call, 2)];
      m.writableRange(dst, n);
      c.core.as.fillUnchecked(dst, n, a(1) & 0xff);
      c.shadow.makeDefined(dst, n);
      return dst;
    }),
    fn(LIBC_AND_LDSO, ['memcmp', 'bcmp'], (m, a, call) => {
      const [, x, y] = m.compare(a(0), a(1), size(call, 2), false);
      return signed(BigInt(x - y));
    }, memcmpFastPath),
    fn(LIBC_AND_LDSO, ['strcmp', 'strncmp'], (m, a, call) => {
      const [, x, y] = m.compare(a(0), a(1), call.fn === 'strncmp' ? size(call, 2) : Infinity, true);
      return signed(cmp(x, y));
    }),
    fn(LIBC_AND_LDSO, ['index', 'strchr', 'strchrnul'], (m, a, call) => {
      const ch = a(1) & 0xff;
      for (let p = a(0); ; p++) {
        const x = m.read(p);
        if (x === ch) return p;
        if (x === 0) return call.fn === 'strchrnul' ? p : 0;
      }
    }),
    fn(LIBC, ['rindex', 'strrchr'], (m, a) => {
      const ch = a(1) & 0xff;
      let last = 0;
      for (let p = a(0); ; p++) {
        const x = m.read(p);
        if (x === ch) last = p;
        if (x === 0) return last;
      }
    }),
    // As vg_replace_strmem.c's: ASCII case folding (the C locale's), -1/0/1.
    fn(LIBC, ['strcasecmp', 'strncasecmp', 'strcasecmp_l', 'strncasecmp_l'], (m, a, call) => {
      const n = call.fn.includes('strncasecmp') ? size(call, 2) : Infinity;
      for (let i = 0; i < n; i++) {
        const [x, y] = [lower(m.read(a(0) + i)), lower(m.read(a(1) + i))];
        if (x !== y || x === 0) return signed(cmp(x, y));
      }
      return 0;
    }),
    fn(LIBC, ['strstr', 'strcasestr'], (m, a, call) => {
      const fold = call.fn === 'strcasestr' ? lower : (x: number) => x;
      const [h, needle] = [a(0), a(1)];
      const n = m.strlen(needle);
      if (n === 0) return h;
      for (let p = h; ; p++) {
        const x = fold(m.read(p));
        if (x === 0) return 0;
        if (x !== fold(m.read(needle))) continue;
        let i = 0;
        while (i < n && fold(m.read(needle + i)) === fold(m.read(p + i))) i++;
        if (i === n) return p;
      }
    }),
    // strpbrk: the first byte of s in set; strspn/strcspn: how many bytes of s are (not) in it.
    fn(LIBC, ['strpbrk', 'strspn', 'strcspn'], (m, a, call) => {
      const [str, set] = [a(0), a(1)];
      const n = m.strlen(set);
      const inSet = (x: number) => { for (let i = 0; i < n; i++) if (m.read(set + i) === x) return true; return false; };
      if (n === 0 && call.fn !== 'strcspn') return 0;
      for (let p = str; ; p++) {
        const x = m.read(p);
        if (x === 0) return call.fn === 'strpbrk' ? 0 : p - str;
        const hit = inSet(x);
        if (call.fn === 'strpbrk' && hit) return p;
        if ((call.fn === 'strspn' && !hit) || (call.fn === 'strcspn' && hit)) return p - str;
      }
    }),
    fn(LIBC, ['memrchr'], (m, a, call) => {
      const ch = a(1) & 0xff;
      for (let i = size(call, 2) - 1; i >= 0; i--) if (m.read(a(0) + i) === ch) return a(0) + i;
      return 0;
    }),
    fn(LIBC, ['memchr', 'rawmemchr'], (m, a, call) => {
      const ch = a(1) & 0xff;
      const n = call.fn === 'rawmemchr' ? Infinity : size(call, 2);
      for (let i = 0; i < n; i++) if (m.read(a(0) + i) === ch) return a(0) + i;
      return 0;
    }),
  ];
}
