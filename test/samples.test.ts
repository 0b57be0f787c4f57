// The prebuilt sample guests in public/samples: the manifest matches the files,
// every build is an x86-64 ELF that runs natively with the expected outcome, and
// the builds of a program (dynamic, static and musl for C; dynamic and static
// for C++) print the same thing (apart from the inherent libc/build
// differences listed in samples/samples.json).
//
// Rebuild with `npm run samples` (make -C samples). This test does not check that
// the binaries are fresh relative to their sources (that depends on the compiler),
// only that the source copies shown in the browser equal samples/src.

import { describe, it, expect } from 'vitest';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const publicDir = join(root, 'public/samples');
const manifestPath = join(publicDir, 'manifest.json');

interface Build {
  kind: 'dynamic' | 'static' | 'musl';
  path: string;
  size: number;
  sha256: string;
}

interface ManifestEntry {
  name: string;
  description: string;
  source: string;
  args: string[];
  stdin: string | null;
  interactive: boolean;
  builds: Build[];
}

interface LineRule {
  pattern: string;
  reason: string;
}

interface TestMeta {
  args?: string[];
  expect: { status: number } | { signal: NodeJS.Signals; shellStatus?: number };
  normalize?: (LineRule & { replace: string })[];
  crossBuild?: { ignoreLines?: LineRule[] };
  stdoutIncludes?: string[];
  /** The program talks to a device only the engine provides: its run is the engine's. */
  teachingDevice?: { path: string; stdout: string; reason: string };
}

interface SampleMeta {
  name: string;
  test: TestMeta;
}

// The build kinds per language (source extension), as in samples/Makefile.
const KINDS: Record<string, Build['kind'][]> = { c: ['dynamic', 'static', 'musl'], cc: ['dynamic', 'static'] };

const meta: SampleMeta[] = JSON.parse(readFileSync(join(root, 'samples/samples.json'), 'utf8')).samples;
/** Program name -> language (source extension), from samples/src/NAME.c and NAME.cc. */
const sourceLangs = new Map<string, string>();
for (const f of readdirSync(join(root, 'samples/src'))) {
  const m = /^(.+)\.([a-z]+)$/.exec(f);
  if (m !== null && m[2] in KINDS) {
    if (sourceLangs.has(m[1])) throw new Error(`samples/src has two sources for ${m[1]}`);
    sourceLangs.set(m[1], m[2]);
  }
}
const sourceNames = [...sourceLangs.keys()].sort();

function langOf(name: string): string {
  const lang = sourceLangs.get(name);
  if (lang === undefined) throw new Error(`no source in samples/src for ${name}`);
  return lang;
}

// A fixed, small environment so that runs do not depend on who runs the test.
const ENV = { PATH: '/usr/bin:/bin', LC_ALL: 'C', HOME: '/tmp' };
const RUN_TIMEOUT_MS = 60_000;

const runs = new Map<string, SpawnSyncReturns<string>>();

/** Runs one build natively (once; later calls reuse the result) — or, for a program
 *  written for one of the engine's teaching devices, under the engine. */
function run(entry: ManifestEntry, build: Build): SpawnSyncReturns<string> {
  let result = runs.get(build.path);
  if (result === undefined) {
    const t = metaFor(entry.name).test;
    const exe = join(publicDir, build.path);
    const [cmd, pre] = t.teachingDevice ? [process.execPath, [join(root, 'bin/grindlab.js'), '--tool=none', '-q']] : [exe, []];
    result = spawnSync(cmd, [...pre, ...(t.teachingDevice ? [exe] : []), ...(t.args ?? entry.args)], {
      input: entry.stdin ?? '',
      encoding: 'utf8',
      env: ENV,
      cwd: '/tmp',
      timeout: RUN_TIMEOUT_MS,
    });
    runs.set(build.path, result);
  }
  return result;
}

function metaFor(name: string): SampleMeta {
  const m = meta.find((s) => s.name === name);
  if (m === undefined) throw new Error(`no samples.json entry for ${name}`);
  return m;
}

/** stdout as compared between builds: normalised, and inherent differences dropped. */
function comparable(name: string, stdout: string): string {
  const t = metaFor(name).test;
  let text = stdout;
  for (const n of t.normalize ?? []) text = text.replace(new RegExp(n.pattern, 'g'), n.replace);
  const ignore = (t.crossBuild?.ignoreLines ?? []).map((r) => new RegExp(r.pattern));
  return text
    .split('\n')
    .filter((line) => !ignore.some((re) => re.test(line)))
    .join('\n');
}

const manifest: ManifestEntry[] | null = existsSync(manifestPath)
  ? JSON.parse(readFileSync(manifestPath, 'utf8')).samples
  : null;

describe('sample manifest', () => {
  it('exists (run `npm run samples` to build it)', () => {
    expect(manifest).not.toBeNull();
  });

  it('lists exactly the programs in samples/src and samples.json, in samples.json order', () => {
    expect(manifest?.map((e) => e.name)).toEqual(meta.map((m) => m.name));
    expect([...meta.map((m) => m.name)].sort()).toEqual(sourceNames);
  });
});

for (const entry of manifest ?? []) {
  describe(`sample ${entry.name}`, () => {
    const t = metaFor(entry.name).test;

    it('has well-formed metadata', () => {
      expect(entry.source).toBe(`${entry.name}/${entry.name}.${langOf(entry.name)}`);
      expect(typeof entry.description).toBe('string');
      expect(Array.isArray(entry.args)).toBe(true);
      expect(entry.stdin === null || typeof entry.stdin === 'string').toBe(true);
      expect(typeof entry.interactive).toBe('boolean');
      expect(entry.builds.map((b) => b.kind)).toEqual(KINDS[langOf(entry.name)]);
    });

    it('ships a source copy equal to samples/src', () => {
      const shipped = readFileSync(join(publicDir, entry.source), 'utf8');
      const original = readFileSync(join(root, 'samples/src', `${entry.name}.${langOf(entry.name)}`), 'utf8');
      expect(shipped).toBe(original);
    });

    for (const build of entry.builds) {
      it(`${build.kind}: exists, matches its size and sha256, is an x86-64 ELF executable`, () => {
        expect(build.path).toBe(`${entry.name}/${entry.name}-${build.kind}`);
        const bytes = readFileSync(join(publicDir, build.path));
        expect(bytes.length).toBe(build.size);
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(build.sha256);
        expect([...bytes.subarray(0, 4)]).toEqual([0x7f, 0x45, 0x4c, 0x46]); // \x7fELF
        expect(bytes[4]).toBe(2); // EI_CLASS: ELFCLASS64
        expect(bytes[5]).toBe(1); // EI_DATA: little-endian
        expect(bytes.readUInt16LE(18)).toBe(62); // e_machine: EM_X86_64
        // e_type: the dynamic build is a PIE (ET_DYN), the static ones ET_EXEC.
        expect(bytes.readUInt16LE(16)).toBe(build.kind === 'dynamic' ? 3 : 2);
      });

      it(`${build.kind}: runs natively with the expected outcome`, { timeout: RUN_TIMEOUT_MS + 10_000 }, () => {
        const r = run(entry, build);
        expect(r.error).toBeUndefined();
        if ('signal' in t.expect) {
          expect(r.signal).toBe(t.expect.signal);
          expect(r.status).toBeNull();
        } else {
          expect(r.stderr).toBe('');
          expect(r.signal).toBeNull();
          expect(r.status).toBe(t.expect.status);
        }
        for (const s of t.stdoutIncludes ?? []) expect(r.stdout).toContain(s);
        if (t.teachingDevice) expect(r.stdout).toBe(t.teachingDevice.stdout);
      });
    }

    it('prints the same stdout from every build (after the exclusions in samples.json)', { timeout: 3 * RUN_TIMEOUT_MS }, () => {
      const [first, ...rest] = entry.builds;
      if (first === undefined) throw new Error('no builds');
      expect(rest.length).toBeGreaterThan(0);
      const expected = comparable(entry.name, run(entry, first).stdout);
      expect(expected.length).toBeGreaterThan(0);
      for (const b of rest) {
        expect(comparable(entry.name, run(entry, b).stdout), `${b.kind} vs ${first.kind}`).toBe(expected);
      }
    });
  });
}
