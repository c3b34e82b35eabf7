import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Vitest's default is one worker fewer than the cores: one on a 2-core machine. Most test files
    // wait on real servers, processes and files rather than compute, so more run well side by side
    // on 2 cores (test/access: 202 s with one worker, 84 s with two; the whole suite 950 s with two,
    // 716 s with three).
    maxWorkers: 3,
  },
});
