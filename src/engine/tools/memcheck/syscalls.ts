// Memcheck at a syscall: before it, the register arguments must be defined and the
// buffers the kernel reads addressable and defined (PRE_REG_READ, PRE_MEM_READ,
// PRE_MEM_RASCIIZ), those it writes addressable (PRE_MEM_WRITE); after it, what it wrote
// is defined (POST_MEM_WRITE). Memory it mapped or unmapped comes as core events
// (memoryEvents, below), whichever syscall it was.
import type { FileSyscallSpec, PlacedBuffer } from '../../kernel/syscalls/files.ts';
import type { SyscallArgs, SyscallSpec } from '../../kernel/syscalls/spec.ts';
import { OFFSET_GPR } from '../../guest/amd64/state.ts';
import type { MemoryEvents } from '../../memory/index.ts';
import type { MemcheckContext } from './context.ts';
import { paramError } from './reports.ts';
import { ORIGIN_STATE_OFFSET, SHADOW_STATE_OFFSET } from './shadow-state.ts';

const ARG_REGS = [7, 6, 2, 10, 8, 9];
/** Longest string PRE_MEM_RASCIIZ follows before giving up. */
const MAX_STRING = 4096;

export class SyscallChecks {
  constructor(private readonly c: MemcheckContext) {}

  pre(spec: SyscallSpec, args: SyscallArgs, pc: number): void {
    const s = spec as FileSyscallSpec;
    const label = s.label ?? spec.name;
    const param = (p: string) => (p.includes('(') ? p : `${label}(${p})`);
    const ips = () => this.c.stack(pc);
    const state = this.c.core.state();
    const regs = s.regsRead?.(args) ?? spec.args;
    regs.forEach((name) => {
      const i = spec.args.indexOf(name);
      if (i < 0 || i >= ARG_REGS.length) return;
      const v = state.getBigUint64(SHADOW_STATE_OFFSET + OFFSET_GPR(ARG_REGS[i]!), true);
      if (v === 0n) return;
      this.c.valueErrorSeen = true;
      // --track-origins=yes: the register's otag says where its undefined bits came from.
      const origin = this.c.origins?.aux(state.getUint32(ORIGIN_STATE_OFFSET + OFFSET_GPR(ARG_REGS[i]!), true)) ?? [];
      this.c.report(paramError(ips(), param(name), 'reg', origin));
    });
    const m = s.mem;
    if (!m) return;
    const check = (b: PlacedBuffer, defined: boolean) => {
      if (b.len <= 0) return;
      const bad = defined ? this.c.shadow.checkDefined(b.addr, b.len) : firstUnaddressable(this.c, b.addr, b.len);
      if (!bad) return;
      if (bad.kind === 'undefined') this.c.valueErrorSeen = true;
      const origin = bad.kind === 'undefined' ? this.c.origins?.auxAt(bad.addr) ?? [] : [];
      this.c.report(paramError(ips(), param(b.param), bad.kind, [...this.c.describe(bad.addr), ...origin]));
    };
    for (const r of m.reads ?? []) check({ param: r.param, addr: args.num(r.ptr), len: r.len(args, 0) }, true);
    for (const w of m.writes ?? []) check({ param: w.param, addr: args.num(w.ptr), len: w.len(args, 0) }, false);
    for (const str of m.strings ?? []) {
      if ('when' in str && str.when && !str.when(args)) continue;
      check({ param: str.param, addr: args.num(str.ptr), len: this.stringLength(args.num(str.ptr)) }, true);
    }
    if (m.indirect) {
      const placed = m.indirect.pre(args, this.c.core.as);
      for (const b of placed.reads) check(b, true);
      for (const b of placed.writes) check(b, false);
    }
  }

  post(spec: SyscallSpec, args: SyscallArgs, result: number): void {
    const shadow = this.c.shadow;
    if (result < 0) return;
    const m = (spec as FileSyscallSpec).mem;
    for (const w of m?.written ?? []) {
      const len = w.len(args, result);
      if (len > 0) shadow.makeDefined(args.num(w.ptr), len);
    }
    for (const b of m?.indirect?.post?.(args, this.c.core.as, result) ?? []) if (b.len > 0) shadow.makeDefined(b.addr, b.len);
  }

  /** The string's length including its NUL, as far as it is readable. */
  private stringLength(addr: number): number {
    const b = this.c.core.as.readCString(addr, MAX_STRING);
    return b instanceof Uint8Array ? b.length + 1 : 1;
  }
}

function firstUnaddressable(c: MemcheckContext, addr: number, len: number): { addr: number; kind: 'unaddressable' } | undefined {
  const bad = c.shadow.firstUnaddressable(addr, len);
  return bad >= 0 ? { addr: bad, kind: 'unaddressable' } : undefined;
}

/** Memcheck's answers to the core's memory events: mapped memory is defined (zeroes or a
 *  file's bytes), the break's new bytes undefined, unmapped memory no access, and moved
 *  memory keeps its A and V bits. */
export function memoryEvents(c: MemcheckContext): MemoryEvents {
  return {
    mapped: (addr, len) => c.shadow.makeDefined(addr, len),
    brkGrew: (from, to) => { c.shadow.makeUndefined(from, to - from); c.origins?.forget(from, to - from); },
    unmapped: (addr, len) => c.shadow.makeNoAccess(addr, len),
    moved: (from, to, len) => c.shadow.copy(from, to, len),
  };
}
