// A WebAssembly module under construction: types (deduplicated), imports (functions, the
// one shared memory, a function table, globals), defined functions and exports, encoded
// in the binary format's section order.
import { ByteWriter } from './bytes.ts';
import { type FuncRef, FunctionBuilder, VALTYPE_CODE, type ValType } from './function.ts';

interface FuncImport { module: string; name: string; type: number; ref: FuncRef }

export interface MemoryImport { module: string; name: string; min: number; max: number; shared: boolean }
export interface TableImport { module: string; name: string; min: number }
export interface GlobalImport { module: string; name: string; type: ValType; mutable: boolean }

export class ModuleBuilder {
  private readonly types: string[] = [];
  private readonly typeSigs: { params: readonly ValType[]; results: readonly ValType[] }[] = [];
  private readonly funcImports: FuncImport[] = [];
  private readonly funcs: { f: FunctionBuilder; type: number; ref: FuncRef }[] = [];
  private readonly exports: { name: string; ref: FuncRef }[] = [];
  private memory?: MemoryImport;
  private table?: TableImport;
  private readonly globals: GlobalImport[] = [];

  /** The index of the function type (params) -> (results). */
  type(params: readonly ValType[], results: readonly ValType[]): number {
    const key = `${params.join(',')}->${results.join(',')}`;
    let i = this.types.indexOf(key);
    if (i < 0) {
      i = this.types.push(key) - 1;
      this.typeSigs.push({ params, results });
    }
    return i;
  }

  importFunction(module: string, name: string, params: readonly ValType[], results: readonly ValType[]): FuncRef {
    const ref: FuncRef = { kind: 'import', index: this.funcImports.length, name };
    this.funcImports.push({ module, name, type: this.type(params, results), ref });
    return ref;
  }

  importMemory(m: MemoryImport): void {
    this.memory = m;
  }

  importTable(t: TableImport): void {
    this.table = t;
  }

  /** A global's index. */
  importGlobal(g: GlobalImport): number {
    return this.globals.push(g) - 1;
  }

  /** Adds a function (its code may still be emitted until encode()). */
  addFunction(f: FunctionBuilder): FuncRef {
    const ref: FuncRef = { kind: 'defined', index: this.funcs.length, name: f.name };
    this.funcs.push({ f, type: this.type(f.params, f.results), ref });
    return ref;
  }

  exportFunction(name: string, ref: FuncRef): void {
    this.exports.push({ name, ref });
  }

  get functionCount(): number {
    return this.funcs.length;
  }

  encode(): Uint8Array<ArrayBuffer> {
    const out = new ByteWriter();
    out.bytes([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    const resolve = (ref: FuncRef) => (ref.kind === 'import' ? ref.index : this.funcImports.length + ref.index);
    const section = (id: number, fill: (w: ByteWriter) => void) => {
      const w = new ByteWriter();
      fill(w);
      out.byte(id);
      out.sized(w);
    };

    section(1, (w) => {
      w.u32(this.typeSigs.length);
      for (const { params, results } of this.typeSigs) {
        w.byte(0x60);
        w.u32(params.length);
        params.forEach((p) => w.byte(VALTYPE_CODE[p]));
        w.u32(results.length);
        results.forEach((r) => w.byte(VALTYPE_CODE[r]));
      }
    });
    section(2, (w) => {
      w.u32(this.funcImports.length + (this.memory ? 1 : 0) + (this.table ? 1 : 0) + this.globals.length);
      for (const i of this.funcImports) {
        w.name(i.module);
        w.name(i.name);
        w.byte(0x00);
        w.u32(i.type);
      }
      if (this.table) {
        w.name(this.table.module);
        w.name(this.table.name);
        w.byte(0x01);
        w.byte(VALTYPE_CODE.funcref);
        w.byte(0x00);
        w.u32(this.table.min);
      }
      if (this.memory) {
        const m = this.memory;
        w.name(m.module);
        w.name(m.name);
        w.byte(0x02);
        w.byte(m.shared ? 0x03 : 0x01);
        w.u32(m.min);
        w.u32(m.max);
      }
      for (const g of this.globals) {
        w.name(g.module);
        w.name(g.name);
        w.byte(0x03);
        w.byte(VALTYPE_CODE[g.type]);
        w.byte(g.mutable ? 1 : 0);
      }
    });
    section(3, (w) => {
      w.u32(this.funcs.length);
      this.funcs.forEach((f) => w.u32(f.type));
    });
    section(7, (w) => {
      w.u32(this.exports.length);
      for (const e of this.exports) {
        w.name(e.name);
        w.byte(0x00);
        w.u32(resolve(e.ref));
      }
    });
    section(10, (w) => {
      w.u32(this.funcs.length);
      for (const { f } of this.funcs) {
        const body = f.encodeBody(resolve);
        w.u32(body.length);
        w.bytes(body);
      }
    });
    return out.finish().slice();
  }
}
