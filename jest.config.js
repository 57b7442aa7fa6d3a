/** Jest runs the TypeScript sources directly; `npm test` type-checks them first with tsc. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  setupFiles: ["reflect-metadata"],
  testTimeout: 60000,
  // Some MariaDB runs leave a reconnecting client (pool or Redis) behind after the last test;
  // exit instead of hanging CI. Open handles are a known issue to chase with --detectOpenHandles.
  forceExit: true,
};
