// Memcheck in the playground: the use-after-free story run in the page gives the CLI's
// report in the terminal, the error in the errors panel with stacks whose frames open the
// source line, the heap list, and the memory view's A/V colouring of a fresh block.

import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { PREVIEW_URL, pickSample } from './playground.ts';

const shot = (name: string) => fileURLToPath(new URL(`../docs/screenshots/${name}`, import.meta.url));

test.use({ viewport: { width: 1600, height: 1000 } });

test('use-after-free under memcheck: report, errors panel, frames that open the source line', async ({ page }) => {
  test.setTimeout(60_000);
  await page.goto(PREVIEW_URL);
  await pickSample(page, 'use-after-free', 'dynamic');
  // A memcheck story picks its tool and shows its story above the source.
  await expect(page.getByTestId('tool')).toHaveValue('memcheck');
  await expect(page.getByTestId('story')).toContainText('logout() frees the session');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('run-status')).toHaveText('exited with status 0', { timeout: 40_000 });
  const term = page.getByTestId('terminal-text');
  await expect(term).toContainText('Invalid read of size 4');
  await expect(term).toContainText('ERROR SUMMARY: 1 errors from 1 contexts (suppressed: 0 from 0)');

  // The heap list: both sessions freed, still queued (with stdio's buffer, freed by
  // __libc_freeres); one selected shows its stacks and the memory view follows it (freed:
  // no access).
  await page.getByTestId('tab-heap').click();
  const sessions = page.getByTestId('heap-block').filter({ hasText: '24 bytes' }).filter({ hasText: 'freed' });
  await expect(sessions).toHaveCount(2);
  await sessions.first().click();
  await expect(page.getByTestId('heap-stacks')).toContainText("alloc'd at");
  await expect(page.getByTestId('heap-stacks')).toContainText('login (use-after-free.c:');
  await expect(page.getByTestId('heap-stacks')).toContainText("free'd at");
  await expect(page.getByTestId('memory').locator('.b.noaccess').first()).toBeVisible();

  await page.getByTestId('tab-errors').click();
  const error = page.getByTestId('error');
  await expect(error).toHaveCount(1);
  await expect(error).toContainText('Invalid read of size 4');
  await expect(error).toContainText("Block was alloc'd at");
  const frame = error.getByRole('button', { name: /main \(use-after-free\.c:\d+\)/ }).first();
  const line = Number(/use-after-free\.c:(\d+)/.exec((await frame.textContent())!)![1]);
  // libc's and the preload's frames are text, not links.
  await expect(error.locator('span[data-testid="frame"]').filter({ hasText: 'vgpreload_memcheck' }).first()).toBeVisible();
  await frame.click();
  await expect(page.getByTestId('source')).toHaveAttribute('data-line', String(line));
  await expect(page.locator('.frame-line')).toBeVisible();
  await expect(page.getByTestId('source').locator('.view-line').filter({ hasText: 'privilege after logout' })).toBeVisible();
  await page.screenshot({ path: shot('playground-memcheck.png') });
});

test('paused after the malloc in login: the fresh block is undefined between noaccess redzones', async ({ page }) => {
  test.setTimeout(60_000);
  await page.goto(PREVIEW_URL);
  await pickSample(page, 'use-after-free', 'dynamic');
  await expect(page.getByTestId('tool')).toHaveValue('memcheck');
  // login+0x18: the first block after `call malloc` and its NULL check; rax is the block.
  await page.getByTestId('breakpoints').fill('login+0x18');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('run-status')).toHaveText('paused', { timeout: 40_000 });
  await expect(page.getByTestId('register-vbits')).toContainText('rax');
  await expect(page.getByTestId('register-vbits').locator('.reg.undef, .reg.partial')).not.toHaveCount(17);
  await page.getByTestId('memory-follow').fill('rax');
  await page.getByTestId('memory-follow').press('Enter');
  const mem = page.getByTestId('memory');
  await expect(mem.locator('.b.undefined')).toHaveCount(24);
  await expect(mem.locator('.b.noaccess').first()).toBeVisible();
  await expect(mem.locator('.b.undefined').first()).toHaveAttribute('title', /undefined/);
  // The heap list has the one block so far.
  await page.getByTestId('tab-heap').click();
  await expect(page.getByTestId('heap-block')).toHaveCount(1);
  await expect(page.getByTestId('heap-block')).toContainText('24 bytes');
  await expect(page.getByTestId('heap-block')).toContainText('live');
});
