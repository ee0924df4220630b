// Nested properties are documented on their zod schemas (`.meta({ description })`): the one source
// of the SDK's JSDoc and of the package schema's descriptions (DESIGN §11). Top-level fields keep
// their spec's `doc.text`. This holds what every resource file spells the same way.
import { z } from "zod";

/** A discriminator: always `value` (a union's kind, or a field the API requires to be this value). */
export function always<const V extends string>(value: V) {
  return z.literal(value).meta({ description: `Always \`${value}\`.` });
}
