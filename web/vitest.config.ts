import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

/**
 * Unit tests of the app's logic (money, time, booking rules) and component tests (mounted with
 * @vue/test-utils in happy-dom, per file); browser flows live in tests/e2e.
 */
export default defineConfig({
  root: import.meta.dirname,
  plugins: [vue()],
  test: {
    name: 'web',
    include: ['src/**/*.test.ts', 'kit/src/**/*.test.ts'],
    environment: 'node',
    // A zone far from Shanghai: the app must show business time whatever the device says.
    env: { TZ: 'America/New_York' },
  },
});
