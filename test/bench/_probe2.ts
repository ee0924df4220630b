import { startEmulator } from "../../emulator/server";
import { makeSide, runOperation } from "./stacks";
(async () => {
  const emulator = await startEmulator();
  const side = await makeSide("ours", emulator, 3);
  for (const op of ["up", "destroy"] as const) {
    const before = emulator.requests.length;
    await runOperation(side, op, emulator);
    const counts: Record<string, number> = {};
    for (const r of emulator.requests.slice(before)) { const k = `${r.method} ${r.path.replace(/[a-z]+_[A-Za-z0-9]+/g, ":id")} ${JSON.stringify(r.query)}`; counts[k] = (counts[k] ?? 0) + 1; }
    console.log(op, counts);
  }
  await emulator.stop();
})();
