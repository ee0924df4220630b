// What `npm run generate` derives from the specs (SDK classes, README tables) is committed; this
// fails when a spec changed and the derived files were not regenerated.
import * as fs from "node:fs";
import * as path from "node:path";
import { generatedFiles, REPO_ROOT } from "../../tools/generate";

it.each([...generatedFiles()].map(([file, content]) => [file, content] as const))("%s is up to date (run `npm run generate`)", (file, content) => {
  expect(fs.readFileSync(path.join(REPO_ROOT, file), "utf8")).toBe(content);
});
