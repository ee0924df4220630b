import js from "@eslint/js";
import tseslint from "typescript-eslint";

const AS_ERROR = { selector: "TSAsExpression[typeAnnotation.typeName.name='Error']", message: "read an error with messageOf(error) (provider/client/errors.ts), not `as Error`" };

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
  // An error is read through `messageOf` (provider/client/errors.ts), never cast (issue 20).
  {
    files: ["provider/**/*.ts"],
    rules: { "no-restricted-syntax": ["error", AS_ERROR] },
  },
  // Resource files hold no casts but `as const` (DESIGN §9): parse with the schema, narrow with a
  // type guard, or type the kit function they call.
  {
    files: ["provider/resources/**/*.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        AS_ERROR,
        { selector: "TSAsExpression:not([typeAnnotation.typeName.name='const'])", message: "no `as` casts in provider/resources (DESIGN §9): parse, narrow with a type guard, or type the kit function" },
        { selector: "TSTypeAssertion", message: "no `<T>` casts in provider/resources (DESIGN §9)" },
      ],
    },
  },
  {
    files: ["sdk/provider-shell.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
