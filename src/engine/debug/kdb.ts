// A console in the manner of Xen's kdb, on the guest: one command line in, its output
// text back. Inspection works at any time; commands that run the guest (go, ss, ni) go
// through the host's KdbControl, which owns the run loop. Bad input gets kdb's kind of
// one-line error, never an exception.
import { formatAtt } from '../guest/amd64/att.ts';
import { OFFSET_GPR, OFFSET_RIP } from '../guest/amd64/state.ts';
import type { Debugger } from '../core/debugger.ts';
import { GPR_NAMES, USER_SELECTORS, flagNames, readRegisters } from './registers.ts';

export interface KdbControl {
  /** Whether the guest is stopped: ss, ni and go need it. */
  readonly paused: boolean;
  /** go: let the guest run on. */
  resume(): void;
  /** ss (into) or ni (over a call); true once the guest has stopped again, false if it
   *  runs on (ni through a call; the host reports the stop). */
  step(kind: 'into' | 'over'): boolean;
}

interface Command {
  usage: string;
  help: string;
  run(k: Kdb, args: string[]): string;
}

const hex16 = (v: bigint | number): string => BigInt.asUintN(64, BigInt(v)).toString(16).padStart(16, '0');

export class Kdb {
  constructor(readonly dbg: Debugger, private readonly control: KdbControl) {}

  /** Runs one command line; returns its output (lines joined by '\n', no final newline). */
  exec(line: string): string {
    const [name, ...args] = line.trim().split(/\s+/);
    if (!name) return '';
    const cmd = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!cmd) return `kdb: unknown command '${name}', h for help`;
    try {
      return cmd.run(this, args);
    } catch (e) {
      if (e instanceof KdbError) return `kdb: ${e.message}`;
      throw e;
    }
  }

  /** An address: hex with or without 0x (kdb reads numbers as hex), a symbol, `sym+off`,
   *  or a register (`rsp`, `$rsp`). */
  address(expr: string): number {
    const a = resolveAddress(this.dbg, expr);
    if (a === undefined) throw new KdbError(`bad address '${expr}'`);
    return a;
  }

  /** `addr symbol+off:` as kdb prefixes code lines. */
  place(addr: number): string {
    const sym = this.dbg.machine.symbols.symbolOffset(addr);
    return sym ? `${hex16(addr)} ${sym}:` : `${hex16(addr)}:`;
  }

  /** One `dis` line: the place, then the instruction in AT&T as objdump prints it. */
  insnLine(addr: number): { text: string; len: number } {
    const ins = this.dbg.instructionAt(addr);
    if (!ins) return { text: `${this.place(addr)} (not mapped)`, len: 0 };
    return { text: `${this.place(addr)} ${formatAtt(ins, this.dbg.objdumpName)}`, len: ins.len };
  }

  needPaused(): void {
    if (!this.control.paused) throw new KdbError('the guest is running: pause it first');
  }

  get ctl(): KdbControl {
    return this.control;
  }
}

class KdbError extends Error {}

/** See Kdb.address. Undefined if the expression names nothing. */
export function resolveAddress(dbg: Debugger, expr: string): number | undefined {
  const e = expr.trim().replace(/^\$/, '');
  const m = /^([^+]+?)(?:\+(0x)?([0-9a-f]+))?$/i.exec(e);
  if (!m) return undefined;
  const off = m[3] ? parseInt(m[3], 16) : 0;
  const base = m[1]!;
  const reg = GPR_NAMES.indexOf(base as (typeof GPR_NAMES)[number]);
  const regs = dbg.viewedState;
  if (reg >= 0) return Number(regs.getBigUint64(OFFSET_GPR(reg), true)) + off;
  if (base === 'rip') return Number(regs.getBigUint64(OFFSET_RIP, true)) + off;
  const sym = dbg.machine.symbols.addressOf(base);
  if (sym !== undefined) return sym + off;
  if (!m[3] && /^(0x)?[0-9a-f]+$/i.test(base)) return parseInt(base.replace(/^0x/i, ''), 16);
  return undefined;
}

/** A count argument: decimal, or hex with 0x. */
function count(arg: string | undefined, dflt: number): number {
  if (arg === undefined) return dflt;
  const n = /^0x[0-9a-f]+$/i.test(arg) ? parseInt(arg, 16) : /^\d+$/.test(arg) ? parseInt(arg, 10) : NaN;
  if (!(n > 0 && n <= 4096)) throw new KdbError(`bad count '${arg}'`);
  return n;
}

/** Xen's register dump (show_registers, which kdb's `dr` prints), for a user process:
 *  RIP with its symbol, RFLAGS with the set flags named, the GPRs three to a line, the
 *  fs/gs bases, then the selectors. Xen's cr0-cr4 and gss lines have no guest meaning
 *  here and are left out. */
export function formatRegisterDump(dbg: Debugger): string {
  const r = readRegisters(dbg.viewedState);
  const g = r.gpr;
  const sym = dbg.machine.symbols.symbolOffset(Number(r.rip));
  const col = (name: string, v: bigint) => `${`${name}:`.padEnd(4)} ${hex16(v)}`;
  const row = (...cells: [string, bigint][]) => cells.map(([n, v]) => col(n, v)).join('   ');
  const sel = USER_SELECTORS;
  const h4 = (v: number) => v.toString(16).padStart(4, '0');
  return [
    `RIP:    ${h4(sel.cs)}:[<${hex16(r.rip)}>]${sym ? ` ${sym}` : ''}`,
    `RFLAGS: ${hex16(r.rflags)} [ ${flagNames(r.rflags).join(' ')} ]   CONTEXT: guest (user)`,
    row(['rax', g.rax], ['rbx', g.rbx], ['rcx', g.rcx]),
    row(['rdx', g.rdx], ['rsi', g.rsi], ['rdi', g.rdi]),
    row(['rbp', g.rbp], ['rsp', g.rsp], ['r8', g.r8]),
    row(['r9', g.r9], ['r10', g.r10], ['r11', g.r11]),
    row(['r12', g.r12], ['r13', g.r13], ['r14', g.r14]),
    row(['r15', g.r15]),
    row(['fsb', r.fsBase], ['gsb', r.gsBase]),
    `ds: ${h4(sel.ds)}   es: ${h4(sel.es)}   fs: ${h4(sel.fs)}   gs: ${h4(sel.gs)}   ss: ${h4(sel.ss)}   cs: ${h4(sel.cs)}`,
  ].join('\n');
}

/** dw/dd: `size`-byte values, `perLine` to a line; 8-byte values that point into code
 *  are annotated with their symbol. */
function dump(k: Kdb, args: string[], size: 4 | 8, dflt: number): string {
  if (args.length === 0) throw new KdbError(`usage: ${size === 4 ? 'dw' : 'dd'} ADDR [COUNT]`);
  const addr = k.address(args[0]!);
  const n = count(args[1], dflt);
  const bytes = k.dbg.machine.as.readBytes(addr, n * size);
  if (!(bytes instanceof Uint8Array)) throw new KdbError(`cannot read ${n * size} bytes at 0x${addr.toString(16)}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const out: string[] = [];
  const perLine = size === 4 ? 4 : 2;
  for (let i = 0; i < n; i += perLine) {
    const vals: string[] = [];
    const notes: string[] = [];
    for (let j = i; j < Math.min(n, i + perLine); j++) {
      if (size === 4) vals.push(view.getUint32(j * 4, true).toString(16).padStart(8, '0'));
      else {
        const v = view.getBigUint64(j * 8, true);
        vals.push(hex16(v));
        const s = v < 2n ** 53n ? k.dbg.machine.symbols.symbolOffset(Number(v)) : undefined;
        if (s) notes.push(s);
      }
    }
    out.push(`${hex16(addr + i * size)}: ${vals.join(' ')}${notes.length ? `  ${notes.join(' ')}` : ''}`);
  }
  return out.join('\n');
}

function showBreakpoint(k: Kdb, id: number, addr: number): string {
  return `[${id}] ${k.place(addr).slice(0, -1)}`;
}

const COMMANDS: Record<string, Command> = {
  h: {
    usage: 'h', help: 'this help',
    run: () => Object.values(COMMANDS).map((c) => `${c.usage.padEnd(18)} ${c.help}`).join('\n'),
  },
  dr: { usage: 'dr', help: 'display registers', run: (k) => formatRegisterDump(k.dbg) },
  dw: { usage: 'dw ADDR [COUNT]', help: 'display words (4 bytes), 16 by default', run: (k, a) => dump(k, a, 4, 16) },
  dd: { usage: 'dd ADDR [COUNT]', help: 'display dwords (8 bytes) with symbols, 8 by default', run: (k, a) => dump(k, a, 8, 8) },
  dis: {
    usage: 'dis [ADDR] [N]', help: 'disassemble N instructions (10) from ADDR (rip)',
    run: (k, args) => {
      let addr = args[0] === undefined ? k.dbg.rip : k.address(args[0]);
      const out: string[] = [];
      for (let i = count(args[1], 10); i > 0; i--) {
        const { text, len } = k.insnLine(addr);
        out.push(text);
        if (len === 0) break;
        addr += len;
      }
      return out.join('\n');
    },
  },
  bp: {
    usage: 'bp [ADDR|SYMBOL]', help: 'set a breakpoint; without an argument, list them',
    run: (k, args) => {
      if (args.length === 0) {
        const bps = k.dbg.breakpoints;
        return bps.length ? bps.map((b) => showBreakpoint(k, b.id, b.addr)).join('\n') : 'no breakpoints';
      }
      const addr = k.address(args[0]!);
      if (!k.dbg.instructionAt(addr)) throw new KdbError(`0x${addr.toString(16)} is not mapped`);
      const bp = k.dbg.setBreakpoint(addr);
      return `breakpoint ${showBreakpoint(k, bp.id, bp.addr)}`;
    },
  },
  bc: {
    usage: 'bc N|all', help: 'clear breakpoint N, or all of them',
    run: (k, args) => {
      const which = args[0];
      if (which === 'all') {
        const n = k.dbg.breakpoints.length;
        for (const b of k.dbg.breakpoints) k.dbg.clearBreakpoint(b.id);
        return `cleared ${n} breakpoint${n === 1 ? '' : 's'}`;
      }
      if (which === undefined || !/^\d+$/.test(which)) throw new KdbError('usage: bc N|all');
      if (!k.dbg.clearBreakpoint(Number(which))) throw new KdbError(`no breakpoint ${which}`);
      return `cleared breakpoint ${which}`;
    },
  },
  go: {
    usage: 'go', help: 'resume the guest',
    run: (k) => { k.needPaused(); k.ctl.resume(); return ''; },
  },
  ss: {
    usage: 'ss', help: 'single step (into calls)',
    run: (k) => { k.needPaused(); return k.ctl.step('into') ? k.insnLine(k.dbg.rip).text : ''; },
  },
  ni: {
    usage: 'ni', help: 'next instruction (steps over a call)',
    run: (k) => { k.needPaused(); return k.ctl.step('over') ? k.insnLine(k.dbg.rip).text : ''; },
  },
  f: {
    usage: 'f', help: 'stack frames, with symbols',
    run: (k) => k.dbg.frames().map((a, i) => `#${i} ${k.place(a).slice(0, -1)}`).join('\n'),
  },
  cpu: {
    usage: 'cpu all|N', help: "every guest thread's rip and instruction, the running one first; or view thread N (dr, f, registers in addresses)",
    run: (k, args) => {
      const m = k.dbg.machine;
      if (args[0] !== undefined && /^\d+$/.test(args[0])) {
        const t = m.sched.all().find((x) => x.num === Number(args[0]));
        if (!t) throw new KdbError(`no thread ${args[0]} (cpu all lists them)`);
        k.dbg.viewed = t.tid;
        const rip = Number(m.registersOf(t).getBigUint64(OFFSET_RIP, true));
        return `thread ${t.num} [tid ${t.tid}]${t === m.sched.current ? ' (running)' : ''}: ${k.insnLine(rip).text}`;
      }
      if (args[0] !== 'all') throw new KdbError('usage: cpu all|N');
      const running = m.sched.current;
      return [running, ...m.sched.all().filter((t) => t !== running)].map((t) => {
        const rip = Number(m.registersOf(t).getBigUint64(OFFSET_RIP, true));
        return `[tid ${t.tid}] ${k.insnLine(rip).text}`;
      }).join('\n');
    },
  },
};
