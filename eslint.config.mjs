import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "coverage/", "**/*.js", "!eslint.config.mjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // The __provider shell must call require() inside its methods (see sdk/provider-shell.ts).
      "@typescript-eslint/no-require-imports": "off",
    },
  },
  {
    files: ["sdk/provider-shell.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
