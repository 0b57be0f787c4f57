// Types of bin/cli-bundle.js, for the tests and scripts that build and run the CLI as
// bin/grindlab.js does.

/** Bundles src/cli/main.ts (under `root`) into `outfile`, CommonJS, its source map beside it. */
export function buildCli(root: string, outfile: string): Promise<void>;
/** Runs the bundle's main(argv) through its code cache; returns the exit status. */
export function runCli(bundle: string, argv: string[]): number;
/** Writes `runner`, a script that runs `bundle` as bin/grindlab.js runs its own. */
export function writeCliRunner(runner: string, bundle: string): void;
/** Whether `bundle` is at least as new as every file under `dirs`. */
export function bundleIsFresh(bundle: string, dirs: string[]): boolean;
