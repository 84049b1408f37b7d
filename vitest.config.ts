import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // A browser test polls the page; 1 s (the default) is too short on a loaded two-core machine.
    expect: { poll: { timeout: 8000 } },
    // Two cores here: two files at a time keeps argon2 and the databases from starving each other.
    maxWorkers: 2,
    pool: 'forks',
  },
});
