/** @module Vite build for the clinicians' web UI: source in src/web, output in dist/web for the server. */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('./src/web', import.meta.url));
const outDir = fileURLToPath(new URL('./dist/web', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir,
    emptyOutDir: true,
    // Keep every asset a file: a strict Content-Security-Policy allows no data: or inline code.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
  server: {
    // In development, forward the API to a server started separately (MCR_API_URL).
    proxy: { '/api': process.env['MCR_API_URL'] ?? 'http://127.0.0.1:8080' },
  },
});
