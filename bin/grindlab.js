#!/usr/bin/env node
// Entry point of the grindlab CLI. The TypeScript sources are bundled once with esbuild
// into node_modules/.cache (rebuilt when a source is newer), so the engine runs as plain
// ESM at full speed, and the CLI and the browser build share one copy of the engine.
import { mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'node_modules', '.cache', 'grindlab', 'cli.mjs');

function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function bundleIsFresh() {
  try {
    const built = statSync(bundle).mtimeMs;
    return built >= newestSource(join(root, 'src', 'engine')) && built >= newestSource(join(root, 'src', 'cli'));
  } catch {
    return false;
  }
}

if (!bundleIsFresh()) {
  const { buildSync } = await import('esbuild');
  mkdirSync(dirname(bundle), { recursive: true });
  // The source map beside the bundle, not inline: every start would read and parse it.
  const out = buildSync({
    entryPoints: [join(root, 'src', 'cli', 'main.ts')], bundle: true, platform: 'node', format: 'esm',
    target: 'node20', outfile: bundle, sourcemap: 'linked', logLevel: 'error', write: false,
  });
  // Written aside and renamed into place: processes started together (a test run) each
  // see a whole bundle, never one another's half-written file.
  for (const file of [...out.outputFiles].sort((a) => (a.path.endsWith('.map') ? -1 : 1))) {
    const tmp = `${file.path}.${process.pid}.tmp`;
    writeFileSync(tmp, file.contents);
    renameSync(tmp, file.path);
  }
}
const { main } = await import(pathToFileURL(bundle).href);
process.exitCode = main(process.argv.slice(2));
