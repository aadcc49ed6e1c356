import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['builder/*.test.ts', 'lib/**/*.test.ts', 'node/src/**/*.test.ts', 'console/src/**/*.test.{ts,tsx}', 'tui-installer/src/**/*.test.{ts,tsx}'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['node/test/**/*.test.ts', 'console/test/**/*.test.ts', 'tui-installer/test/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        // The appliance images booted in QEMU: `npm run test:image` builds the images first.
        test: {
          name: 'image',
          include: ['builder/test/**/*.image.test.ts'],
          fileParallelism: false,
          testTimeout: 1_800_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
