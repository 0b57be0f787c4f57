// The layer rules of ARCHITECTURE.md, checked by a test rather than by memory:
//
//   src/engine  <-  src/workers  <-  src/ui          src/engine  <-  src/cli
//
// - src/engine imports only src/engine and packages that are not Node builtins,
//   and never names a platform global (window, document, self, process, Buffer,
//   require): platform services reach it through the Host interface.
// - src/workers imports src/engine (and itself); no Node builtins.
// - src/ui imports src/workers (and itself), and src/engine for types only.
// - src/cli imports src/engine (and itself) and may use Node.
//
// The scan is a small tokenizer, not a parser: comments, strings and template
// text are skipped, so an import or global mentioned there is not a violation.

import { builtinModules } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(ROOT, 'src');

type Layer = 'engine' | 'workers' | 'ui' | 'cli';
const LAYERS: readonly Layer[] = ['engine', 'workers', 'ui', 'cli'];

interface LayerRule {
  imports: readonly Layer[]; // layers whose modules may be loaded
  typeOnly: readonly Layer[]; // layers that may be imported with `import type` only
  node: boolean; // Node builtins allowed
  outsideSrc: boolean; // relative imports leaving src/ allowed
}

const RULES: Record<Layer, LayerRule> = {
  engine: { imports: ['engine'], typeOnly: [], node: false, outsideSrc: false },
  workers: { imports: ['workers', 'engine'], typeOnly: [], node: false, outsideSrc: true },
  ui: { imports: ['ui', 'workers'], typeOnly: ['engine'], node: false, outsideSrc: true },
  cli: { imports: ['cli', 'engine'], typeOnly: [], node: true, outsideSrc: true },
};

const ENGINE_FORBIDDEN_GLOBALS = new Set(['window', 'document', 'self', 'process', 'Buffer', 'require']);

// ---------------------------------------------------------------- tokenizer

interface Token {
  kind: 'ident' | 'string' | 'template' | 'regex' | 'number' | 'punct';
  value: string;
  line: number;
  firstOnLine: boolean;
}

// After these keywords a `/` starts a regular expression, not a division.
const REGEX_AFTER_KEYWORD = new Set([
  'return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw',
  'case', 'do', 'else', 'yield', 'await',
]);

function tokenize(text: string, firstLine = 1): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = firstLine;
  let lineStarted = false;
  let braceDepth = 0;
  const templateDepths: number[] = []; // brace depth at each open `${`

  const push = (kind: Token['kind'], value: string, startLine: number) => {
    tokens.push({ kind, value, line: startLine, firstOnLine: !lineStarted });
    lineStarted = true;
  };
  const countLines = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (text[k] === '\n') line++;
  };
  // Scans template text from i (just after ` or }) to the closing ` or the next ${.
  const scanTemplate = () => {
    const start = i;
    const startLine = line;
    while (i < text.length) {
      const c = text[i];
      if (c === '\\') { i += 2; continue; }
      if (c === '`') { i++; break; }
      if (c === '$' && text[i + 1] === '{') { i += 2; templateDepths.push(braceDepth); braceDepth++; break; }
      i++;
    }
    countLines(start, i);
    push('template', text.slice(start, i), startLine);
  };

  while (i < text.length) {
    const c = text[i];
    if (c === '\n') { line++; lineStarted = false; i++; continue; }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') { i++; continue; }
    if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      countLines(i, stop);
      i = stop;
      continue;
    }
    if (c === '"' || c === "'") {
      const startLine = line;
      let j = i + 1;
      let value = '';
      while (j < text.length && text[j] !== c && text[j] !== '\n') {
        if (text[j] === '\\') { value += text[j + 1] ?? ''; j += 2; continue; }
        value += text[j++];
      }
      i = j + 1;
      push('string', value, startLine);
      continue;
    }
    if (c === '`') { i++; scanTemplate(); continue; }
    if (c === '}' && templateDepths.length > 0 && templateDepths[templateDepths.length - 1] === braceDepth - 1) {
      templateDepths.pop();
      braceDepth--;
      i++;
      scanTemplate();
      continue;
    }
    if (c === '/' && regexAllowed(tokens[tokens.length - 1])) {
      const startLine = line;
      let j = i + 1;
      let inClass = false;
      while (j < text.length && text[j] !== '\n') {
        const d = text[j];
        if (d === '\\') { j += 2; continue; }
        if (d === '[') inClass = true;
        else if (d === ']') inClass = false;
        else if (d === '/' && !inClass) break;
        j++;
      }
      j++;
      while (j < text.length && /[a-z]/i.test(text[j]!)) j++;
      push('regex', text.slice(i, j), startLine);
      i = j;
      continue;
    }
    const ident = /^#?[A-Za-z_$][\w$]*/.exec(text.slice(i, i + 256));
    if (ident) { push('ident', ident[0], line); i += ident[0].length; continue; }
    const num = /^\d[\w.]*/.exec(text.slice(i, i + 256));
    if (num) { push('number', num[0], line); i += num[0].length; continue; }
    if (c === '{') braceDepth++;
    if (c === '}') braceDepth--;
    push('punct', c!, line);
    i++;
  }
  return tokens;
}

function regexAllowed(prev: Token | undefined): boolean {
  if (!prev) return true;
  if (prev.kind === 'punct') return !')]}'.includes(prev.value);
  if (prev.kind === 'ident') return REGEX_AFTER_KEYWORD.has(prev.value);
  return false;
}

// Svelte components: only the <script> blocks are TypeScript.
function scriptBlocks(text: string): { code: string; line: number }[] {
  const blocks: { code: string; line: number }[] = [];
  const re = /<script\b[^>]*>([\s\S]*?)<\/script>/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const codeStart = m.index + m[0].indexOf('>') + 1;
    const line = text.slice(0, codeStart).split('\n').length;
    blocks.push({ code: m[1]!, line });
  }
  return blocks;
}

// ---------------------------------------------------------------- imports

interface ImportRef {
  specifier: string;
  line: number;
  typeOnly: boolean;
}

function isPropertyAccess(tokens: Token[], k: number): boolean {
  const prev = tokens[k - 1];
  if (prev?.value !== '.') return false;
  return !(tokens[k - 2]?.value === '.' && tokens[k - 3]?.value === '.'); // `...x` is a spread
}

function findImports(tokens: Token[]): ImportRef[] {
  const refs: ImportRef[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.kind !== 'ident' || isPropertyAccess(tokens, k)) continue;
    const next = tokens[k + 1];
    if ((t.value === 'require' || t.value === 'import') && next?.value === '(' && tokens[k + 2]?.kind === 'string') {
      refs.push({ specifier: tokens[k + 2]!.value, line: t.line, typeOnly: false });
      continue;
    }
    if (t.value === 'import' && next?.kind === 'string') {
      refs.push({ specifier: next.value, line: t.line, typeOnly: false });
      continue;
    }
    const reexport = t.value === 'export' && (next?.value === '*' || next?.value === '{' || next?.value === 'type');
    if (t.value !== 'import' && !reexport) continue;
    if (next?.value === '.' || next?.value === '(') continue; // import.meta, dynamic import of a non-literal
    // The clause runs up to `from 'x'`; `;` or `=` (import x = require) ends the search.
    const clause: Token[] = [];
    for (let j = k + 1; j < tokens.length && j < k + 400; j++) {
      const u = tokens[j]!;
      if (u.value === 'from' && u.kind === 'ident' && tokens[j + 1]?.kind === 'string') {
        const typeOnly = clause[0]?.value === 'type' && clause.length > 1;
        refs.push({ specifier: tokens[j + 1]!.value, line: t.line, typeOnly });
        break;
      }
      if (u.value === ';' || u.value === '=' || u.kind === 'string') break;
      clause.push(u);
    }
  }
  return refs;
}

function isNodeBuiltin(specifier: string): boolean {
  if (specifier.startsWith('node:')) return true;
  return builtinModules.includes(specifier) || builtinModules.includes(specifier.split('/')[0]!);
}

function layerOf(absPath: string): Layer | 'outside' | 'unlayered' {
  const rel = relative(SRC, absPath);
  if (rel.startsWith('..')) return 'outside';
  const top = rel.split(sep)[0] as Layer;
  return LAYERS.includes(top) && rel.includes(sep) ? top : 'unlayered';
}

// ---------------------------------------------------------------- checks

function checkFile(absPath: string, text: string): string[] {
  const where = (line: number) => `${relative(ROOT, absPath)}:${line}`;
  const layer = layerOf(absPath);
  if (layer === 'outside') return [];
  if (layer === 'unlayered') {
    return [`${where(1)}: not inside a layer (src/${LAYERS.join(', src/')}); move it or extend test/layers.test.ts`];
  }
  const rule = RULES[layer];
  const blocks = absPath.endsWith('.svelte') ? scriptBlocks(text) : [{ code: text, line: 1 }];
  const problems: string[] = [];
  for (const block of blocks) {
    const tokens = tokenize(block.code, block.line);
    for (const ref of findImports(tokens)) {
      const spec = ref.specifier.replace(/\?.*$/, ''); // Vite suffixes: ?worker, ?url, ?raw
      if (spec.startsWith('.')) {
        const target = layerOf(resolve(dirname(absPath), spec));
        if (target === 'outside') {
          if (!rule.outsideSrc) problems.push(`${where(ref.line)}: src/${layer} imports '${ref.specifier}' from outside src/${layer}`);
        } else if (target === 'unlayered') {
          problems.push(`${where(ref.line)}: src/${layer} imports '${ref.specifier}', which is outside every layer`);
        } else if (rule.imports.includes(target)) {
          // allowed
        } else if (rule.typeOnly.includes(target)) {
          if (!ref.typeOnly) {
            problems.push(
              `${where(ref.line)}: src/${layer} may import src/${target} for types only: use \`import type\` ` +
                `('${ref.specifier}'; an inline \`{ type X }\` still loads the module under verbatimModuleSyntax)`,
            );
          }
        } else {
          problems.push(`${where(ref.line)}: src/${layer} must not import src/${target} ('${ref.specifier}')`);
        }
      } else if (spec.startsWith('/')) {
        problems.push(`${where(ref.line)}: absolute import '${ref.specifier}': use a relative path`);
      } else if (isNodeBuiltin(spec) && !rule.node && !ref.typeOnly) {
        problems.push(`${where(ref.line)}: src/${layer} must not import the Node builtin '${ref.specifier}'`);
      }
    }
    if (layer === 'engine') problems.push(...engineGlobals(tokens).map((g) => `${where(g.line)}: ${g.message}`));
  }
  return problems;
}

const MEMBER_MODIFIERS = new Set([
  'get', 'set', 'static', 'async', 'private', 'public', 'protected', 'readonly', 'declare',
  'abstract', 'override', 'accessor',
]);

// Uses of platform globals. Property names (`x.process`, `{ self: 1 }`, a
// parameter `self: T`, a method `process()`) are not uses of the global.
function engineGlobals(tokens: Token[]): { line: number; message: string }[] {
  const found: { line: number; message: string }[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.kind !== 'ident') continue;
    if (t.value === 'globalThis' && tokens[k + 1]?.value === '.' && ENGINE_FORBIDDEN_GLOBALS.has(tokens[k + 2]?.value ?? '')) {
      found.push({ line: t.line, message: `src/engine uses the platform global globalThis.${tokens[k + 2]!.value}` });
      continue;
    }
    if (!ENGINE_FORBIDDEN_GLOBALS.has(t.value) || isPropertyAccess(tokens, k)) continue;
    const prev = tokens[k - 1];
    const next = tokens[k + 1];
    const annotated = next?.value === ':' || (next?.value === '?' && tokens[k + 2]?.value === ':');
    const keyPosition = !prev || t.firstOnLine || '{,(;'.includes(prev.value) || MEMBER_MODIFIERS.has(prev.value);
    if (annotated && keyPosition) continue;
    if (prev && prev.kind === 'ident' && MEMBER_MODIFIERS.has(prev.value)) continue;
    if (t.firstOnLine && next?.value === '(' && isMethodDeclaration(tokens, k + 1)) continue;
    found.push({ line: t.line, message: `src/engine uses the platform global '${t.value}' (platform services come through Host)` });
  }
  return found;
}

// `name(params) {` or `name(params): T {` at the start of a line declares a
// method; a call is followed by anything else.
function isMethodDeclaration(tokens: Token[], open: number): boolean {
  let depth = 0;
  for (let j = open; j < tokens.length; j++) {
    const v = tokens[j]!.kind === 'punct' ? tokens[j]!.value : '';
    if (v === '(') depth++;
    else if (v === ')' && --depth === 0) {
      const after = tokens[j + 1]?.value;
      return after === '{' || after === ':';
    }
  }
  return false;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(m|c)?(ts|js)$|\.svelte$/.test(entry.name)) out.push(p);
  }
  return out.sort();
}

function violations(layer: Layer): string[] {
  return sourceFiles(join(SRC, layer)).flatMap((f) => checkFile(f, readFileSync(f, 'utf8')));
}

// ---------------------------------------------------------------- tests

describe('layer rules on the source tree', () => {
  it('every source file under src/ is in a layer', () => {
    const stray = sourceFiles(SRC).filter((f) => layerOf(f) === 'unlayered');
    expect(stray.map((f) => relative(ROOT, f)), 'files outside src/{engine,workers,ui,cli}').toEqual([]);
  });

  for (const layer of LAYERS) {
    it(`src/${layer} respects its import rules`, () => {
      const found = violations(layer);
      expect(found, `\n${found.join('\n')}\n`).toEqual([]);
    });
  }
});

describe('layer checker', () => {
  const engineFile = join(SRC, 'engine', 'core', 'example.ts');
  const check = (text: string, file = engineFile) => checkFile(file, text);

  it('rejects Node builtins in the engine, with file:line', () => {
    expect(check("const a = 1;\nimport fs from 'node:fs';")).toEqual([
      "src/engine/core/example.ts:2: src/engine must not import the Node builtin 'node:fs'",
    ]);
    expect(check("import { join } from 'path';")).toHaveLength(1);
    expect(check("export * from 'child_process';")).toHaveLength(1);
    expect(check("const m = await import('fs/promises');")).toHaveLength(1);
  });

  it('rejects engine imports of other layers', () => {
    expect(check("import { App } from '../../ui/App.svelte';")).toHaveLength(1);
    expect(check("import type { X } from '../../workers/engine.worker.ts';")).toHaveLength(1);
    expect(check("import { main } from '../../cli/main.ts';")).toHaveLength(1);
    expect(check("import { decode } from '../guest/amd64/decoder.ts';")).toEqual([]);
  });

  it('rejects platform globals in the engine but not look-alike names', () => {
    expect(check('const w = window.innerWidth;')).toHaveLength(1);
    expect(check('if (typeof process !== "undefined") {}')).toHaveLength(1);
    expect(check('const b = Buffer.from([1]);')).toHaveLength(1);
    expect(check("const x = require('x');")).toHaveLength(1);
    expect(check("require('x');\nrequire('y').z();")).toHaveLength(2);
    expect(check('const e = globalThis.process;')).toHaveLength(1);
    expect(check('postMessage(self);')).toHaveLength(1);
    expect(
      check(
        [
          '// window, document and process in a comment',
          'const s = "self and Buffer in a string";',
          'const t = `process ${guest.process} document`;',
          'const r = /window/g;',
          'const o = { process: 1, other };',
          'function f(self: Thread, process?: number) { return o.process; }',
          'interface Guest {\n  process: number;\n  document?: string\n}',
          'class C {\n  readonly window = 4;\n  process(x: number) { return x / 2 / 3; }\n  require(n: number): void {}\n}',
        ].join('\n'),
      ),
    ).toEqual([]);
    // The scan has no scopes: a local that shadows a global is reported where it
    // is used. Name it for the domain instead (guestProcess, thread).
    expect(check('function f(self: Thread) { return self.id; }')).toHaveLength(1);
  });

  it('lets the UI import the engine for types only, and workers freely', () => {
    const uiFile = join(SRC, 'ui', 'panels', 'Disasm.svelte');
    const svelte = (code: string) => `<h1>x</h1>\n<script lang="ts">\n${code}\n</script>\n<p>{x}</p>`;
    expect(check(svelte("import type { Insn } from '../../engine/guest/amd64/instruction.ts';"), uiFile)).toEqual([]);
    expect(check(svelte("import { decode } from '../../engine/guest/amd64/decoder.ts';"), uiFile)).toEqual([
      "src/ui/panels/Disasm.svelte:3: src/ui may import src/engine for types only: use `import type` " +
        "('../../engine/guest/amd64/decoder.ts'; an inline `{ type X }` still loads the module under verbatimModuleSyntax)",
    ]);
    expect(check(svelte("import Engine from '../../workers/engine.worker.ts?worker';"), uiFile)).toEqual([]);
    expect(check(svelte("import { readFile } from 'node:fs/promises';"), uiFile)).toHaveLength(1);
  });

  it('lets workers import the engine only, and the CLI use Node', () => {
    const workerFile = join(SRC, 'workers', 'engine.worker.ts');
    expect(check("import { Machine } from '../engine/core/machine.ts';", workerFile)).toEqual([]);
    expect(check("import { mount } from '../ui/main.ts';", workerFile)).toHaveLength(1);
    expect(check("import { argv } from 'node:process';", workerFile)).toHaveLength(1);
    const cliFile = join(SRC, 'cli', 'main.ts');
    expect(check("import { readFileSync } from 'node:fs';\nimport { Machine } from '../engine/core/machine.ts';", cliFile)).toEqual([]);
    expect(check("import { x } from '../workers/engine.worker.ts';", cliFile)).toHaveLength(1);
  });
});
