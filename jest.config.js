/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  // examples/ holds tests too: a user's own tests of their program (examples/testing/).
  roots: ["<rootDir>/test", "<rootDir>/examples"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }] },
  // The `__provider` shell grows ~100x under istanbul counters (PULUMI-NOTES.md).
  coveragePathIgnorePatterns: ["/node_modules/", "/sdk/provider-shell.ts"],
  testTimeout: 30_000,
  globalSetup: "<rootDir>/test/global-setup.ts",
};
