import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

// Guest memory is a SharedArrayBuffer, which browsers only expose to
// cross-origin-isolated pages. Static hosts that cannot send these headers get
// the same effect from public/coi-serviceworker.js.
const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export default defineConfig({
  plugins: [svelte()],
  // Relative asset URLs so the static build also works under a sub-path
  // (e.g. a project page on a static host).
  base: './',
  server: { port: 5173, headers: crossOriginIsolation },
  preview: { headers: crossOriginIsolation },
  worker: { format: 'es' },
  // Monaco's chunk (~2.7 MB) is over the default warning limit; it loads on demand.
  build: { outDir: 'dist', target: 'es2022', chunkSizeWarningLimit: 3000 },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['e2e/**', 'node_modules/**', 'dist/**'],
    environment: 'node',
    // Tests compile guest programs with gcc and run them under native valgrind.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
