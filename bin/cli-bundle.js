// The CLI as it runs: src/cli/main.ts bundled by esbuild into one CommonJS file, run
// through V8's code cache. A cold start otherwise parses and compiles to bytecode, again
// on every run, the ~1 MB of engine a run touches; with the cache beside the bundle a
// dynamic hello world starts ~120 ms sooner (docs/performance.md). bin/grindlab.js and
// the benchmark (scripts/bench-process.ts) both build and run the CLI through here.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Script } from 'node:vm';

/** Bundles src/cli/main.ts into `outfile` (with its source map beside it), each file
 *  written aside and renamed into place: processes started together (a test run) each
 *  see a whole bundle, never one another's half-written file. */
export async function buildCli(root, outfile) {
  const { buildSync } = await import('esbuild');
  mkdirSync(dirname(outfile), { recursive: true });
  const out = buildSync({
    entryPoints: [join(root, 'src', 'cli', 'main.ts')], bundle: true, platform: 'node', format: 'cjs',
    target: 'node20', outfile, sourcemap: 'linked', logLevel: 'error', write: false,
    // The sources are ES modules; the one use of import.meta finds the project root.
    define: { 'import.meta.url': '__cliBundleUrl' },
    banner: { js: 'var __cliBundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  });
  for (const file of [...out.outputFiles].sort((a) => (a.path.endsWith('.map') ? -1 : 1))) {
    writeAside(file.path, file.contents);
  }
}

/** Runs the bundle's main(argv) and returns its exit status. The code cache holds every
 *  function compiled by the end of a run, not just the top level, so there is one per
 *  tool (each runs its own part of the engine): bundle + `.TOOL.v8cache`, written after
 *  the first run of the tool that runs a program, and again once the bundle changes. It
 *  starts with a digest of the bundle it was made from: V8 checks only the source's
 *  length, and would run a cache of an older bundle of the same length (a one-character
 *  edit) as if it were this one. */
export function runCli(bundle, argv) {
  const tool = argv.map((a) => /^--tool=(\w+)$/.exec(a)?.[1]).findLast(Boolean) ?? 'memcheck';
  const cacheFile = `${bundle}.${tool}.v8cache`;
  const text = readFileSync(bundle, 'utf8');
  const digest = createHash('sha1').update(text).digest();
  let cached;
  try {
    const file = readFileSync(cacheFile);
    cached = file.subarray(0, digest.length).equals(digest) ? file.subarray(digest.length) : undefined;
  } catch {
    cached = undefined; // the tool's first run
  }
  const source = `(function (exports, require, module, __filename, __dirname) {${text}\n})`;
  const script = new Script(source, { filename: pathToFileURL(bundle).href, cachedData: cached });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  const t0 = performance.now();
  const status = module.exports.main(argv);
  // A run that ran no program (--help, a usage error) compiled too little to keep.
  if ((!cached || script.cachedDataRejected) && performance.now() - t0 > MIN_RUN_MS) {
    try {
      writeAside(cacheFile, Buffer.concat([digest, script.createCachedData()]));
    } catch {
      // A read-only install: run without the cache.
    }
  }
  return status;
}

const MIN_RUN_MS = 100;

/** Writes `runner`, a script that runs `bundle` as bin/grindlab.js runs its own: for the
 *  benchmark's and the tests' own bundles. */
export function writeCliRunner(runner, bundle) {
  writeFileSync(runner, `import { runCli } from ${JSON.stringify(import.meta.url)};\n`
    + `process.exitCode = runCli(${JSON.stringify(bundle)}, process.argv.slice(2));\n`);
}

/** Whether `bundle` is at least as new as every file under `dirs`. */
export function bundleIsFresh(bundle, dirs) {
  try {
    const built = statSync(bundle).mtimeMs;
    return dirs.every((d) => built >= newestSource(d));
  } catch {
    return false;
  }
}

function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function writeAside(path, contents) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, contents);
  renameSync(tmp, path);
}
