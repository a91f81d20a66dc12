import { defineConfig, type ViteUserConfig } from 'vitest/config';
import { tensorPreset } from '@ecamp/vitest-preset';

const preset = tensorPreset as ViteUserConfig;

// The browser tests share one build, one tiny checkpoint and one static server (test/global-setup.ts).
export default defineConfig({ ...preset, test: { ...preset.test, globalSetup: ['test/global-setup.ts'] } });
