// Shared steps of the playground specs: the page's address and picking a sample.
import type { Page } from '@playwright/test';

export const PREVIEW_URL = 'http://127.0.0.1:4317/';

/** Selects a sample's build in the toolbar (the sample list loads first). */
export async function pickSample(page: Page, name: string, build = 'static'): Promise<void> {
  await page.getByTestId('sample').locator(`option[value="${name}"]`).waitFor({ state: 'attached' });
  await page.getByTestId('sample').selectOption(name);
  await page.getByTestId('build').selectOption(build);
}

/** Runs a sample's build as the toolbar has it set up. */
export async function runSample(page: Page, name: string, build = 'static'): Promise<void> {
  await pickSample(page, name, build);
  await page.getByTestId('run').click();
}
