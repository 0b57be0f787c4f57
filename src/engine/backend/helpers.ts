// Helper functions, declared once for every backend: the guest's flag and dirty helpers,
// a tool's shadow helpers, the exits to function replacements. A declaration gives the
// name the IR calls it by, its signature (ir/helpers.ts), what it touches, its
// JavaScript implementation and, optionally, a WebAssembly fast path.
//
// The JavaScript side of a helper takes IR values as the interpreter holds them:
// numbers for I1..I32, F32, F64 and `Word` (an I64 the helper wants as a number),
// bigints for I64 and I128, int32 word arrays (Vec) for V128 and V256. A Dirty helper
// also gets a HelperEnv: the running thread's guest state and checked guest memory.
//
// A fast path is wasm code over the helper's parameters in wasm types (I1..I32 as i32,
// I64 and Word as i64, F32 f32, F64 f64, V128 v128) that the wasm backend runs instead of
// leaving wasm, and that takes the slow path (the JavaScript implementation, with the
// same arguments) for the cases it does not handle. It is emitted at a site: the body of
// a function of the helper's signature in the JIT's runtime module, or, for a helper
// declared `inline`, in the calling block itself (no call, and the block's values stay
// in registers around it).

import { type HelperSignature, parseHelperSignature } from '../ir/helpers.ts';
import type { MemoryPort, Vec } from '../memory/port.ts';
import type { FunctionBuilder } from '../wasm/index.ts';

export interface HelperEnv {
  /** The running thread's register file (VEX layout, a tool's shadow after it). */
  readonly state: DataView;
  readonly mem: MemoryPort;
}

export type HelperValue = number | bigint | Vec;

export interface HelperEffects {
  /** Reads or writes the guest state through env.state (the call site names which
   *  parts, as VEX's fxState). */
  readonly state?: boolean;
  /** Reads or writes guest memory through env.mem, so it may fault (GuestFault). */
  readonly memory?: boolean;
  /** Reads the virtual clock (the run counters), which compiled code brings up to date
   *  before the call. */
  readonly clock?: boolean;
}

/** What a fast path may know of the machine: where the running thread's guest state
 *  is (a Dirty helper with state effects reads and writes it there, as env.state). */
export interface WasmFastPathEnv {
  readonly state: number;
}

/** Where a fast path's code goes. Falling off the end of the body leaves with what is on
 *  the stack, as `done` does. */
export interface FastPathSite {
  readonly f: FunctionBuilder;
  /** The locals holding the parameters (the signature's wasm types, in order). */
  readonly params: readonly number[];
  /** Emits: the JavaScript implementation with the parameters, and leave with its result. */
  slow(): void;
  /** Emits: leave with the result on the stack (nothing, for a helper without one). */
  done(): void;
}

/** Emits a fast path at `site`. Memory accesses in it are the engine's own (shadow maps in
 *  the reserved region, the guest state), unchecked. */
export type WasmFastPath = (site: FastPathSite, env: WasmFastPathEnv) => void;

type PureImpl = (...args: never[]) => HelperValue;
type DirtyImpl = (env: HelperEnv, ...args: never[]) => HelperValue | undefined;

export interface HelperDecl extends HelperSignature {
  readonly name: string;
  readonly effects: HelperEffects;
  readonly impl: PureImpl | DirtyImpl;
  readonly wasm?: WasmFastPath;
  /** The fast path goes into every block that calls the helper (small, and called all
   *  the time: memcheck's shadow loads and stores). */
  readonly inline?: boolean;
}

/** A CCall helper: no state, no memory, no side effects. */
export function pureHelper(name: string, signature: string, impl: PureImpl, wasm?: WasmFastPath): HelperDecl {
  return { name, ...parseHelperSignature('pure', signature), effects: {}, impl, ...(wasm && { wasm }) };
}

export function dirtyHelper(name: string, signature: string, effects: HelperEffects, impl: DirtyImpl, wasm?: WasmFastPath): HelperDecl {
  return { name, ...parseHelperSignature('dirty', signature), effects, impl, ...(wasm && { wasm }) };
}

/** `d`, with its fast path emitted into every block that calls it. */
export function inlined(d: HelperDecl): HelperDecl {
  return { ...d, inline: true };
}

/** Every helper a machine's blocks may call, by name. */
export class HelperSet {
  private readonly byName = new Map<string, HelperDecl>();

  constructor(decls: Iterable<HelperDecl>) {
    for (const d of decls) {
      if (this.byName.has(d.name)) throw new Error(`helper '${d.name}' is declared twice`);
      this.byName.set(d.name, d);
    }
  }

  get(name: string): HelperDecl | undefined {
    return this.byName.get(name);
  }

  /** For the IR sanity checker. */
  readonly signature = (name: string): HelperSignature | undefined => this.byName.get(name);

  all(): IterableIterator<HelperDecl> {
    return this.byName.values();
  }
}
