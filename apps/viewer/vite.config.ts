import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The viewer is a static page: `vite build` writes dist/ (open it from any static server).
 * `@ecamp/native` (a Node addon, an optional dependency of @ecamp/core that core imports lazily
 * for its 'native' backend) is replaced by a module that refuses to load, so no Node code can
 * reach the bundle.
 */
export default defineConfig({
  base: './',
  resolve: {
    alias: { '@ecamp/native': fileURLToPath(new URL('./src/native-unavailable.ts', import.meta.url)) },
  },
  build: {
    target: 'es2022',
    // TF.js alone is ~1 MB minified; the page is one app, not a site to split.
    chunkSizeWarningLimit: 2500,
    assetsInlineLimit: 0,
  },
});
