// One WebAssembly function under construction: its signature, its locals and its code.
// Instructions are encoded as they are emitted; when asked to, the builder also keeps
// each one as a line of text, tagged with the caller's current mark (the JIT marks the
// IR statement it is compiling), which is how the block view shows the code and links
// it to the IR.
import { ByteWriter } from './bytes.ts';
import { OPCODES } from './opcodes.ts';

export type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128';

export const VALTYPE_CODE: Readonly<Record<ValType | 'funcref', number>> = {
  i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b, funcref: 0x70,
};

/** A function index: resolved when the module is encoded, since imports may still be
 *  added after code refers to a defined function. */
export interface FuncRef {
  readonly kind: 'import' | 'defined';
  readonly index: number;
  readonly name: string;
}

/** A block's type: nothing, one result, or a function type index (multi-value). */
export type BlockType = ValType | 'void';

export interface TextLine {
  readonly text: string;
  /** The mark in force when the instruction was emitted (-1: none). */
  readonly mark: number;
}

export class FunctionBuilder {
  readonly code = new ByteWriter();
  /** Where call immediates name functions, patched at encoding. */
  readonly fixups: { at: number; ref: FuncRef }[] = [];
  private readonly locals: ValType[] = [];
  private readonly textLines?: TextLine[];
  /** Open structured blocks + 1 (the text's indentation). */
  private depth = 1;
  private currentMark = -1;

  constructor(
    readonly name: string,
    readonly params: readonly ValType[],
    readonly results: readonly ValType[],
    withText = false,
  ) {
    if (withText) this.textLines = [];
  }

  /** A new local of type t; its index. */
  local(t: ValType): number {
    this.locals.push(t);
    return this.params.length + this.locals.length - 1;
  }

  get localTypes(): readonly ValType[] {
    return this.locals;
  }

  /** How many structured blocks (block, loop, if) are open where code goes now: the label
   *  of a block whose opening made the nesting n is `br` depth (nesting - n) from here. */
  get nesting(): number {
    return this.depth - 1;
  }

  /** Tags the instructions that follow (in the text) with `m`. */
  mark(m: number): void {
    this.currentMark = m;
  }

  get text(): readonly TextLine[] | undefined {
    return this.textLines;
  }

  /**
   * Emits one instruction. Immediates by kind: memarg (offset, align = natural),
   * lanememarg (offset, lane), lane (index), i32/i64/f32/f64 (the value; floats as their
   * bits, a number for f32 and a bigint for f64), v128 (16 bytes), local/global/label
   * (index), block (a BlockType), brtable (label list, default), selectt (a ValType).
   */
  op(name: string, a?: number | bigint | readonly number[] | string, b?: number): this {
    const info = OPCODES[name];
    if (!info) throw new Error(`wasm: no instruction ${name}`);
    const w = this.code;
    if (info.prefix !== undefined) {
      w.byte(info.prefix);
      w.u32(info.code);
    } else {
      w.byte(info.code);
    }
    switch (info.imm) {
      case 'none': break;
      case 'memarg': case 'lanememarg':
        w.u32(info.natural!);
        w.u32((a as number | undefined) ?? 0);
        if (info.imm === 'lanememarg') w.byte(b!);
        break;
      case 'lane': w.byte(a as number); break;
      case 'shuffle': case 'v128': w.bytes(a as readonly number[]); break;
      case 'i32': w.s32(a as number); break;
      case 'i64': w.s64(a as bigint); break;
      case 'f32': w.f32Bits(a as number); break;
      case 'f64': w.f64Bits(a as bigint); break;
      case 'local': case 'global': case 'label': w.u32(a as number); break;
      case 'block': {
        const t = (a as BlockType | undefined) ?? 'void';
        w.byte(t === 'void' ? 0x40 : VALTYPE_CODE[t]);
        break;
      }
      case 'brtable': {
        const labels = a as readonly number[];
        w.u32(labels.length);
        labels.forEach((l) => w.u32(l));
        w.u32(b!);
        break;
      }
      case 'selectt': w.u32(1); w.byte(VALTYPE_CODE[a as ValType]); break;
      case 'memory': w.byte(0); break;
      case 'memcopy': w.byte(0); w.byte(0); break;
      case 'func': case 'indirect':
        throw new Error(`wasm: emit ${name} with call()/callIndirect()`);
    }
    this.nest(name);
    if (this.textLines) this.textLine(name, immediateText(info.imm, a, b));
    return this;
  }

  call(ref: FuncRef, tail = false): this {
    this.code.byte(OPCODES[tail ? 'return_call' : 'call']!.code);
    this.fixups.push({ at: this.code.paddedU32(0), ref });
    if (this.textLines) this.textLine(tail ? 'return_call' : 'call', ` $${ref.name}`);
    return this;
  }

  callIndirect(typeIndex: number, tail = false): this {
    this.code.byte(OPCODES[tail ? 'return_call_indirect' : 'call_indirect']!.code);
    this.code.u32(typeIndex);
    this.code.u32(0);
    if (this.textLines) this.textLine(tail ? 'return_call_indirect' : 'call_indirect', ` (type ${typeIndex})`);
    return this;
  }

  // Shorthands for the instructions the JIT emits most.
  get(i: number): this { return this.op('local.get', i); }
  set(i: number): this { return this.op('local.set', i); }
  tee(i: number): this { return this.op('local.tee', i); }
  i32(v: number): this { return this.op('i32.const', v); }
  i64(v: bigint): this { return this.op('i64.const', v); }

  /** Follows the nesting of structured blocks (for `nesting` and the text's indentation). */
  private nest(name: string): void {
    if (name === 'end' || name === 'else') this.depth--;
    if (name === 'block' || name === 'loop' || name === 'if' || name === 'else') this.depth++;
  }

  private textLine(name: string, imm: string): void {
    const opens = name === 'block' || name === 'loop' || name === 'if' || name === 'else';
    // Printed at the nesting outside what the instruction opens.
    const indent = Math.max(this.depth - (opens ? 1 : 0), 0);
    this.textLines!.push({ text: `${'  '.repeat(indent)}${name}${imm}`, mark: this.currentMark });
  }

  /** The body as the code section holds it: locals, then code (closed with `end`). */
  encodeBody(resolve: (ref: FuncRef) => number): Uint8Array {
    const body = new ByteWriter();
    const runs: [ValType, number][] = [];
    for (const t of this.locals) {
      const last = runs[runs.length - 1];
      if (last && last[0] === t) last[1]++;
      else runs.push([t, 1]);
    }
    body.u32(runs.length);
    for (const [t, n] of runs) {
      body.u32(n);
      body.byte(VALTYPE_CODE[t]);
    }
    for (const f of this.fixups) this.code.patchU32(f.at, resolve(f.ref));
    body.bytes(this.code.finish());
    body.byte(OPCODES.end!.code);
    return body.finish();
  }
}

/** An instruction's immediates as the text shows them. */
function immediateText(imm: string, a: unknown, b: unknown): string {
  switch (imm) {
    case 'memarg': return a ? ` offset=${a as number}` : '';
    case 'lanememarg': return `${a ? ` offset=${a as number}` : ''} ${b as number}`;
    case 'lane': case 'local': case 'global': case 'label': return ` ${a as number}`;
    case 'shuffle': return ` ${(a as number[]).join(' ')}`;
    case 'i32': return ` ${(a as number) | 0}`;
    case 'i64': return ` ${BigInt.asIntN(64, a as bigint)}`;
    case 'f32': return ` 0x${((a as number) >>> 0).toString(16)} (bits)`;
    case 'f64': return ` 0x${BigInt.asUintN(64, a as bigint).toString(16)} (bits)`;
    case 'v128': {
      const bytes = a as readonly number[];
      const words = [0, 1, 2, 3].map((i) => (bytes[4 * i]! | (bytes[4 * i + 1]! << 8) | (bytes[4 * i + 2]! << 16) | (bytes[4 * i + 3]! << 24)) >>> 0);
      return ` i32x4 ${words.map((x) => `0x${x.toString(16).padStart(8, '0')}`).join(' ')}`;
    }
    case 'block': return a && a !== 'void' ? ` (result ${a as string})` : '';
    case 'brtable': return ` ${[...(a as number[]), b].join(' ')}`;
    case 'selectt': return ` (result ${a as string})`;
    default: return '';
  }
}
