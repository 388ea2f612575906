import { fileURLToPath } from 'node:url';

import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

// The bundle goes where the Python package serves it from (tutorcal/web/serving.py).
const outDir = fileURLToPath(new URL('../src/tutorcal/web/dist', import.meta.url));

export default defineConfig({
  plugins: [vue()],
  build: {
    outDir,
    emptyOutDir: true,
    // Chromium 120+, Firefox 121+, Safari 17+: no legacy transforms.
    target: 'es2022',
    // Swagger UI (the /docs page's own chunk) is 1.5 MB by itself; the app's chunks are small.
    chunkSizeWarningLimit: 1600,
    rolldownOptions: {
      // On a busy shared machine a build is slow for reasons that are not the plugins'.
      checks: { bundlerTimings: false },
      input: {
        app: fileURLToPath(new URL('index.html', import.meta.url)),
        docs: fileURLToPath(new URL('docs.html', import.meta.url)),
      },
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    // Pure functions only: no need for a fresh worker per file.
    isolate: false,
  },
});
