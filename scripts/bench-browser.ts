// The page's half of `npm run bench` (scripts/bench.ts): the built app served by
// `vite preview`, runs started from share links in headless Chromium (Debian's, as the
// e2e tests use it), timed from the moment the page starts the run (the status line
// says `starting`: sample fetched, sysroot ready, engine worker about to be created) to
// the status line saying `exited with status 0`, and the terminal's text checked for
// the program's expected stdout.
//
// The build goes to its own directory and the server to its own port, so that the e2e
// tests (dist/, port 4317) can run at the same time.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium } from '@playwright/test';
import { encodeShare } from '../src/ui/share.ts';

const root = join(import.meta.dirname, '..');
const vite = join(root, 'node_modules/vite/bin/vite.js');
export const BROWSER_DIST = join(root, 'node_modules/.cache/grindlab/bench-dist');

export interface PageRun {
  sample: string;
  build: string;
  args: string[];
  tool: 'none' | 'memcheck';
  backend: 'wasm' | 'interp';
  /** stdout the terminal must show (native's); valgrind's is accepted in its place. */
  expect: string;
  expectValgrind?: string;
  /** Seconds before the run is stopped. */
  cap: number;
}

export interface PageResult {
  /** Seconds from `starting` to the end (or to the cap). */
  secs: number;
  capped: boolean;
  verdict: 'same' | 'as valgrind' | 'DIFFERS';
  /** The status line at the end, when it is not `exited with status 0`. */
  failure?: string;
}

/** What the status line says when a run is over. */
const FINAL = /^(exited with status|killed by signal|failed:|stopped)/;
/** ... and once a run has begun. */
const STARTED = /^(starting|running|exited with status|killed by signal|failed:|stopped)/;

/** Records, in the page, when the run-status element's text changes (a MutationObserver,
 *  installed before the app starts, so no change is missed). */
function watchStatus(): void {
  const marks: { text: string; t: number }[] = [];
  (globalThis as unknown as { __benchMarks: typeof marks }).__benchMarks = marks;
  let last = '';
  new MutationObserver(() => {
    const text = document.querySelector('[data-testid="run-status"]')?.textContent ?? '';
    if (text !== last) {
      last = text;
      marks.push({ text, t: performance.now() });
    }
  }).observe(document, { subtree: true, childList: true, characterData: true });
}

export class BrowserBench {
  private constructor(
    private readonly server: ChildProcess,
    private readonly browser: Browser,
    private readonly context: BrowserContext,
    readonly url: string,
    readonly version: string,
  ) {}

  /** Builds the app, serves it and opens Chromium; throws with the reason if any step fails. */
  static async start(port: number, log: (line: string) => void): Promise<BrowserBench> {
    const t0 = performance.now();
    const built = spawnSync(process.execPath, [vite, 'build', '--outDir', BROWSER_DIST, '--emptyOutDir', '--logLevel', 'error'], {
      cwd: root, encoding: 'utf8', maxBuffer: 1 << 26,
    });
    if (built.status !== 0) throw new Error(`vite build failed:\n${built.stderr}${built.stdout}`);
    log(`built the app into ${BROWSER_DIST.slice(root.length + 1)} in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    const url = `http://127.0.0.1:${port}/`;
    const server = spawn(process.execPath, [vite, 'preview', '--outDir', BROWSER_DIST, '--host', '127.0.0.1', '--port', String(port), '--strictPort'], {
      cwd: root, stdio: ['ignore', 'ignore', 'pipe'],
    });
    let serverErr = '';
    server.stderr!.on('data', (d) => (serverErr += d));
    try {
      for (let i = 0; ; i++) {
        try {
          if ((await fetch(url)).ok) break;
        } catch {
          // not listening yet
        }
        if (server.exitCode !== null || i > 300) throw new Error(`vite preview did not start on port ${port}: ${serverErr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const browser = await chromium.launch({
        executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      });
      const context = await browser.newContext();
      await context.addInitScript(watchStatus);
      // Fetch the glibc sysroot once into this context's cache, as a returning visitor has it.
      const page = await context.newPage();
      await page.goto(url);
      await page.getByTestId('sysroot').filter({ hasText: /ready|unavailable/ }).waitFor({ timeout: 120_000 });
      const sysroot = await page.getByTestId('sysroot').textContent();
      await page.close();
      if (!sysroot?.startsWith('ready')) throw new Error(`the page's glibc sysroot: ${sysroot}`);
      return new BrowserBench(server, browser, context, url, `Chromium ${browser.version()}`);
    } catch (e) {
      server.kill();
      throw e;
    }
  }

  /** One run in a fresh page (and so a fresh engine worker). */
  async run(r: PageRun): Promise<PageResult> {
    const { fragment } = await encodeShare({
      program: { kind: 'sample', sample: r.sample, build: r.build },
      config: {
        path: `/home/user/${r.sample}`, args: r.args, env: [], stdin: '', tool: r.tool, toolOptions: ['-q'], seed: 1,
        breakpoints: [], backend: r.backend,
      },
    });
    const page = await this.context.newPage();
    try {
      await page.goto(`${this.url}#${fragment}`);
      const marks = () => page.evaluate(() => (globalThis as unknown as { __benchMarks: { text: string; t: number }[] }).__benchMarks);
      const status = (re: RegExp, ms: number) => page.waitForFunction(
        (src) => new RegExp(src).test(document.querySelector('[data-testid="run-status"]')?.textContent ?? ''),
        re.source, { timeout: ms, polling: 100 }).then(() => true, () => false);
      if (!(await status(STARTED, 120_000))) {
        throw new Error(`the page did not start ${r.sample} ${r.args.join(' ')}: status ${await page.getByTestId('run-status').textContent()}`);
      }
      // The cap counts from the start of the run.
      const finished = await status(FINAL, r.cap * 1000);
      const seen = await marks();
      const end = seen.find((m) => FINAL.test(m.text));
      const start = seen.find((m) => m.text === 'starting' || m.text === 'running') ?? end;
      if (!finished || !end || !start) {
        await page.getByTestId('stop').click().catch(() => {});
        return { secs: r.cap, capped: true, verdict: 'same' };
      }
      const secs = (end.t - start.t) / 1000;
      if (end.text !== 'exited with status 0') return { secs, capped: false, verdict: 'DIFFERS', failure: end.text };
      // The terminal's text mirror is refreshed once a frame: give it a moment.
      const shows = (want: string) => page.waitForFunction((w) => document.querySelector('[data-testid="terminal-text"]')?.textContent?.includes(w), want, { timeout: 5000 })
        .then(() => true, () => false);
      const verdict = (await shows(r.expect)) ? 'same' : r.expectValgrind !== undefined && (await shows(r.expectValgrind)) ? 'as valgrind' : 'DIFFERS';
      return { secs, capped: false, verdict };
    } finally {
      await page.close();
    }
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => {});
    this.server.kill();
  }
}
