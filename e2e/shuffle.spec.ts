// Shuffle in the playground: a use after free that only some interleavings show (the
// reader thread reads a message main frees after a longer loop). From a seed whose run is
// clean, Shuffle tries the next seeds until memcheck reports the invalid read, and leaves
// that seed set: Run replays the error, and the clean seed replays the clean run.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { PREVIEW_URL } from './playground.ts';

const source = fileURLToPath(new URL('../test/sched/programs/uaf-race.c', import.meta.url));

test.use({ viewport: { width: 1600, height: 1000 } });

async function runWithSeed(page: Page, seed: number): Promise<boolean> {
  await page.getByTestId('seed').fill(String(seed));
  await page.getByTestId('run').click();
  await expect(page.getByTestId('run-status')).toHaveText('exited with status 0', { timeout: 60_000 });
  await expect(page.getByTestId('terminal-text')).toContainText('ERROR SUMMARY');
  return (await page.getByTestId('terminal-text').textContent())!.includes('Invalid read of size 1');
}

test('shuffle finds the seed whose interleaving shows the use after free', async ({ page }) => {
  test.setTimeout(240_000);
  const exe = join(mkdtempSync(join(tmpdir(), 'grindlab-e2e-')), 'uaf-race');
  // Dynamic, as `gcc` builds it: memcheck's malloc replacement applies (under Valgrind it
  // cannot in a static binary), and the page runs it on its glibc sysroot.
  execFileSync('gcc', ['-g', '-O1', '-pthread', '-o', exe, source]);
  await page.goto(PREVIEW_URL);
  await page.getByTestId('upload-input').setInputFiles({ name: 'uaf-race', mimeType: 'application/octet-stream', buffer: readFileSync(exe) });
  await page.getByTestId('tool').selectOption('memcheck');
  await page.getByRole('button', { name: 'more settings' }).click();

  let clean: number | undefined;
  for (let seed = 1; seed <= 12 && clean === undefined; seed++) if (!(await runWithSeed(page, seed))) clean = seed;
  expect(clean, 'some seed runs without the error').toBeDefined();

  await page.getByTestId('seed').fill(String(clean));
  await page.getByTestId('shuffle').click();
  const banner = page.getByTestId('note-banner');
  await expect(banner).toContainText(/shuffle: with seed \d+ \(run \d+ of 20\) memcheck reported an error/, { timeout: 180_000 });
  const found = Number(/with seed (\d+)/.exec((await banner.textContent())!)![1]);
  expect(found).toBeGreaterThan(clean!);
  await expect(page.getByTestId('seed')).toHaveValue(String(found));
  await expect(page.getByTestId('terminal-text')).toContainText('Invalid read of size 1');

  // The seeds replay: the found one shows the error again, the clean one does not.
  expect(await runWithSeed(page, found)).toBe(true);
  expect(await runWithSeed(page, clean!)).toBe(false);
});
