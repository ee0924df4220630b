// The official SDK against the emulator's refusals of malformed requests (issue 21): each reaches
// it as the API's own error would, an APIError subclass with the error body and the request id.
// A 500 would have been retried (twice, by default) and reported as a server fault; a 400 is not.
import Anthropic from "@anthropic-ai/sdk";
import { useCheckedSdk } from "./validating-client";

const sdk = useCheckedSdk();

it("a field of the wrong type is a BadRequestError, sent once (a 500 would have been retried)", async () => {
  const refused = sdk.client.beta.agents.create({ name: "a", model: "claude-sonnet-4-6", skills: "x" as never });
  await expect(refused).rejects.toBeInstanceOf(Anthropic.BadRequestError);
  await expect(refused).rejects.toMatchObject({ status: 400, error: { type: "error", error: { type: "invalid_request_error" } }, requestID: expect.stringMatching(/^req_/) });
  expect(sdk.emulator.count("POST", "/v1/agents")).toBe(1);
  // Metadata that is no map, taken before, is refused the same way.
  await expect(sdk.client.beta.agents.create({ name: "a", model: "claude-sonnet-4-6", metadata: "abc" as never })).rejects.toBeInstanceOf(Anthropic.BadRequestError);
});

it("a request the HTTP parser refuses (headers over 16 KB) still gets an APIError with the API's body and a request id", async () => {
  const refused = sdk.client.beta.agents.list({}, { headers: { "x-padding": "p".repeat(17_000) } });
  await expect(refused).rejects.toBeInstanceOf(Anthropic.APIError);
  await expect(refused).rejects.toMatchObject({ status: 431, error: { type: "error", error: { type: "invalid_request_error" } }, requestID: expect.stringMatching(/^req_/) });
  // The client keeps working after the refused connection closed.
  await expect(sdk.client.beta.agents.list()).resolves.toBeDefined();
});
