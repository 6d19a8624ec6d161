import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The user's own dockhook config must never leak into a test run.
    env: { DOCKHOOK_CONFIG: '', NO_COLOR: '1' },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          // Each file builds real daemons in private namespaces; two cores, one file at a time.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
