import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

// Served by the API at /ui; everything is bundled (no CDN, works offline).
export default defineConfig({
  base: '/ui/',
  plugins: [preact()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1000 },
  logLevel: 'warn',
  test: { include: ['src/**/*.test.ts'], environment: 'node' },
} as never);
