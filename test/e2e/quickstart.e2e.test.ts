// The `npm start` demo (examples/quickstart under the real engine) is also a test: the story it
// tells must be true.
import { runDemo } from "../../examples/demo";

jest.setTimeout(5 * 60_000);

it("previews, creates, updates in place to version 2, and archives the quickstart agent", async () => {
  const chunks: string[] = [];
  const { versions, emulator } = await runDemo({ live: false, write: (t) => void chunks.push(t) });
  // Strip colour codes: the demo prints what a user's terminal shows.
  // eslint-disable-next-line no-control-regex -- matching the ESC of ANSI colour codes is the point
  const text = chunks.join("").replace(/\x1b\[[0-9;]*m/g, "");
  expect(versions).toEqual([1, 2]);
  expect(text).toContain("+ 3 to create");
  expect(text).toContain("~ 1 to update");
  expect(text).toContain("You triage GitHub issues, suggest labels and find duplicates.");
  expect(text).toContain("- 3 deleted");
  expect(text).not.toContain("warning");
  const agents = [...emulator!.agents.versions.values()];
  expect(agents).toHaveLength(1);
  expect(agents[0]!.map((v) => v.version)).toEqual([1, 2]);
  expect(agents[0]![1]!.archived_at).toEqual(expect.any(String));
});
