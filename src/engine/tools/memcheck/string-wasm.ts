// WebAssembly fast paths of the replacements C and C++ programs call millions of times
// (memcmp, memcpy and memmove, strlen), mostly over short buffers that are addressable
// and defined, where string-replacements.ts reports nothing. A fast path does such a call
// without leaving wasm: it reads the arguments from the guest registers, checks the VA
// bits (shadow-memory.ts) of every byte the JavaScript's byte loop would look at, and
// computes the same result; a defined rax, as the Redirector's `returned` makes it. Every
// other call (an argument above 4 GiB, a range reaching the engine's area, a byte
// unaddressable, undefined or partially defined, a copy onto translated code) runs the
// JavaScript, which reports (and drops translations).
import type { FastPathSite, WasmFastPath } from '../../backend/helpers.ts';
import { OFFSET_GPR } from '../../guest/amd64/state.ts';
import { ENGINE_RESERVED_START } from '../../memory/layout.ts';
import { PAGE_HAS_CODE } from '../../memory/page-table.ts';
import { PAGE_TABLE } from '../../memory/reserved.ts';
import type { FunctionBuilder } from '../../wasm/index.ts';
import { FIRST_SECONDARY, SM_DIST_DEFINED, VA_DEFINED, VA_NOACCESS, VA8_DEFINED } from './shadow-memory.ts';
import { SHADOW_STATE_OFFSET } from './shadow-state.ts';
import { pushSecondary, pushVaByte, pushVaShift } from './shadow-wasm.ts';

const RAX = OFFSET_GPR(0);
/** The System V integer argument registers: rdi, rsi, rdx. */
const ARGS = [OFFSET_GPR(7), OFFSET_GPR(6), OFFSET_GPR(2)];

/** One fast path's emitter: the locals it shares and the way out to the JavaScript. */
class Emitter {
  readonly f: FunctionBuilder;

  constructor(private readonly site: FastPathSite, readonly state: number) {
    this.f = site.f;
  }

  /** Emits: the slow path. */
  bail(): void {
    this.site.slow();
  }

  /** Emits a bail if the i32 on the stack is not zero. */
  bailIf(): void {
    this.f.op('if');
    this.bail();
    this.f.op('end');
  }

  /** Argument i (rdi, rsi, rdx) and, with `len`, the end of the range [arg, arg + len):
   *  i32 locals, after emitting a bail unless both fit below the engine's area. */
  range(i: number, len: number): { start: number; end: number } {
    const f = this.f;
    const [a, n] = [f.local('i64'), f.local('i64')];
    const [start, end] = [f.local('i32'), f.local('i32')];
    f.i32(0).op('i64.load', this.state + ARGS[i]!).set(a);
    f.get(len).op('i64.extend_i32_u').set(n);
    f.get(a).i64(32n).op('i64.shr_u').op('i64.eqz').op('i32.eqz');
    f.get(a).get(n).op('i64.add').i64(BigInt(ENGINE_RESERVED_START)).op('i64.gt_u').op('i32.or');
    this.bailIf();
    f.get(a).op('i32.wrap_i64').tee(start).get(len).op('i32.add').set(end);
    return { start, end };
  }

  /** Argument i as an i32 local, after emitting a bail if it is 4 GiB or more. */
  u32Arg(i: number): number {
    const f = this.f;
    const [a, x] = [f.local('i64'), f.local('i32')];
    f.i32(0).op('i64.load', this.state + ARGS[i]!).tee(a).i64(32n).op('i64.shr_u').op('i64.eqz').op('i32.eqz');
    this.bailIf();
    f.get(a).op('i32.wrap_i64').set(x);
    return x;
  }

  /** Emits a bail if a page of [start, end) (i32 locals) holds translated code: the
   *  JavaScript drops those translations before it writes there. */
  requireNoCode(start: number, end: number): void {
    const f = this.f;
    const page = f.local('i32');
    f.get(start).i32(12).op('i32.shr_u').set(page);
    f.op('block').op('loop');
    f.get(page).i32(12).op('i32.shl').get(end).op('i32.ge_u').op('br_if', 1);
    f.get(page).op('i32.load8_u', PAGE_TABLE).i32(PAGE_HAS_CODE).op('i32.and');
    this.bailIf();
    f.get(page).i32(1).op('i32.add').set(page).op('br', 0);
    f.op('end').op('end');
  }

  /**
   * Emits a walk over [start, end) (i32 locals; start is changed): a chunk whose
   * secondary is SM_DIST_DEFINED is skipped whole; in the others, `body(sec, p, whole)`
   * emits code for the four bytes at p where they are a whole VA byte (whole), else for
   * the one byte at p.
   */
  walk(start: number, end: number, body: (sec: number, p: number, whole: boolean) => void): void {
    const f = this.f;
    const sec = f.local('i32');
    f.op('block').op('loop');
    f.get(start).get(end).op('i32.ge_u').op('br_if', 1);
    pushSecondary(f, start);
    f.tee(sec).i32(SM_DIST_DEFINED).op('i32.eq').op('if');
    // The area's end is below the last chunk, so the next chunk's start does not wrap.
    f.get(start).i32(0xffff).op('i32.or').i32(1).op('i32.add').set(start).op('br', 1);
    f.op('end');
    f.get(start).i32(3).op('i32.and').op('i32.eqz').get(end).get(start).op('i32.sub').i32(4).op('i32.ge_u').op('i32.and');
    f.op('if');
    body(sec, start, true);
    f.get(start).i32(4).op('i32.add').set(start);
    f.op('else');
    body(sec, start, false);
    f.get(start).i32(1).op('i32.add').set(start);
    f.op('end');
    f.op('br', 0);
    f.op('end').op('end');
  }

  /** Emits a bail unless every byte of [start, end) is addressable and defined (start is changed). */
  requireDefined(start: number, end: number): void {
    const f = this.f;
    this.walk(start, end, (sec, p, whole) => {
      pushVaByte(f, sec, p);
      f.op('i32.load8_u');
      if (whole) {
        f.i32(VA8_DEFINED).op('i32.ne');
      } else {
        pushVaShift(f, p);
        f.op('i32.shr_u').i32(3).op('i32.and').i32(VA_DEFINED).op('i32.ne');
      }
      this.bailIf();
    });
  }

  /** Emits a bail unless every byte of [start, end) is addressable and, where its chunk is
   *  not wholly defined, has a real secondary that may be written (start is changed). */
  requireWritable(start: number, end: number): void {
    const f = this.f;
    this.walk(start, end, (sec, p, whole) => {
      f.get(sec).i32(FIRST_SECONDARY).op('i32.lt_u');
      pushVaByte(f, sec, p);
      f.op('i32.load8_u');
      if (whole) {
        // Each of the four codes non-zero (addressable).
        const va = f.local('i32');
        f.set(va);
        for (let k = 0; k < 4; k++) f.get(va).i32(2 * k).op('i32.shr_u').i32(3).op('i32.and').op('i32.eqz').op('i32.or');
      } else {
        pushVaShift(f, p);
        f.op('i32.shr_u').i32(3).op('i32.and').i32(VA_NOACCESS).op('i32.eq').op('i32.or');
      }
      this.bailIf();
    });
  }

  /** Emits: every byte of [start, end) becomes defined (all addressable, checked by
   *  requireWritable; start is changed). */
  makeDefined(start: number, end: number): void {
    const f = this.f;
    this.walk(start, end, (sec, p, whole) => {
      pushVaByte(f, sec, p);
      if (whole) {
        f.i32(VA8_DEFINED).op('i32.store8');
        return;
      }
      const at = f.local('i32');
      f.tee(at).get(at).op('i32.load8_u').i32(3);
      pushVaShift(f, p);
      f.op('i32.shl').i32(-1).op('i32.xor').op('i32.and').i32(VA_DEFINED);
      pushVaShift(f, p);
      f.op('i32.shl').op('i32.or').op('i32.store8');
    });
  }

  /** Emits: rax := the i64 on the stack, defined. */
  returns(): void {
    const f = this.f;
    const v = f.local('i64');
    f.set(v).i32(0).get(v).op('i64.store', this.state + RAX);
    f.i32(0).i64(0n).op('i64.store', this.state + SHADOW_STATE_OFFSET + RAX);
  }

  copyOf(x: number): number {
    const c = this.f.local('i32');
    this.f.get(x).set(c);
    return c;
  }
}

/** A fast path as the Redirector declares it: the helper takes the called address, which
 *  is all the slow path needs. */
const fastPath = (body: (e: Emitter) => void): WasmFastPath => (site, env) => {
  body(new Emitter(site, env.state));
};

/** memcmp(x, y, n) and bcmp: the difference of the first bytes that differ, after reading
 *  x[i] and y[i] up to and including them. */
export const memcmpFastPath = fastPath((e) => {
  const f = e.f;
  const n = e.u32Arg(2);
  const x = e.range(0, n);
  const y = e.range(1, n);
  const i = f.local('i32');
  const seen = f.local('i32');
  f.op('block').op('loop');
  f.get(i).get(n).op('i32.ge_u').op('br_if', 1);
  f.get(x.start).get(i).op('i32.add').op('i32.load8_u').get(y.start).get(i).op('i32.add').op('i32.load8_u').op('i32.ne').op('br_if', 1);
  f.get(i).i32(1).op('i32.add').set(i).op('br', 0);
  f.op('end').op('end');
  // Bytes read: up to the difference, or all n.
  f.get(i).i32(1).op('i32.add').get(n).get(i).get(n).op('i32.lt_u').op('select').set(seen);
  for (const r of [x, y]) {
    f.get(r.start).get(seen).op('i32.add').set(r.end);
    e.requireDefined(e.copyOf(r.start), r.end);
  }
  f.get(i).get(n).op('i32.lt_u').op('if', 'i64');
  f.get(x.start).get(i).op('i32.add').op('i32.load8_u').get(y.start).get(i).op('i32.add').op('i32.load8_u').op('i32.sub').op('i64.extend_i32_s');
  f.op('else').i64(0n).op('end');
  e.returns();
});

/** memmove(dst, src, n) and libc's memcpy: where src is all defined, dst all addressable. */
export const memmoveFastPath = fastPath((e) => {
  const f = e.f;
  const n = e.u32Arg(2);
  const dst = e.range(0, n);
  const src = e.range(1, n);
  e.requireNoCode(dst.start, dst.end);
  e.requireDefined(e.copyOf(src.start), src.end);
  e.requireWritable(e.copyOf(dst.start), dst.end);
  e.makeDefined(e.copyOf(dst.start), dst.end);
  f.get(dst.start).get(src.start).get(n).op('memory.copy');
  f.get(dst.start).op('i64.extend_i32_u');
  e.returns();
});

/** strlen(s): the bytes before the first NUL, which it reads. */
export const strlenFastPath = fastPath((e) => {
  const f = e.f;
  const s = e.u32Arg(0);
  const p = e.copyOf(s);
  f.op('block').op('loop');
  f.get(p).i32(ENGINE_RESERVED_START | 0).op('i32.ge_u');
  e.bailIf();
  f.get(p).op('i32.load8_u').op('i32.eqz').op('br_if', 1);
  f.get(p).i32(1).op('i32.add').set(p).op('br', 0);
  f.op('end').op('end');
  const end = f.local('i32');
  f.get(p).i32(1).op('i32.add').set(end);
  e.requireDefined(e.copyOf(s), end);
  f.get(p).get(s).op('i32.sub').op('i64.extend_i32_u');
  e.returns();
});
