import { defineConfig } from 'vitest/config';
import { tensorPreset } from '@ecamp/vitest-preset';

export default defineConfig(tensorPreset);
