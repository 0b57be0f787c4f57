// Debugging a Machine: breakpoints, stepping by instruction, block or IR statement, and
// the translations as the block list and block views show them. The host (the engine
// worker, a test) drives run(); this module decides where the guest stops.
//
// Breakpoints are block boundaries: the Machine cuts every block to end before a
// breakpoint address (and drops translations that ran through one when it is set), and
// its run loop returns when rip reaches one. Resuming runs the block at rip first, so a
// run moves off the breakpoint it stopped at. Single-stepping runs the instruction at rip
// as a one-instruction block, translated for the step and not cached.
import type { BlockExit } from '../backend/backend.ts';
import { type IRStepper, formatValue } from '../backend/interp/index.ts';
import { decode } from '../guest/amd64/decoder.ts';
import { formatAtt } from '../guest/amd64/att.ts';
import type { Instruction } from '../guest/amd64/instruction.ts';
import { OFFSET_GPR, OFFSET_RIP } from '../guest/amd64/state.ts';
import { type IRSB, ppIRSB } from '../ir/index.ts';
import { imarkAddresses } from '../backend/interp/block.ts';
import type { Machine, RunState, Translation } from './machine.ts';

export interface Breakpoint {
  id: number;
  addr: number;
}

export type StopReason =
  | { kind: 'breakpoint'; id: number; addr: number }
  | { kind: 'step' }
  | { kind: 'pause' }
  | { kind: 'entry' };

/** What a run or a step came to. */
export type Outcome =
  /** The block budget is spent: run again. */
  | { kind: 'running' }
  /** The guest waits in a syscall for terminal input; run again when there is some. */
  | { kind: 'blocked' }
  | { kind: 'stopped'; reason: StopReason }
  | { kind: 'ended'; state: Exclude<RunState, { kind: 'running' }> };

/** One translation in the block list. */
export interface BlockSummary {
  addr: number;
  /** `symbol+0xoff`, `(in /lib/x.so)` or the address. */
  where: string;
  executions: number;
  guestInsns: number;
  guestBytes: number;
  /** Statements of its optimised IR; absent while it runs unoptimised in the interpreter
   *  (optimiseWhenHot: until it is compiled or shown). */
  irStmts?: number;
}

/** A translation's views. The IR texts are ppIRSB's; `imark*[i]` is the guest
 *  instruction that line i (0-based) belongs to, null for lines outside any group. */
export interface BlockText {
  addr: number;
  guest: { addr: number; bytes: string; text: string }[];
  irBefore: string;
  irAfter: string;
  imarkBefore: (number | null)[];
  imarkAfter: (number | null)[];
  /** Under the wasm JIT: the block's WebAssembly as text; for each of its lines the
   *  irAfter line (0-based) of the IR statement it was compiled from, and that
   *  statement's guest instruction; whether it is compiled yet. */
  wasm?: { text: string; irLine: (number | null)[]; imark: (number | null)[]; compiled: boolean };
}

/** The IR stepper's position: `line` is the 0-based line of irAfter holding statement `next`. */
export interface IRStepState {
  addr: number;
  /** Index of the next statement to run (the final jump's once all have run). */
  next: number;
  line: number;
  /** Each temp assigned so far: name (`t3`) → value in hex at its type's width. */
  temps: Record<string, string>;
  done: boolean;
}

export class Debugger {
  private readonly points = new Map<number, Breakpoint>();
  private nextId = 0;
  /** `ni` over a call: stop at the return address, once the stack is back to the
   *  caller's depth (a recursive call passes the same address deeper). */
  private stepOver?: { addr: number; rsp: number; temporary: boolean };
  /** The block being stepped one IR statement at a time. */
  private ir?: { t: Translation; stepper: IRStepper };

  constructor(readonly machine: Machine) {}

  get breakpoints(): Breakpoint[] {
    return [...this.points.values()];
  }

  /** Sets a breakpoint (or returns the one already at addr). */
  setBreakpoint(addr: number): Breakpoint {
    const old = this.breakpointAt(addr);
    if (old) return old;
    const bp = { id: this.nextId++, addr };
    this.points.set(bp.id, bp);
    this.machine.breakAt.add(addr);
    this.machine.discardThrough(addr);
    return bp;
  }

  clearBreakpoint(id: number): boolean {
    const bp = this.points.get(id);
    if (!bp) return false;
    this.points.delete(id);
    if (this.stepOver?.addr !== bp.addr) this.machine.breakAt.delete(bp.addr);
    return true;
  }

  breakpointAt(addr: number): Breakpoint | undefined {
    return this.breakpoints.find((b) => b.addr === addr);
  }

  get rip(): number {
    return this.machine.rip;
  }

  reg(n: number): number {
    return Number(this.machine.guestState.getBigUint64(OFFSET_GPR(n), true));
  }

  /** The thread whose registers the views show (kdb's `cpu N`), by tid: the running one
   *  when none is picked or the picked one has gone. */
  viewed?: number;

  /** The viewed thread's register file. */
  get viewedState(): DataView {
    const t = this.viewed === undefined ? undefined : this.machine.sched.find(this.viewed);
    return t ? this.machine.registersOf(t) : this.machine.guestState;
  }

  /** Runs up to `maxBlocks` blocks, stopping at breakpoints. */
  run(maxBlocks: number): Outcome {
    const done = this.finishIRStep();
    if (done) return done;
    return this.outcome(this.machine.run(maxBlocks), false);
  }

  /** Runs the instruction at rip and stops. */
  stepInstruction(): Outcome {
    this.cancelStepOver();
    const done = this.finishIRStep();
    if (done) return done;
    const m = this.machine;
    return this.outcome(m.runBlock(m.translateInsn(m.rip)) ?? { kind: 'running', blocked: false }, true);
  }

  /** Runs the block at rip (as the Machine translated it) and stops. */
  stepBlock(): Outcome {
    this.cancelStepOver();
    const done = this.finishIRStep();
    if (done) return done;
    return this.outcome(this.machine.run(1), true);
  }

  /** `ni`: over a call, sets a stop at its return address and returns 'running' (run()
   *  then goes on to it); any other instruction is one step. */
  stepOverCall(): Outcome {
    const ins = this.instructionAt(this.rip);
    if (ins?.form?.mnem !== 'call') return this.stepInstruction();
    this.cancelStepOver();
    const addr = ins.addr + ins.len;
    this.stepOver = { addr, rsp: this.reg(4), temporary: !this.machine.breakAt.has(addr) };
    this.machine.breakAt.add(addr);
    this.machine.discardThrough(addr);
    return this.run(1);
  }

  /** Forgets an unfinished `ni` (the user paused, or stepped otherwise). */
  cancelStepOver(): void {
    if (this.stepOver?.temporary) this.machine.breakAt.delete(this.stepOver.addr);
    this.stepOver = undefined;
  }

  private outcome(state: RunState, stepped: boolean): Outcome {
    if (state.kind !== 'running') {
      this.cancelStepOver();
      return { kind: 'ended', state };
    }
    if (state.blocked) return { kind: 'blocked' };
    const rip = this.rip;
    const over = this.stepOver;
    if (over && rip === over.addr && this.reg(4) >= over.rsp) {
      this.cancelStepOver();
      return { kind: 'stopped', reason: { kind: 'step' } };
    }
    if (stepped && !over) return { kind: 'stopped', reason: { kind: 'step' } };
    const bp = this.breakpointAt(rip);
    if (bp) {
      this.cancelStepOver();
      return { kind: 'stopped', reason: { kind: 'breakpoint', id: bp.id, addr: bp.addr } };
    }
    return { kind: 'running' };
  }

  /** The instruction at addr, decoded from guest memory, or undefined if unreadable. */
  instructionAt(addr: number): Instruction | undefined {
    const m = this.machine.as.mappingAt(addr);
    if (!m) return undefined;
    const bytes = this.machine.as.readBytes(addr, Math.min(15, m.end - addr));
    return bytes instanceof Uint8Array ? decode(bytes, 0, addr) : undefined;
  }

  /** objdump's spelling of a code address in an operand: `main`, `main+0x1f`. */
  readonly objdumpName = (addr: number): string | undefined => {
    const s = this.machine.symbols.symbolOffset(addr);
    return s?.endsWith('+0x0') ? s.slice(0, -4) : s;
  };

  /** A translation's place: `main+0x10`, `(in /lib/libc.so.6)`, or the address. */
  where(addr: number): string {
    const sym = this.machine.symbols;
    const obj = sym.objectPath(addr);
    return sym.symbolOffset(addr) ?? (obj ? `(in ${obj})` : `0x${addr.toString(16)}`);
  }

  blocks(): BlockSummary[] {
    return [...this.machine.translated()].map((t) => ({
      addr: t.addr,
      where: this.where(t.addr),
      executions: this.machine.runsOf(t),
      guestInsns: t.lifted.instrs.length,
      guestBytes: t.lifted.instrs.reduce((n, i) => n + i.len, 0),
      ...(this.machine.isOptimised(t) && { irStmts: t.sb.stmts.length }),
    }));
  }

  /** The translation at addr (a cached one: the block list's), or undefined. */
  block(addr: number): BlockText | undefined {
    const found = [...this.machine.translated()].find((x) => x.addr === addr);
    if (!found) return undefined;
    const t = this.machine.optimised(found);
    const before = irText(t.lifted.sb);
    const after = irText(t.sb);
    const code = this.machine.wasmCode(t);
    const addrs = imarkAddresses(t.sb);
    const wasm = code && {
      text: code.lines.map((l) => l.text).join('\n'),
      irLine: code.lines.map((l) => (l.mark < 0 ? null : after.stmtLine + l.mark)),
      imark: code.lines.map((l) => (l.mark < 0 ? null : addrs[l.mark] ?? null)),
      compiled: code.compiled,
    };
    return {
      ...(wasm && { wasm }),
      addr,
      guest: t.lifted.instrs.map((ins) => {
        const bytes = this.machine.as.readBytes(ins.addr, ins.len);
        return {
          addr: ins.addr,
          bytes: bytes instanceof Uint8Array ? Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ') : '',
          text: formatAtt(ins, this.objdumpName),
        };
      }),
      irBefore: before.text, irAfter: after.text, imarkBefore: before.imark, imarkAfter: after.imark,
    };
  }

  /**
   * Runs the next IR statement of the block at rip (its translation as the Machine runs
   * it), against the real guest state: once its last statement has run, the block has
   * run, exactly as if resumed, and the next call starts the following block.
   * Returns the position, and the outcome once the block is done.
   */
  irStep(): { view: IRStepState; outcome?: Outcome } {
    if (!this.ir) {
      const t = this.machine.translation(this.rip);
      this.ir = { t, stepper: this.machine.stepper(t) };
    }
    const { t, stepper } = this.ir;
    const exit = stepper.step();
    const temps: Record<string, string> = {};
    stepper.temps.forEach((v, i) => { if (v !== undefined) temps[`t${i}`] = formatValue(t.sb.tyenv[i]!, v); });
    const view = { addr: t.addr, next: stepper.nextStmt, line: irText(t.sb).stmtLine + stepper.nextStmt, temps, done: !!exit };
    return exit ? { view, outcome: this.endIRStep(exit) } : { view };
  }

  /** A run or a step while an IR step is under way first finishes that block. */
  private finishIRStep(): Outcome | undefined {
    if (!this.ir) return undefined;
    const o = this.endIRStep(this.ir.stepper.run());
    return o.kind === 'running' ? undefined : o;
  }

  private endIRStep(exit: BlockExit): Outcome {
    const { t } = this.ir!;
    this.ir = undefined;
    return this.outcome(this.machine.runBlock(t, () => exit) ?? { kind: 'running', blocked: false }, false);
  }

  /** The viewed thread's stack: return addresses from rip, through main (or the thread's
   *  start routine) into the C library. */
  frames(max = 32): number[] {
    const read = (addr: number) => {
      const b = this.machine.as.readBytes(addr, 8);
      return b instanceof Uint8Array ? new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true) : undefined;
    };
    const s = this.viewedState;
    const reg = (off: number) => Number(s.getBigUint64(off, true));
    const ips = this.machine.symbols.stackTrace({ rip: reg(OFFSET_RIP), rsp: reg(OFFSET_GPR(4)), rbp: reg(OFFSET_GPR(5)) }, read, max, false);
    return ips.map((a, i) => (i === 0 ? a : a + 1));
  }
}

/** ppIRSB's text, the line of its first statement, and each line's IMark group. */
function irText(sb: IRSB): { text: string; stmtLine: number; imark: (number | null)[] } {
  const text = ppIRSB(sb);
  const lines = text.split('\n');
  // The statements, then the final jump's line, `}` and the empty string after the last newline.
  const stmtLine = lines.length - 3 - sb.stmts.length;
  const addrs = imarkAddresses(sb);
  const imark = lines.map((_, i) => {
    const k = i - stmtLine;
    return k >= 0 && k <= sb.stmts.length ? addrs[k] ?? null : null;
  });
  return { text, stmtLine, imark };
}
