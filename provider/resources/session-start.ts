// What a session starts with, as a Session declares it and a Deployment declares it for each
// run's session: its initial events (a user message's content blocks, an outcome to work toward, a
// deployment's system message) and its budget. One schema per API shape, imported by both
// (BetaManagedAgentsUserMessageEventParams, BetaManagedAgentsUserDefineOutcomeEventParams,
// BetaManagedAgentsSystemMessageEventParams), so that both take and refuse the same values.
import { z } from "zod";
import { always } from "./docs";

// The content blocks a `user.message` takes (BetaManagedAgentsUserMessageEventParams).
const fileSource = (what: string) =>
  z
    .strictObject({ type: always("file"), fileId: z.string().min(1).meta({ description: "ID of a file uploaded through the Files API." }) })
    .meta({ description: `${what} referenced by file ID.` });
const urlSource = (what: string) =>
  z.strictObject({ type: always("url"), url: z.url().meta({ description: `URL of the ${what.toLowerCase()} to fetch.` }) }).meta({ description: `${what} referenced by URL.` });
const base64Source = (what: string, mediaTypes: string) =>
  z
    .strictObject({
      type: always("base64"),
      mediaType: z.string().min(1).meta({ description: `MIME type of the ${what.toLowerCase()} (${mediaTypes}).` }),
      data: z.string().min(1).meta({ description: `Base64-encoded ${what.toLowerCase()} data.` }),
    })
    .meta({ description: `Base64-encoded ${what.toLowerCase()} data.` });
const textBlock = z.strictObject({ type: always("text"), text: z.string().min(1).meta({ description: "The text content." }) }).meta({ description: "Text content." });

const contentBlock = z.discriminatedUnion("type", [
  textBlock,
  z
    .strictObject({
      type: always("image"),
      source: z
        .discriminatedUnion("type", [base64Source("Image", 'e.g. "image/png", "image/jpeg", "image/gif", "image/webp"'), urlSource("Image"), fileSource("Image")])
        .meta({ description: "The source of the image data: `base64`, `url` or `file`." }),
    })
    .meta({ description: "Image content, given as base64 data, a URL or a file." }),
  z
    .strictObject({
      type: always("document"),
      source: z
        .discriminatedUnion("type", [
          base64Source("Document", 'e.g. "application/pdf"'),
          z
            .strictObject({
              type: always("text"),
              mediaType: z.literal("text/plain").meta({ description: "MIME type of the text content: always `text/plain`." }),
              data: z.string().meta({ description: "The plain text content." }),
            })
            .meta({ description: "Plain text document content." }),
          urlSource("Document"),
          fileSource("Document"),
        ])
        .meta({ description: "The source of the document data: `base64`, `text`, `url` or `file`." }),
      context: z.string().optional().meta({ description: "Additional context about the document for the model." }),
      title: z.string().optional().meta({ description: "The title of the document." }),
    })
    .meta({ description: "Document content, given as base64 data, plain text, a URL or a file." }),
  z.strictObject({ type: always("redacted") }).meta({ description: "Content redacted from the conversation: a placeholder that carries nothing." }),
]);

/** A `user.message`: text, image, document and redacted content blocks. */
export const userMessageEvent = z
  .strictObject({
    type: always("user.message"),
    content: z.array(contentBlock).min(1).meta({ description: "The message's content blocks (`text`, `image`, `document`, `redacted`); at least one." }),
  })
  .meta({ id: "UserMessageEvent", description: "A user message; it starts the agent's work." });

/** A `user.define_outcome`: what to produce and how it is graded. */
export const defineOutcomeEvent = z
  .strictObject({
    type: always("user.define_outcome"),
    description: z.string().min(1).meta({ description: "What the agent should produce: the task specification." }),
    rubric: z
      .discriminatedUnion("type", [
        z
          .strictObject({
            type: always("text"),
            content: z.string().min(1).meta({ description: "Rubric content, plain text or markdown (the grader treats it as freeform text). The API allows at most 262,144 characters." }),
          })
          .meta({ description: "A rubric given inline as text." }),
        z
          .strictObject({ type: always("file"), fileId: z.string().min(1).meta({ description: "ID of the rubric file, uploaded through the Files API." }) })
          .meta({ description: "A rubric in a file uploaded through the Files API." }),
      ])
      .meta({ description: "How to grade the outcome: a text or a file rubric." }),
    maxIterations: z
      .number()
      .int()
      .min(1)
      .max(20, "at most 20 iterations")
      .optional()
      .meta({ description: "Evaluation and revision cycles before giving up: 1 to 20; the API's default is 3." }),
  })
  .meta({ id: "DefineOutcomeEvent", description: "An outcome the agent should work toward, graded by a rubric; the agent begins work on receipt." });

/** A `system.message` (deployments only): text appended to the session's system context. */
export const systemMessageEvent = z
  .strictObject({
    type: always("system.message"),
    content: z
      .array(textBlock)
      .min(1)
      .meta({ description: "System content to append: `text` blocks, at least one." }),
  })
  .meta({ description: "Privileged context, appended to the session's system context as a `system` turn rather than replacing the system prompt." });

/** At most this many initial events (the API's limit, for sessions and deployments alike). */
export const MAX_INITIAL_EVENTS = 50;

export const budgetInput = z.strictObject({
  type: always("limit"),
  maxListCost: z
    .strictObject({
      amount: z
        .string()
        .regex(/^(0|[1-9]\d*)$/, 'an integer number of minor units as a string, e.g. "2500" for $25.00')
        .meta({ description: 'Amount in minor units of the currency, as an integer decimal string without leading zeros: `"2500"` is $25.00, `"50"` fifty cents.' }),
      // The API requires it; USD is the only currency it prices.
      currency: z.literal("USD").default("USD").meta({ description: "Uppercase ISO 4217 currency code: `USD`, the only currency the API supports (and the default here)." }),
    })
    .meta({
      description: "Maximum list cost each session may accrue (a deployment's: each run's session); once the tracked list cost reaches it, the session stops issuing model requests. List price is used regardless of any negotiated discount.",
    }),
});
