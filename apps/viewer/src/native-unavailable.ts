/**
 * Stands in for `@ecamp/native` in the browser bundle (vite.config.ts aliases it): the C kernels
 * are a Node addon. `@ecamp/core`'s `initBackend('native')` imports it lazily and, when the import
 * fails, falls back to wasm with this reason; the viewer never asks for it.
 */
throw new Error('@ecamp/native is a Node addon and does not run in a browser');

export {};
