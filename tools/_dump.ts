import { z } from "zod";
import { PUBLIC_SPECS } from "./generate";
const out: Record<string, unknown> = {};
for (const s of PUBLIC_SPECS) out[s.kind] = { inputs: z.toJSONSchema(s.inputs, { io: "input", unrepresentable: "any" }), outputs: z.toJSONSchema(s.outputs, { io: "output", unrepresentable: "any" }) };
console.log(JSON.stringify(out, null, 1));
