// The playground's panels: the terminal takes input, the block list opens a block's IR,
// a breakpoint stops at main with kdb agreeing with objdump, share links reproduce a run,
// and a file that is not an ELF is refused without disturbing the page.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { parseElf } from '../src/engine/elf/index.ts';
import { PREVIEW_URL, pickSample, runSample } from './playground.ts';

const HELLO_STATIC = new URL('../public/samples/hello/hello-static', import.meta.url);

test('an interactive guest reads what is typed in the terminal, echoed as typed', async ({ page }) => {
  await page.goto(PREVIEW_URL);
  await pickSample(page, 'reverse');
  await page.getByTestId('stdin').fill('');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('run-status')).toHaveText('reading', { timeout: 20_000 });
  await page.getByTestId('terminal').click();
  await page.keyboard.type('stressed');
  await expect(page.getByTestId('terminal-text')).toContainText('stressed');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('terminal-text')).toContainText('stressed\ndesserts\n');
  // Backspace edits the line before the guest sees it.
  await page.keyboard.type('gnirtsx');
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('terminal-text')).toContainText('gnirts\nstring\n');
  await page.keyboard.press('Control+d');
  await expect(page.getByTestId('run-status')).toHaveText('exited with status 0', { timeout: 20_000 });
  await expect(page.getByTestId('terminal-text')).toContainText('2 lines reversed');
});

test('selecting a translated block shows its IR before and after instrumentation', async ({ page }) => {
  await page.goto(PREVIEW_URL);
  await runSample(page, 'hello');
  await expect(page.getByTestId('run-status')).toHaveText('exited with status 0', { timeout: 30_000 });
  await page.getByTestId('block').filter({ hasText: /\bmain\b/ }).first().click();
  await expect(page.getByTestId('ir-before-text')).toContainText('IMark(0x');
  await expect(page.getByTestId('ir-after-text')).toContainText('IMark(0x');
  await expect(page.getByTestId('ir-before-text')).toContainText('GET:I64');
  // Monaco draws the columns.
  await expect(page.getByTestId('ir-guest')).toContainText('sub');
  await expect(page.getByTestId('ir-before')).toContainText('IMark');
  await expect(page.getByTestId('ir-after')).toContainText('IMark');
  // The fourth: the WebAssembly the JIT makes of the block. main runs once, so it is
  // interpreted (a block is compiled once it is hot); its code reads the guest state
  // (local 0) and leaves through `return`.
  await expect(page.getByTestId('wasm-status')).toContainText('interpreted until hot');
  await expect(page.getByTestId('ir-wasm-text')).toContainText('local.get 0');
  await expect(page.getByTestId('ir-wasm-text')).toContainText('return');
  await expect(page.getByTestId('ir-wasm')).toContainText('i64.load');
});

test('a breakpoint on main stops there: dr shows RIP = main and dis its first instruction', async ({ page }) => {
  const main = parseElf(new Uint8Array(readFileSync(HELLO_STATIC))).symbols.find((s) => s.name === 'main')!.value;
  const objdump = execFileSync('objdump', ['-d', '--no-show-raw-insn', `--disassemble=main`, HELLO_STATIC.pathname], { encoding: 'utf8' });
  const first = new RegExp(`^\\s*${main.toString(16)}:\\s*(.+)$`, 'm').exec(objdump)![1]!.trim().replace(/\s+/g, ' ');

  await page.goto(PREVIEW_URL);
  await pickSample(page, 'hello');
  await page.getByTestId('breakpoints').fill('main');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('run-status')).toHaveText('paused', { timeout: 30_000 });
  await expect(page.getByTestId('pause-detail')).toContainText(`breakpoint`);
  await expect(page.getByTestId('registers')).toContainText(`[<${main.toString(16).padStart(16, '0')}>] main`);
  await page.getByTestId('kdb-input').fill('dis main 1');
  await page.getByTestId('kdb-input').press('Enter');
  const out = page.getByTestId('kdb-output');
  await expect(out).toContainText(`${main.toString(16).padStart(16, '0')} main`);
  expect((await out.textContent())!.replace(/\s+/g, ' ')).toMatch(new RegExp(`main(\\+0x0)?: ${first.replace(/[$()*+.]/g, '\\$&')}`));
  // The guest goes on from there to its end.
  await page.getByTestId('resume').click();
  await expect(page.getByTestId('run-status')).toHaveText('exited with status 0', { timeout: 30_000 });
  await expect(page.getByTestId('terminal-text')).toContainText('Hello, world!');
});

test('a share link opened in a fresh page reproduces the run', async ({ page, context }) => {
  await page.goto(PREVIEW_URL);
  await pickSample(page, 'args');
  await page.getByTestId('args').fill(`alpha 'two words' --gamma`);
  await page.getByTestId('run').click();
  await expect(page.getByTestId('run-status')).toHaveText('exited with status 0', { timeout: 30_000 });
  const output = await page.getByTestId('terminal-text').textContent();
  expect(output).toContain('two words');
  await page.getByTestId('share').click();
  await expect(page.getByTestId('note-banner')).toContainText('Link to this run');
  const link = page.url();
  expect(link).toMatch(/#v1\./);

  const fresh = await context.newPage();
  await fresh.goto(link);
  await expect(fresh.getByTestId('run-status')).toHaveText('exited with status 0', { timeout: 30_000 });
  await expect(fresh.getByTestId('args')).toHaveValue(`alpha 'two words' --gamma`);
  expect(await fresh.getByTestId('terminal-text').textContent()).toBe(output);

  // One changed character: a clear error, and nothing loaded or run.
  const [base, check] = [link.slice(0, link.lastIndexOf('.') + 1), link.slice(link.lastIndexOf('.') + 1)];
  const tampered = await context.newPage();
  await tampered.goto(`${base}${check[0] === 'A' ? 'B' : 'A'}${check.slice(1)}`);
  await expect(tampered.getByTestId('error-banner')).toContainText('This link cannot be opened: the link was altered');
  await expect(tampered.getByTestId('run-status')).toHaveText('idle');
  await expect(tampered.getByTestId('args')).toHaveValue('');
});

test('uploading a file that is not an ELF says so and keeps the page as it was', async ({ page }) => {
  await page.goto(PREVIEW_URL);
  await pickSample(page, 'args');
  await page.getByTestId('upload-input').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('just notes\n') });
  await expect(page.getByTestId('error-banner')).toHaveText(/notes\.txt is not an ELF file \(bad magic\)/);
  await expect(page.getByTestId('sample')).toHaveValue('args');
  await expect(page.getByTestId('args')).toHaveValue(`one 'two words' --three`);
  // A real ELF is taken.
  await page.getByTestId('upload-input').setInputFiles({ name: 'hello-static', mimeType: 'application/octet-stream', buffer: readFileSync(HELLO_STATIC) });
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
  await page.getByTestId('run').click();
  await expect(page.getByTestId('terminal-text')).toContainText('Hello, world!', { timeout: 30_000 });
});
