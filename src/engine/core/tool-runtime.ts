// The core's side of the tool API: the Machine hands its events to this one object, which
// owns the tool, its redirections and the error manager. Keeping it apart keeps the run
// loop (machine.ts) free of tool logic.
import type { HelperDecl } from '../backend/helpers.ts';
import type { ElfFile } from '../elf/index.ts';
import { OFFSET_GPR, OFFSET_RIP } from '../guest/amd64/state.ts';
import type { IRSB } from '../ir/index.ts';
import type { SyscallArgs, SyscallSpec } from '../kernel/syscalls/spec.ts';
import type { AddressSpace } from '../memory/index.ts';
import { formatClientPrintf, guestString, vaListAt } from './client-printf.ts';
import { type ErrorOptions, ErrorManager, type FrameNames } from './errors.ts';
import type { ValgrindLog } from './output.ts';
import { Redirector } from './redirect.ts';
import type { Symbolizer } from './symbolize.ts';
import type { ThreadStack, Tool, ToolCore, ToolDescriptor } from './tool.ts';

/** What the runtime needs of the Machine. */
export interface MachinePort {
  log: ValgrindLog;
  as: AddressSpace;
  symbols: Symbolizer;
  state(): DataView;
  threadStates(): DataView[];
  threadStacks(): ThreadStack[];
  callGuest(addr: number, args: bigint[]): boolean;
  discardTranslations(addr: number, len: number): void;
  /** The running thread's number (Valgrind's: 1 for the main thread). */
  thread(): number;
}

export interface ToolRunOptions {
  errors: ErrorOptions;
  /** --num-callers. */
  numCallers: number;
  /** -q: only errors, no summaries. */
  quiet: boolean;
}

export const DEFAULT_TOOL_RUN_OPTIONS: ToolRunOptions = {
  errors: { genSuppressions: 'no', errorLimit: true, suppressions: [], listErrors: false },
  numCallers: 12,
  quiet: false,
};

/** valgrind.h's request codes the core answers (the rest go to the tool). */
const VG_USERREQ_RUNNING_ON_VALGRIND = 0x1001;
const VG_USERREQ_DISCARD_TRANSLATIONS = 0x1002;
const VG_USERREQ_COUNT_ERRORS = 0x1201;
const VG_USERREQ_PRINTF_VALIST_BY_REF = 0x1403;
const VG_USERREQ_PRINTF_BACKTRACE_VALIST_BY_REF = 0x1404;

export class ToolRuntime {
  readonly tool: Tool;
  readonly errors: ErrorManager;
  private readonly redirector?: Redirector;
  /** Functions the loaded objects export, by unversioned name (first object wins). */
  private readonly exported = new Map<string, number>();

  constructor(desc: ToolDescriptor, private readonly m: MachinePort, private readonly o: ToolRunOptions) {
    const names: FrameNames = {
      fnName: (ip) => this.redirector?.frameName(ip) ?? m.symbols.functionName(ip),
      objPath: (ip) => (this.redirector?.frameName(ip) ? this.redirector.preload : m.symbols.objectPath(ip)),
      frameInfo: (ip) => {
        const fn = this.redirector?.frameName(ip);
        return fn ? [{ ip, obj: this.redirector!.preload, fn }] : m.symbols.frameInfo(ip);
      },
    };
    this.errors = new ErrorManager(m.log, names, o.errors, () => m.thread());
    const core: ToolCore = {
      log: m.log, as: m.as, errors: this.errors, state: m.state, threadStates: m.threadStates, threadStacks: m.threadStacks, quiet: o.quiet,
      stackTrace: (pc) => this.stackTrace(pc), stackFrameOf: (addr) => this.stackFrameOf(addr),
      callGuest: m.callGuest, addressOf: (name) => this.exported.get(name), discardTranslations: m.discardTranslations,
    };
    this.tool = desc.create(core);
    const r = this.tool.replacements;
    if (r) this.redirector = new Redirector(r.functions, r.preload, r.returned);
  }

  helpers(): HelperDecl[] {
    return [...this.tool.helpers ?? [], ...this.redirector?.helpers() ?? []];
  }

  /** An object was mapped: its ELF file and, if found, its separate debug file. */
  objectLoaded(path: string, elfs: ElfFile[], bias: number, staticMain: boolean): void {
    this.redirector?.objectLoaded(path, elfs, bias, staticMain);
    for (const s of elfs[0]!.dynamicSymbols) {
      if (s.type === 'FUNC' && s.value !== 0 && !this.exported.has(s.name)) this.exported.set(s.name, s.value + bias);
    }
  }

  /** Whether a tool replaces the function at addr. */
  isRedirected(addr: number): boolean {
    return this.redirector?.isRedirected(addr) ?? false;
  }

  /** The synthesised block of a redirected address, or undefined. */
  redirectedBlock(addr: number): IRSB | undefined {
    return this.isRedirected(addr) ? this.redirector!.block(addr) : undefined;
  }

  /** Start-up: every mapping the loader made is the guest's, defined. */
  /** The program is loaded: its memory is the tool's to know, and from now on the tool
   *  hears of memory coming and going. */
  startup(): void {
    for (const m of this.m.as.mappings) if (m.kind !== 'reserved') this.memDefined(m.start, m.end - m.start);
    this.m.as.events = this.tool.memory;
  }

  memDefined(addr: number, len: number): void {
    this.tool.memDefined?.(addr, len);
  }

  /** Whether the tool instruments blocks at all. */
  get instruments(): boolean {
    return this.tool.instrument !== undefined;
  }

  instrument(sb: IRSB): IRSB | undefined {
    return this.tool.instrument?.(sb);
  }

  /** The stack at pc, Valgrind-style. A replacement's frame is the call itself: its
   *  caller is found from the return address on top of the stack. */
  stackTrace(pc: number): number[] {
    return this.stackFrames(pc, true).map((f) => f.ip);
  }

  private stackFrames(pc: number, endAtMain: boolean): { ip: number; sp: number }[] {
    const s = this.m.state();
    const reg = (n: number) => Number(s.getBigUint64(OFFSET_GPR(n), true));
    const read = (addr: number) => {
      const b = this.m.as.readBytes(addr, 8);
      return b instanceof Uint8Array ? new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true) : undefined;
    };
    const max = this.o.numCallers;
    if (this.redirector?.isRedirected(pc)) {
      const ret = read(reg(4));
      const replacement = { ip: pc, sp: reg(4) };
      if (ret === undefined || max < 2) return [replacement];
      return [replacement, ...this.m.symbols.stackFrames({ rip: Number(ret) - 1, rsp: reg(4) + 8, rbp: reg(5) }, read, max - 1, endAtMain)];
    }
    return this.m.symbols.stackFrames({ rip: pc, rsp: reg(4), rbp: reg(5) }, read, max, endAtMain);
  }

  /** Valgrind's "in frame #N, created by fn (file:line)" for a stack address: the frame of
   *  the current stack whose [sp, caller's sp) holds addr. Like Valgrind it looks through
   *  the whole trace (--num-callers frames, below main included). */
  stackFrameOf(addr: number): string | undefined {
    const frames = this.stackFrames(Number(this.m.state().getBigUint64(OFFSET_RIP, true)), false);
    for (let f = 0; f + 1 < frames.length; f++) {
      if (addr >= frames[f]!.sp && addr < frames[f + 1]!.sp) {
        const fn = this.m.symbols.functionCreatedAt(frames[f]!.ip);
        return fn && `in frame #${f}, created by ${fn}`;
      }
    }
    return undefined;
  }

  preSyscall(spec: SyscallSpec | undefined, args: SyscallArgs, pc: number): void {
    if (spec) this.tool.preSyscall?.(spec, args, pc);
  }

  postSyscall(spec: SyscallSpec | undefined, args: SyscallArgs, result: number): void {
    if (spec) this.tool.postSyscall?.(spec, args, result);
  }

  /** A client request (the block ended with jump kind ClientReq): the argument block is at
   *  rax, the result goes to rdx. */
  clientRequest(pc: number): void {
    const s = this.m.state();
    const block = Number(s.getBigUint64(OFFSET_GPR(0), true));
    const bytes = this.m.as.readBytes(block, 48);
    if (!(bytes instanceof Uint8Array)) return;
    const v = new DataView(bytes.buffer, bytes.byteOffset, 48);
    const args = [0, 1, 2, 3, 4, 5].map((i) => v.getBigUint64(8 * i, true));
    const result = this.answer(args, pc);
    if (result !== undefined) s.setBigUint64(OFFSET_GPR(2), BigInt.asUintN(64, result), true);
  }

  private answer(args: bigint[], pc: number): bigint | undefined {
    switch (Number(args[0])) {
      case VG_USERREQ_RUNNING_ON_VALGRIND: return 1n;
      case VG_USERREQ_DISCARD_TRANSLATIONS: this.m.discardTranslations(Number(args[1]), Number(args[2])); return 0n;
      case VG_USERREQ_COUNT_ERRORS: return BigInt(this.errors.count);
      case VG_USERREQ_PRINTF_VALIST_BY_REF: return this.clientPrintf(args, pc, false);
      case VG_USERREQ_PRINTF_BACKTRACE_VALIST_BY_REF: return this.clientPrintf(args, pc, true);
      default: return this.tool.clientRequest?.(args, pc);
    }
  }

  /** VALGRIND_PRINTF(_BACKTRACE): the format (args[1]) with the va_list args[2] points
   *  to, as `**PID**` lines, then the stack for the backtrace form. Returns the count.
   *  (The older by-value requests 0x1401/0x1402 cannot carry an amd64 va_list: valgrind.h
   *  no longer issues them.) */
  private clientPrintf(args: bigint[], pc: number, backtrace: boolean): bigint {
    const as = this.m.as;
    const { text, count } = formatClientPrintf(guestString(as, args[1]!), vaListAt(as, Number(args[2])), (a) => guestString(as, a));
    this.m.log.client(text);
    if (backtrace) this.m.log.lines(this.errors.formatFrames(this.stackTrace(pc)));
    return BigInt(count);
  }

  /** The end of the run: the tool's final report; an exit status that overrides the
   *  program's, or undefined. */
  fini(exited: boolean): number | undefined {
    // --xml=yes: FINISHED before the tool's final report (the leak check's errors), the
    // counts after it.
    this.o.errors.xml?.status('FINISHED');
    const status = this.tool.fini?.(exited);
    this.errors.finishXml();
    return status;
  }
}
