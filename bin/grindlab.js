#!/usr/bin/env node
// Entry point of the grindlab CLI: runs the TypeScript sources through tsx's loader,
// so the CLI and the browser build share one copy of the engine with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = main(process.argv.slice(2));
