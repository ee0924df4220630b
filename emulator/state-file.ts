// The emulator's state file (`--state FILE` / `stateFile`): the dump, read at start when the file
// exists and written after every request that changed something and at stop, so the objects a
// test or a demo made survive a restart.
import * as fs from "node:fs";
import * as path from "node:path";
import type { EmulatorDump } from "./server";

export function readState(file: string): EmulatorDump | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
  try {
    return JSON.parse(text) as EmulatorDump;
  } catch (e) {
    throw new Error(`emulator state file ${file} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** Written beside the target and renamed over it: a crash mid-write leaves the previous state whole. */
export function writeState(file: string, dump: EmulatorDump): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, `${JSON.stringify(dump, null, 2)}\n`);
  fs.renameSync(temp, file);
}
