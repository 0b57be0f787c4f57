#!/usr/bin/env node
// Entry point of the grindlab CLI. The TypeScript sources are bundled once with esbuild
// into node_modules/.cache (rebuilt when a source is newer), so the engine runs as plain
// JavaScript at full speed, and the CLI and the browser build share one copy of the
// engine; bin/cli-bundle.js builds and runs it.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCli, bundleIsFresh, runCli } from './cli-bundle.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'node_modules', '.cache', 'grindlab', 'cli.cjs');

if (!bundleIsFresh(bundle, [join(root, 'src', 'engine'), join(root, 'src', 'cli')])) await buildCli(root, bundle);
process.exitCode = runCli(bundle, process.argv.slice(2));
