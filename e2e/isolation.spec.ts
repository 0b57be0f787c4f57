// The engine keeps guest memory in a SharedArrayBuffer, so the app is useless
// unless the page is cross-origin isolated. These tests check both ways we get
// there: headers from the server (vite preview), and, on a static host that
// sends none, public/coi-serviceworker.js.

import { expect, test, type Page } from '@playwright/test';

const PREVIEW_URL = 'http://127.0.0.1:4317/';
const STATIC_URL = 'http://127.0.0.1:4318/';

// What the engine needs: a shared WebAssembly.Memory backed by a SharedArrayBuffer.
async function sharedMemoryWorks(page: Page) {
  return page.evaluate(() => ({
    isolated: crossOriginIsolated,
    sab: typeof SharedArrayBuffer === 'function',
    sharedWasmMemory:
      new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer,
  }));
}

function countMainFrameLoads(page: Page): () => number {
  let loads = 0;
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) loads++;
  });
  return () => loads;
}

test('vite preview sends the isolation headers itself', async ({ page }) => {
  const response = await page.goto(PREVIEW_URL);
  expect(response?.headers()['cross-origin-opener-policy']).toBe('same-origin');
  expect(response?.headers()['cross-origin-embedder-policy']).toBe('require-corp');
  await expect(page.getByTestId('isolated')).toHaveText('true');
  await expect(page.getByTestId('sab')).toHaveText('available');
  expect(await sharedMemoryWorks(page)).toEqual({ isolated: true, sab: true, sharedWasmMemory: true });
  // With the headers present the service worker is never registered.
  expect(await page.evaluate(() => navigator.serviceWorker.getRegistrations().then((r) => r.length))).toBe(0);
});

test('a header-less static host becomes isolated through the service worker', async ({ page, request }) => {
  const plain = await request.get(STATIC_URL);
  expect(plain.ok()).toBe(true);
  expect(plain.headers()['cross-origin-opener-policy']).toBeUndefined();
  expect(plain.headers()['cross-origin-embedder-policy']).toBeUndefined();

  const loads = countMainFrameLoads(page);
  await page.goto(STATIC_URL);
  // First load registers the worker and reloads once; the reloaded page is isolated.
  await expect(page.getByTestId('isolated')).toHaveText('true', { timeout: 15_000 });
  expect(await sharedMemoryWorks(page)).toEqual({ isolated: true, sab: true, sharedWasmMemory: true });
  expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(
    `${STATIC_URL}coi-serviceworker.js`,
  );
  expect(loads()).toBe(2);

  // Once installed, the worker serves later visits isolated without a reload.
  const second = await page.context().newPage();
  const secondLoads = countMainFrameLoads(second);
  await second.goto(STATIC_URL);
  await expect(second.getByTestId('isolated')).toHaveText('true');
  expect(secondLoads()).toBe(1);
});
