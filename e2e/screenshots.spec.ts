// Screenshots of the playground for docs/playground.md (docs/screenshots/), taken from a
// real run: hello stopped at a breakpoint on main, the block's IR open with an
// instruction's IMark group lit, an IR step taken, kdb answering, memory following rsp.

import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { PREVIEW_URL, pickSample } from './playground.ts';

const shot = (name: string) => fileURLToPath(new URL(`../docs/screenshots/${name}`, import.meta.url));

test.use({ viewport: { width: 1600, height: 1000 } });

test('playground views, paused at main', async ({ page }) => {
  await page.goto(PREVIEW_URL);
  await pickSample(page, 'hello');
  await page.getByTestId('breakpoints').fill('main');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('run-status')).toHaveText('paused', { timeout: 30_000 });
  await expect(page.getByTestId('source')).toContainText('printf');
  await page.screenshot({ path: shot('playground-source.png') });

  // Run main's first block, then stop at the next one: its IR is in the cache now.
  await page.getByTestId('step-block').click();
  await expect(page.getByTestId('pause-detail')).toContainText('after a step');
  const mainBlock = page.getByTestId('block').filter({ hasText: /\bmain\b/ }).first();
  await mainBlock.click();
  await expect(page.getByTestId('ir-after')).toContainText('IMark');
  for (const cmd of ['dis main 4', 'f', 'dd rsp 4']) {
    await page.getByTestId('kdb-input').fill(cmd);
    await page.getByTestId('kdb-input').press('Enter');
  }
  await expect(page.getByTestId('kdb-output')).toContainText('dd rsp 4');
  // Point at the block's second instruction: its IMark group lights up in both IR columns.
  const box = (await page.getByTestId('ir-guest').boundingBox())!;
  const lineHeight = await page.getByTestId('ir-guest').locator('.view-line').first().evaluate((e) => e.getBoundingClientRect().height);
  await page.mouse.move(box.x + box.width / 2, box.y + lineHeight * 1.5);
  await expect(page.locator('.imark-group').first()).toBeVisible();
  await page.screenshot({ path: shot('playground-paused-ir.png') });

  // The IR stepper on the block at rip.
  await page.getByTestId('ir-step').click();
  await page.getByTestId('ir-step').click();
  await page.getByTestId('ir-step').click();
  await expect(page.getByTestId('ir-temps')).toBeVisible();
  await page.getByTestId('memory-follow').fill('rsp');
  await page.getByTestId('memory-follow').press('Enter');
  await page.screenshot({ path: shot('playground-ir-step.png') });
});
