import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';

const root = fileURLToPath(new URL('..', import.meta.url));

// Fixed ports (also in isolation.spec.ts) away from Vite's defaults (5173 dev, 4173 preview), so a running
// dev server does not collide with the tests.
const PREVIEW_URL = 'http://127.0.0.1:4317/';
const STATIC_URL = 'http://127.0.0.1:4318/';

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  outputDir: '../test-results',
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: 'list',
  timeout: 30_000,
  webServer: [
    {
      // vite preview sends the COOP/COEP/CORP headers from vite.config.ts.
      command: 'npx vite build && npx vite preview --host 127.0.0.1 --port 4317 --strictPort',
      cwd: root,
      url: PREVIEW_URL,
      reuseExistingServer: false,
      timeout: 120_000,
    },
    {
      // A header-less static host serving the same dist/. Its readiness URL is
      // a built file, so it also waits for the build above.
      command: 'node e2e/static-server.mjs --host 127.0.0.1 --port 4318 --root dist',
      cwd: root,
      url: `${STATIC_URL}coi-serviceworker.js`,
      reuseExistingServer: false,
      timeout: 120_000,
    },
  ],
  projects: [
    {
      name: 'chromium',
      use: {
        browserName: 'chromium',
        // Playwright's own browser downloads are unavailable here: use Debian's.
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
          ],
        },
      },
    },
  ],
});
