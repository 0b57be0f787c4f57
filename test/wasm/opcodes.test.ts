// The encoder's opcode table against wabt's decoder (an independent implementation of
// the binary format): every instruction we can emit decodes to the same name.
import { describe, expect, it } from 'vitest';
import wabtInit from 'wabt';
import { FunctionBuilder, ModuleBuilder, OPCODES } from '../../src/engine/wasm/index.ts';

const FEATURES = { simd: true, tail_call: true, bulk_memory: true, sat_float_to_int: true, sign_extension: true, threads: true };

/** Immediates that decode, whatever the instruction's kind. */
function emit(f: FunctionBuilder, name: string): void {
  switch (OPCODES[name]!.imm) {
    case 'func': case 'indirect': return;
    case 'lane': f.op(name, 1); return;
    case 'lanememarg': f.op(name, 16, 1); return;
    case 'shuffle': f.op(name, Array.from({ length: 16 }, (_, i) => i)); return;
    case 'i32': f.op(name, -7); return;
    case 'i64': f.op(name, -7n); return;
    case 'f32': f.op(name, 0x3f800000); return;
    case 'f64': f.op(name, 0x3ff0000000000000n); return;
    case 'v128': f.op(name, Array.from({ length: 16 }, () => 0)); return;
    case 'brtable': f.op(name, [0], 0); return;
    case 'selectt': f.op(name, 'i64'); return;
    case 'block': f.op(name, 'i32'); return;
    case 'local': case 'global': case 'label': f.op(name, 0); return;
    case 'memarg': f.op(name, 16); return;
    default: f.op(name);
  }
}

describe('wasm opcode table', () => {
  it('every instruction decodes under wabt to its own name', async () => {
    const wabt = await wabtInit();
    const names = Object.keys(OPCODES).filter((n) => !['func', 'indirect'].includes(OPCODES[n]!.imm) && !['block', 'loop', 'if', 'else', 'end'].includes(n));
    const m = new ModuleBuilder();
    m.importMemory({ module: 'e', name: 'm', min: 1, max: 1, shared: true });
    m.importGlobal({ module: 'e', name: 'g', type: 'i32', mutable: true });
    for (const name of names) {
      const f = new FunctionBuilder(name, ['i32'], []);
      emit(f, name);
      m.addFunction(f);
    }
    const text = wabt.readWasm(m.encode(), FEATURES).toText({});
    const bodies = text.split('\n  (func ').slice(1).map((b) => b.split('\n').slice(1).map((l) => l.trim()).filter((l) => l && !l.startsWith(')'))[0] ?? '');
    expect(bodies.length).toBe(names.length);
    const decoded = bodies.map((b) => b.split(/\s+/)[0]!.replace(/\)+$/, ''));
    const mismatches = names.map((n, i) => [n, decoded[i]]).filter(([n, d]) => n !== d && !(n === 'select_t' && d === 'select'));
    expect(mismatches).toEqual([]);
  });
});
