import { describe, expect, it } from 'vitest';

describe('the @ecamp/native stand-in of the browser bundle', () => {
  it('refuses to load, saying why (core then falls back to wasm)', async () => {
    await expect(import('./native-unavailable.js')).rejects.toThrow('@ecamp/native is a Node addon and does not run in a browser');
  });
});
