import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The server sends a strict Content-Security-Policy (no inline scripts or
// styles), so every script and stylesheet must be a file under dist/assets/.
export default defineConfig({
  plugins: [svelte({ emitCss: true })],
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    // Keep every asset a file: a data: URL for a font or image would be fine
    // for img-src, but not for font-src, and files cache better anyway.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: 'es2020',
    sourcemap: false,
  },
  server: {
    // `npm run dev` talks to a local `tandem serve`.
    proxy: { '/api': 'http://127.0.0.1:8091' },
  },
});
