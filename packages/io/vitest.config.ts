import { defineConfig } from 'vitest/config';
import preset from '@ecamp/vitest-preset';

export default defineConfig(preset);
