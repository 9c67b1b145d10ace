/** Jest runs TypeScript through SWC (fast, no type check: `tsc --noEmit` does that separately). */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)s$': ['@swc/jest'] },
  // @fastify/swagger-ui's static server requires an ESM-only module; SWC compiles it for Jest's CommonJS.
  transformIgnorePatterns: ['/node_modules/(?!content-disposition/)'],
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 60000,
  // Integration suites share real servers; run files one at a time on this 2-core machine.
  maxWorkers: 1,
};
