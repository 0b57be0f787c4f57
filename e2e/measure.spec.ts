// Figures for the closing notes of issues 5 and 10, logged, not asserted: how long from page load
// until the hello sample's output shows, and the page's frame rate while a CPU-bound guest
// runs in the worker (the memory view redrawing every frame as it follows rsp).

import { type Page, expect, test } from '@playwright/test';
import { encodeShare } from '../src/ui/share.ts';
import { PREVIEW_URL, pickSample } from './playground.ts';

/** ms since navigation start when the terminal first shows `text` (checked every frame). */
async function whenShown(page: Page, text: string): Promise<number> {
  await page.waitForFunction((t) => document.querySelector('[data-testid="terminal-text"]')?.textContent?.includes(t), text, { polling: 'raf', timeout: 30_000 });
  return page.evaluate(() => performance.now());
}

/** requestAnimationFrame callbacks per second over `ms`. */
function frameRate(page: Page, ms = 3000): Promise<number> {
  return page.evaluate((span) => new Promise<number>((done) => {
    let frames = 0;
    const start = performance.now();
    const tick = (now: number) => {
      frames++;
      if (now - start < span) requestAnimationFrame(tick);
      else done((frames * 1000) / (now - start));
    };
    requestAnimationFrame(tick);
  }), ms);
}

test('page load to hello output', async ({ page }) => {
  // A share link runs on load, with no click in between; the dynamic build also loads the
  // sysroot and runs ld.so (~100,000 guest instructions) before main.
  const viaLink: Record<string, number> = {};
  for (const build of ['static', 'dynamic'] as const) {
    const { fragment } = await encodeShare({
      program: { kind: 'sample', sample: 'hello', build },
      config: { path: '/home/user/hello', args: [], env: [], stdin: '', tool: 'none', toolOptions: [], seed: 1, breakpoints: [], backend: 'wasm' },
    });
    const tab = await page.context().newPage();
    await tab.goto(`${PREVIEW_URL}#${fragment}`);
    viaLink[build] = await whenShown(tab, 'Hello, world!');
    await expect(tab.getByTestId('run-status')).toHaveText('exited with status 0');
    await tab.close();
  }

  // The same by hand: load, then Run as soon as the button is there.
  const fresh = await page.context().newPage();
  await fresh.goto(PREVIEW_URL);
  await pickSample(fresh, 'hello');
  await fresh.getByTestId('run').click();
  const byClick = await whenShown(fresh, 'Hello, world!');
  console.log(`[measure] page load → hello output: ${viaLink.static!.toFixed(0)} ms (share link, static), ${viaLink.dynamic!.toFixed(0)} ms (share link, dynamic), ${byClick.toFixed(0)} ms (load, pick, Run)`);
});

test('frame rate while a CPU-bound guest runs', async ({ page }) => {
  await page.goto(PREVIEW_URL);
  await pickSample(page, 'loop');
  const idle = await frameRate(page);
  await page.getByTestId('run').click();
  await expect(page.getByTestId('terminal-text')).toContainText('progress 1', { timeout: 30_000 });
  await expect(page.getByTestId('run-status')).toHaveText('running');
  const busy = await frameRate(page);
  const progress = (await page.getByTestId('terminal-text').textContent())!.match(/progress \d+/g)!.length;
  await page.getByTestId('stop').click();
  console.log(`[measure] frames/s: ${idle.toFixed(1)} idle, ${busy.toFixed(1)} while loop runs (memory view following rsp); ${progress} progress lines so far`);
});
