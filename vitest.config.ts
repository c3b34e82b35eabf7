import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Vitest's default is one worker fewer than the cores: one on a 2-core machine. Most test files
    // wait on real servers, processes and files rather than compute, so two run well side by side
    // (test/access: 202 s with one worker, 84 s with two).
    maxWorkers: 2,
  },
});
