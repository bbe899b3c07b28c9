import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['tests/helpers/global-setup.ts'],
    setupFiles: ['tests/helpers/setup.ts'],
    include: ['tests/**/*.test.ts'],
    // Each worker gets its own database (cloned from a migrated template), so files run in parallel.
    pool: 'forks',
    maxWorkers: 2,
    // A worker runs its files one after the other in the same process, modules imported once: a
    // file re-importing the app cost ~2 s (a quarter of the suite's time), and no test relies on
    // a fresh module state (each builds its app and database state; spies are restored).
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    env: { NODE_ENV: 'test' },
  },
});
