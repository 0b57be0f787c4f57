// The grammars are data for Monaco's Monarch tokenizer; here, that every rule's regex is
// valid and that the IR rules cover ppIRSB's statement forms.
import { describe, expect, it } from 'vitest';
import { asmGrammar, irGrammar, wasmGrammar } from '../../src/ui/syntax.ts';
import { OPCODES } from '../../src/engine/wasm/index.ts';

type Rule = [RegExp, string, string?] | { include: string };

function rules(g: typeof irGrammar): [RegExp, string][] {
  return Object.values(g.tokenizer).flatMap((list) => (list as Rule[]).flatMap((r) => (Array.isArray(r) ? [[r[0], r[1]] as [RegExp, string]] : [])));
}

/** The token the first matching rule gives `text` at its start, as Monarch tries rules in order. */
function firstToken(g: typeof irGrammar, text: string): string | undefined {
  for (const [re, token] of rules(g)) {
    const m = new RegExp(re.source, re.flags.replace('g', '')).exec(text);
    if (m && m.index === 0) return token;
  }
  return undefined;
}

describe('IR grammar', () => {
  it('names the parts of ppIRSB statements', () => {
    expect(firstToken(irGrammar, '   ------ IMark(0x401136, 4, 0) ------')).toBe('comment.imark');
    expect(firstToken(irGrammar, 't3 = GET:I64(16)')).toBe('variable');
    expect(firstToken(irGrammar, 'GET:I64(16)')).toBe('keyword.state');
    expect(firstToken(irGrammar, 'STle(t5) = t7')).toBe('keyword.state');
    expect(firstToken(irGrammar, 'if (t9) { PUT(184) = 0x401000:I64; exit-Boring }')).toBe('keyword');
    expect(firstToken(irGrammar, 'exit-Boring }')).toBe('keyword');
    expect(firstToken(irGrammar, 'Add64(t1,0x8:I64)')).toBe('predefined');
    expect(firstToken(irGrammar, '0x8:I64')).toBe('number');
    expect(firstToken(irGrammar, 'I64')).toBe('type');
  });
});

describe('AT&T grammar', () => {
  it('names addresses, mnemonics, registers and immediates', () => {
    expect(firstToken(asmGrammar, '401136:  push %rbp')).toBe('comment.addr');
    expect(firstToken(asmGrammar, '%rbp')).toBe('variable');
    expect(firstToken(asmGrammar, '$0x8,%rsp')).toBe('number');
    expect(firstToken(asmGrammar, '<printf+0x4>')).toBe('string.symbol');
    expect(firstToken(asmGrammar, 'sub    $0x8,%rsp')).toBe('keyword');
    expect(firstToken(asmGrammar, '# 48 83 ec 08')).toBe('comment');
    expect(firstToken(asmGrammar, '40a04b <printf+0x5b>')).toBe('number.hex');
    expect(firstToken(asmGrammar, 'add    %rax,%rbx')).toBe('keyword');
  });
});

describe('WebAssembly grammar', () => {
  it('names every instruction the JIT can emit, as a keyword or an access', () => {
    const unnamed = Object.keys(OPCODES).filter((op) => !['keyword', 'keyword.state', 'variable'].includes(firstToken(wasmGrammar, op) ?? ''));
    expect(unnamed).toEqual([]);
    expect(firstToken(wasmGrammar, 'call $memslow')).toBe('keyword');
    expect(firstToken(wasmGrammar, '$memslow')).toBe('predefined');
    expect(firstToken(wasmGrammar, 'offset=4228907008')).toBe('type');
    expect(firstToken(wasmGrammar, '-5')).toBe('number');
  });
});
