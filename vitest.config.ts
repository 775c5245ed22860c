import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The stacks import dvpc by its package name, as a user's repository does; the tests run them
  // against the sources (the command line runs them against the build).
  resolve: { alias: { dvpc: fileURLToPath(new URL('./lib/index.ts', import.meta.url)) } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
