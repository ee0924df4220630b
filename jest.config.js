/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }] },
  // The `__provider` shell grows ~100x under istanbul counters (PULUMI-NOTES.md).
  coveragePathIgnorePatterns: ["/node_modules/", "/sdk/provider-shell.ts"],
  testTimeout: 30_000,
};
