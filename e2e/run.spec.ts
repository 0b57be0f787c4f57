// The app running guests: the glibc sysroot is fetched once and cached, samples run in the
// engine worker with their output streamed to the page, and Stop ends any run at once.

import { expect, test } from '@playwright/test';
import { PREVIEW_URL, runSample } from './playground.ts';

test('the glibc sysroot is downloaded once, then comes from the cache', async ({ page }) => {
  let downloads = 0;
  page.on('request', (r) => { if (r.url().includes('.sysroot.bin')) downloads++; });
  await page.goto(PREVIEW_URL);
  await expect(page.getByTestId('sysroot')).toContainText('downloaded', { timeout: 20_000 });
  await page.reload();
  await expect(page.getByTestId('sysroot')).toContainText('from cache', { timeout: 20_000 });
  expect(downloads).toBe(1);
});

test('a sample runs in the engine worker and its output reaches the page', async ({ page }) => {
  await page.goto(PREVIEW_URL);
  await runSample(page, 'hello', 'static');
  await expect(page.getByTestId('run-status')).toHaveText('exited with status 0', { timeout: 60_000 });
  await expect(page.getByTestId('terminal-text')).toContainText('Hello, world! 2 + 3 = 5');
  await expect(page.getByTestId('terminal-text')).toContainText('Nulgrind, the minimal Valgrind tool');
  // A dynamically linked build runs on the cached glibc sysroot.
  await expect(page.getByTestId('sysroot')).toContainText('ready', { timeout: 20_000 });
  await runSample(page, 'hello', 'dynamic');
  await expect(page.getByTestId('run-status')).toHaveText('exited with status 0', { timeout: 60_000 });
  await expect(page.getByTestId('terminal-text')).toContainText('Goodbye.');
});

test('Stop ends an endless guest at once and the page stays usable', async ({ page }) => {
  await page.goto(PREVIEW_URL);
  await runSample(page, 'loop', 'static');
  await expect(page.getByTestId('terminal-text')).toContainText('Nulgrind', { timeout: 30_000 });
  await expect(page.getByTestId('run-status')).toHaveText('running');
  // The page answers while the guest spins in the worker.
  expect(await page.evaluate(() => 6 * 7)).toBe(42);
  await page.getByTestId('stop').click();
  await expect(page.getByTestId('run-status')).toHaveText('stopped');
  await runSample(page, 'hello', 'static');
  await expect(page.getByTestId('run-status')).toHaveText('exited with status 0', { timeout: 60_000 });
});

test('the engine setting picks the backend, and both give the same run', async ({ page }) => {
  await page.goto(PREVIEW_URL);
  const terminal = async (backend: 'wasm' | 'interp') => {
    await page.getByRole('button', { name: /more settings/ }).click();
    await page.getByTestId('backend').selectOption(backend);
    await page.getByRole('button', { name: /fewer settings/ }).click();
    await runSample(page, 'jitgen', 'static');
    await expect(page.getByTestId('run-status')).toHaveText('exited with status 0', { timeout: 60_000 });
    return page.getByTestId('terminal-text').textContent();
  };
  const jit = await terminal('wasm');
  expect(jit).toContain('all generated code ran as written');
  expect(await terminal('interp')).toBe(jit);
});
