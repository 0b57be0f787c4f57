// Function redirection (Valgrind's m_redir): a tool names functions by soname and symbol;
// when an object with such a symbol is mapped, calls to the symbol's address run the
// tool's JavaScript replacement instead of the guest code. The block at a redirected
// address is synthesised: one Dirty call to the replacement, then `ret`.
//
// glibc picks string functions at load time through IFUNC symbols: strlen's symbol is a
// resolver that returns __strlen_sse2 or another variant. Valgrind redirects the IFUNC
// symbol so that none of the variants runs; here the resolver itself is replaced by one
// that answers `resolver + 1`, an address that is itself redirected to the replacement
// (it never holds an instruction start, so no guest code is shadowed).
import { type HelperDecl, type HelperEnv, type WasmFastPath, dirtyHelper } from '../backend/helpers.ts';
import { type ElfFile, demangle } from '../elf/index.ts';
import { IRSBBuilder, binop, c64, get, load } from '../ir/builder.ts';
import type { IRSB } from '../ir/index.ts';
import { OFFSET_GPR, OFFSET_RIP, OFFSET_RSP } from '../guest/amd64/state.ts';

/** What a replacement sees of the call: the System V integer arguments and the state. */
export interface ReplacementCall {
  /** Integer argument i: rdi, rsi, rdx, rcx, r8, r9. */
  arg(i: number): bigint;
  /** Bits 0-31 and 32-63 of argument i, as numbers: pointers and sizes without a bigint
   *  (the string functions run millions of times). */
  low(i: number): number;
  high(i: number): number;
  /** The address that was called (the redirected symbol). */
  readonly pc: number;
  /** The name of the replaced function as the call's first frame shows it. */
  readonly fn: string;
}

export interface Replacement {
  /** Globs over the object's file name (libc.so*); 'NONE' is a static main executable. */
  sonames: string[];
  /** Symbol names (mangled, as in the symbol table). Where aliases share an address
   *  (libc's strchr and index), frames show the one listed first, as Valgrind does. */
  names: string[];
  /** Runs instead of the function; the result (a number: an integer) goes to rax. */
  run(call: ReplacementCall): bigint | number | undefined;
  /** Optionally, the same in WebAssembly for the calls it can finish alone (`slow` runs
   *  `run`): it reads the arguments from, and writes rax (and what `returned` would) to,
   *  the guest state at `env.state`. Its helper takes the called address. */
  wasm?: WasmFastPath;
}

interface Redirect {
  replacement: Replacement;
  /** The symbol redirected. */
  name: string;
  /** The frame's function name, demangled ("operator new(unsigned long)"). */
  fn: string;
}

const ARG_REGS = [7, 6, 2, 1, 8, 9];
const REDIRECT_HELPER = 'grindlab_redirect';

/** The helper a redirected block calls: the common one, or its replacement's own where it
 *  has a fast path (grindlab_redirect_memcmp). */
const helperName = (r: Replacement) => (r.wasm ? `${REDIRECT_HELPER}_${r.names[0]}` : REDIRECT_HELPER);

function globMatch(glob: string, s: string): boolean {
  return new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(s);
}

export class Redirector {
  private readonly at = new Map<number, Redirect>();

  /** `returned`: the tool's view of a replacement's return (memcheck: rax is defined). */
  constructor(private readonly replacements: Replacement[], readonly preload: string, private readonly returned?: (state: DataView) => void) {}

  /** An object was mapped with load bias `bias`: redirect its symbols (from its ELF file
   *  and its debug file) that a replacement names. `staticMain`: the main executable of a static program (soname NONE). */
  objectLoaded(path: string, elfs: ElfFile[], bias: number, staticMain: boolean): void {
    const soname = staticMain ? 'NONE' : path.slice(path.lastIndexOf('/') + 1);
    const wanted = this.replacements.filter((r) => r.sonames.some((g) => globMatch(g, soname)));
    if (wanted.length === 0) return;
    for (const s of elfs.flatMap((elf) => [...elf.dynamicSymbols, ...elf.symbols])) {
      if ((s.type !== 'FUNC' && s.type !== 'GNU_IFUNC') || s.value === 0) continue;
      const replacement = wanted.find((r) => r.names.includes(s.name));
      if (!replacement) continue;
      const addr = s.value + bias;
      const target = s.type === 'GNU_IFUNC' ? addr + 1 : addr;
      const prev = this.at.get(target);
      if (prev && !(prev.replacement === replacement && replacement.names.indexOf(s.name) < replacement.names.indexOf(prev.name))) continue;
      const fn = demangle(s.name) ?? s.name;
      if (s.type === 'GNU_IFUNC') this.at.set(addr, { replacement: IFUNC_RESOLVER, name: s.name, fn });
      this.at.set(target, { replacement, name: s.name, fn });
    }
  }

  isRedirected(addr: number): boolean {
    return this.at.has(addr);
  }

  /** The function a redirected address shows in stack traces. */
  frameName(addr: number): string | undefined {
    return this.at.get(addr)?.fn;
  }

  /** The block that runs at a redirected address: the replacement, then `ret`. */
  block(addr: number): IRSB {
    const b = new IRSBBuilder({ offsIP: OFFSET_RIP });
    b.imark(addr, 1);
    b.dirty({
      callee: { name: helperName(this.at.get(addr)!.replacement) }, args: [c64(addr)],
      // The replacement reports errors with a stack unwound from rsp; it writes rax itself.
      fxState: [{ fx: 'Read', offset: OFFSET_RSP, size: 8 }, { fx: 'Read', offset: OFFSET_GPR(5), size: 8 }],
    });
    const sp = b.assign(get(OFFSET_RSP, 'I64'));
    const ret = b.assign(load('I64', sp));
    b.put(OFFSET_RSP, binop('Add64', sp, c64(8)));
    return b.finish(ret, 'Ret');
  }

  helpers(): HelperDecl[] {
    // The replacement reads its arguments and writes rax in the guest state.
    const run = (env: HelperEnv, pc: number) => {
      const r = this.at.get(pc)!;
      const state = env.state;
      const result = r.replacement.run(new RegisterArgs(state, pc, r.fn));
      if (typeof result === 'number' && result >>> 0 === result) {
        state.setUint32(OFFSET_GPR(0), result, true);
        state.setUint32(OFFSET_GPR(0) + 4, 0, true);
      } else if (result !== undefined) {
        state.setBigUint64(OFFSET_GPR(0), BigInt.asUintN(64, BigInt(result)), true);
      }
      this.returned?.(state);
      return undefined;
    };
    return [
      dirtyHelper(REDIRECT_HELPER, 'Word -> none', { state: true }, run),
      ...this.replacements.filter((r) => r.wasm).map((r) => dirtyHelper(helperName(r), 'Word -> none', { state: true }, run, r.wasm)),
    ];
  }
}

/** A replacement's arguments, in the guest state's registers. */
class RegisterArgs implements ReplacementCall {
  constructor(private readonly state: DataView, readonly pc: number, readonly fn: string) {}

  arg(i: number): bigint {
    return this.state.getBigUint64(OFFSET_GPR(ARG_REGS[i]!), true);
  }

  low(i: number): number {
    return this.state.getUint32(OFFSET_GPR(ARG_REGS[i]!), true);
  }

  high(i: number): number {
    return this.state.getUint32(OFFSET_GPR(ARG_REGS[i]!) + 4, true);
  }
}

/** An IFUNC resolver's stand-in: the variant it selects is the redirected `resolver + 1`. */
const IFUNC_RESOLVER: Replacement = { sonames: [], names: [], run: (call) => BigInt(call.pc + 1) };
