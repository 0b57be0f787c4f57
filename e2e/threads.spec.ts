// Threads in the playground: the threads sample run in the page prints what it prints
// natively, and the threads tab draws one lane per thread (the main thread and the three
// workers it creates), with the runs the scheduler gave each, no two at once, and main's
// waits for the workers; the same seed gives the same lanes again, another seed others.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { PREVIEW_URL, pickSample } from './playground.ts';

const binary = fileURLToPath(new URL('../public/samples/threads/threads-static', import.meta.url));

test.use({ viewport: { width: 1600, height: 1000 } });

/** Each lane's runs as [left, right] in percent of the time axis. */
async function runsByLane(page: Page): Promise<[number, number][][]> {
  return page.getByTestId('thread-lane').evaluateAll((lanes) => lanes.map((lane) =>
    [...lane.querySelectorAll('[data-testid="thread-run"]')].map((r) => {
      const s = (r as HTMLElement).style;
      const left = parseFloat(s.left);
      return [left, left + parseFloat(s.width)] as [number, number];
    })));
}

test('the threads sample: four lanes, runs that never overlap; the same seed the same schedule, another seed another', async ({ page }) => {
  test.setTimeout(90_000);
  const native = execFileSync(binary, { encoding: 'utf8' });
  const schedules: string[] = [];
  for (const seed of ['1', '2', '1']) {
    await page.goto(PREVIEW_URL);
    await pickSample(page, 'threads', 'static');
    await page.getByTestId('tool').selectOption('none');
    await page.getByRole('button', { name: 'more settings' }).click();
    await page.getByTestId('seed').fill(seed);
    await page.getByTestId('run').click();
    await expect(page.getByTestId('run-status')).toHaveText('exited with status 0', { timeout: 60_000 });
    for (const line of native.trim().split('\n')) await expect(page.getByTestId('terminal-text')).toContainText(line);

    await page.getByTestId('tab-threads').click();
    await expect(page.getByTestId('thread-lane')).toHaveCount(4);
    const lanes = await runsByLane(page);
    // Every thread ran; one thread at a time: no two runs overlap (up to the style's rounding);
    // together they cover the run.
    for (const runs of lanes) expect(runs.length).toBeGreaterThan(0);
    const all = lanes.flat().sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < all.length; i++) expect(all[i]![0]).toBeGreaterThanOrEqual(all[i - 1]![1] - 1e-3);
    const covered = all.reduce((n, [l, r]) => n + (r - l), 0);
    expect(covered).toBeGreaterThan(99.9);
    // Main waits for the workers (pthread_cond_wait, pthread_join).
    await expect(page.getByTestId('thread-lane').first().getByTestId('thread-wait').first()).toBeAttached();
    schedules.push(JSON.stringify(lanes));
  }
  expect(schedules[2], 'the same seed draws the same lanes').toBe(schedules[0]);
  expect(schedules[1], 'another seed, another interleaving').not.toBe(schedules[0]);
});
