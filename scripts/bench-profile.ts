// Where a grindlab run spends its time, for `npm run bench`: the CLI under
// `node --cpu-prof`, its profile's self time summed by function (mapped back through the
// CLI bundle's inline source map to src/ files) and by area of the engine.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { HelperDecl } from '../src/engine/backend/helpers.ts';
import { buildRuntime } from '../src/engine/backend/wasm/runtime.ts';
import { amd64Helpers } from '../src/engine/guest/amd64/helpers.ts';
import { Redirector } from '../src/engine/core/redirect.ts';
import { mallocReplacements } from '../src/engine/tools/memcheck/malloc-replacements.ts';
import { memcheckHelpers } from '../src/engine/tools/memcheck/shadow-helpers.ts';
import { stringReplacements } from '../src/engine/tools/memcheck/string-replacements.ts';

const root = join(import.meta.dirname, '..');

/**
 * Names for the runtime module's functions, which V8 calls `wasm-function[i]` (our
 * modules carry no name section): the runtime is rebuilt here with the helpers the
 * Machine declares, in its order (the guest's, the tool's, then the redirector's),
 * and its export section read. A name is a guess if the sources changed since the
 * profiled bundle was made.
 */
function runtimeNames(tool: string): Map<number, string> {
  const names = new Map<number, string>();
  try {
    const helpers: HelperDecl[] = [
      ...amd64Helpers(() => 0n as never),
      ...(tool === 'memcheck' ? memcheckHelpers(undefined as never, undefined as never) : []),
      ...(tool === 'memcheck' ? new Redirector([...mallocReplacements({} as never), ...stringReplacements({} as never)], '').helpers() : []),
    ];
    const bytes = buildRuntime({ helpers, ripOffset: 0, stateAddr: 0 });
    for (const [name, index] of exportedFunctions(bytes)) {
      const h = /^h(\d+)$/.exec(name);
      const d = h ? helpers[Number(h[1])] : undefined;
      if (!d) {
        names.set(index, name);
      } else if (d.wasm) {
        names.set(index, `${d.name} (wasm fast path)`);
        names.set(index - 1, `${d.name} (trampoline into JavaScript)`);
      } else {
        names.set(index, `${d.name} (trampoline into JavaScript)`);
      }
    }
  } catch {
    // No names: the profile shows V8's indices.
  }
  return names;
}

/** (name, function index) of each function a module exports. */
function exportedFunctions(bytes: Uint8Array): [string, number][] {
  let at = 8;
  const leb = () => {
    let v = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[at++]!;
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return v;
    }
  };
  while (at < bytes.length) {
    const id = bytes[at++]!;
    const size = leb();
    const end = at + size;
    if (id === 7) {
      const out: [string, number][] = [];
      for (let n = leb(); n > 0; n--) {
        const len = leb();
        const name = new TextDecoder().decode(bytes.subarray(at, at + len));
        at += len;
        const kind = bytes[at++]!;
        const index = leb();
        if (kind === 0) out.push([name, index]);
      }
      return out;
    }
    at = end;
  }
  return [];
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; scriptId: string; url: string; lineNumber: number; columnNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileEntry {
  name: string;
  /** src/... file and line, or what V8 calls it (wasm, GC, ...). */
  where: string;
  area: string;
  ms: number;
}

export interface Profile {
  totalMs: number;
  functions: ProfileEntry[];
  areas: { area: string; ms: number }[];
}

/** The engine's parts, by source path (first match wins). */
const AREAS: [RegExp, string][] = [
  [/^src\/engine\/backend\/wasm\//, 'JIT (compile, calls from wasm, dispatch)'],
  [/^src\/engine\/wasm\//, 'JIT (wasm encoder)'],
  [/^src\/engine\/backend\/interp\//, 'IR interpreter'],
  [/^src\/engine\/backend\//, 'translation cache, helpers'],
  [/^src\/engine\/guest\/amd64\/(decoder|opcodes|att|modrm)/, 'decoder'],
  [/^src\/engine\/guest\/amd64\/(lift|spechelper)/, 'lifter'],
  [/^src\/engine\/guest\/amd64\//, 'guest helpers (flags, x87, cpuid)'],
  [/^src\/engine\/ir\//, 'IR optimiser and checker'],
  [/^src\/engine\/tools\/memcheck\//, 'memcheck (instrumentation, helpers, heap)'],
  [/^src\/engine\/core\//, 'core (run loop, redirection, symbols)'],
  [/^src\/engine\/(kernel|memory)\//, 'kernel and memory (syscalls, loader, page table)'],
  [/^src\/engine\/elf\//, 'ELF and debug info'],
  [/^src\/cli\//, 'CLI'],
  [/^node_modules\//, 'libraries'],
];

function areaOf(where: string, name: string): string {
  if (where === 'wasm') return name.startsWith('(') ? 'generated wasm code (the guest running)' : 'wasm runtime module (dispatch, lookup)';
  if (where === 'wasm<->js') return 'transitions between wasm and JavaScript';
  if (where === '' && (name === 'Module' || name === 'Instance')) return 'V8 compiling wasm (WebAssembly.Module, Instance)';
  if (name === '(garbage collector)') return 'garbage collection';
  if (name === '(idle)') return 'idle (waiting)';
  if (name === '(program)' || name === '(root)') return 'V8 itself (compiling JavaScript, runtime)';
  if (where === '') return 'V8 and Node built-ins';
  for (const [re, area] of AREAS) if (re.test(where)) return area;
  return where.startsWith('node:') ? 'Node' : 'other';
}

/** A bundle's source map: the file its `//# sourceMappingURL=` names, or inlined there. */
function bundleSourceMap(file: string): SourceMap | undefined {
  const text = readFileSync(file, 'utf8');
  const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(text)?.[1];
  if (!url) return undefined;
  const inline = /^data:application\/json;base64,(.*)$/.exec(url);
  const json = inline ? Buffer.from(inline[1]!, 'base64').toString('utf8') : readFileSync(join(dirname(file), url), 'utf8');
  return new SourceMap(JSON.parse(json));
}

/** Runs `node --cpu-prof CLI args` once (CLI: bin/grindlab.js or a bundle of it) and sums
 *  its profile's self time. */
export function profileGrindlab(cli: string, args: string[], capSecs: number): Profile {
  const tool = /^--tool=(.*)$/.exec(args.find((a) => a.startsWith('--tool=')) ?? '')?.[1] ?? 'memcheck';
  const dir = mkdtempSync(join(tmpdir(), 'grindlab-prof-'));
  try {
    const r = spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, cli, ...args], {
      encoding: 'utf8', maxBuffer: 1 << 26, timeout: capSecs * 1000, killSignal: 'SIGINT',
    });
    if (r.status !== 0) throw new Error(`profiled run failed (${r.status ?? r.signal}): ${r.stderr.slice(0, 2000)}`);
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error('node --cpu-prof wrote no profile');
    return summarise(JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile, runtimeNames(tool));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function summarise(p: CpuProfile, runtime: Map<number, string>): Profile {
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const maps = new Map<string, SourceMap | undefined>();
  const wasmScripts = p.nodes.filter((n) => n.callFrame.url.startsWith('wasm://')).map((n) => Number(n.callFrame.scriptId));
  const runtimeScript = wasmScripts.length ? String(Math.min(...wasmScripts)) : undefined;
  const byFunction = new Map<string, ProfileEntry>();
  let total = 0;
  for (const node of p.nodes) {
    const us = self.get(node.id) ?? 0;
    if (us === 0) continue;
    total += us;
    const { functionName, url, lineNumber, columnNumber } = node.callFrame;
    let where = url;
    let name = functionName || '(anonymous)';
    if (/^(wasm-to-js|js-to-wasm)/.test(functionName)) {
      where = 'wasm<->js';
      name = functionName.replace(/:.*/, '');
    } else if (url.startsWith('wasm://')) {
      // The runtime module is instantiated before any block's module, so its script has
      // the lowest id of them; the blocks' functions are summed into one entry.
      where = 'wasm';
      const index = Number(/\[(\d+)\]/.exec(functionName)?.[1]);
      name = String(node.callFrame.scriptId) === runtimeScript ? `runtime ${runtime.get(index) ?? functionName}` : '(translated blocks)';
    } else if (url.startsWith('file://')) {
      const path = new URL(url).pathname;
      if (!maps.has(path)) maps.set(path, /\.[cm]js$/.test(path) ? bundleSourceMap(path) : undefined);
      const entry = maps.get(path)?.findEntry(lineNumber, columnNumber);
      if (entry && 'originalSource' in entry && entry.originalSource) {
        const src = entry.originalSource.replace(/^.*?\/(src|node_modules)\//, '$1/');
        where = `${src}:${entry.originalLine + 1}`;
      } else {
        where = `${path.replace(`${root}/`, '')}:${lineNumber + 1}`;
      }
    } else if (url === '') {
      where = '';
    }
    const key = `${name}\0${where}`;
    const e = byFunction.get(key) ?? { name, where, area: areaOf(where, name), ms: 0 };
    e.ms += us / 1000;
    byFunction.set(key, e);
  }
  const functions = [...byFunction.values()].sort((a, b) => b.ms - a.ms);
  const areas = new Map<string, number>();
  for (const f of functions) areas.set(f.area, (areas.get(f.area) ?? 0) + f.ms);
  return {
    totalMs: total / 1000, functions,
    areas: [...areas].map(([area, ms]) => ({ area, ms })).sort((a, b) => b.ms - a.ms),
  };
}
