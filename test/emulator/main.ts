// `npm run emulator -- --port N [--api-key K]`: the local Managed Agents API on 127.0.0.1.
import { startEmulator } from "./server";

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const port = Number(flag("--port") ?? "0");
  const apiKey = flag("--api-key");
  const emulator = await startEmulator({ port, ...(apiKey !== undefined ? { apiKey } : {}) });
  console.log(`listening on ${emulator.url}`);
  const stop = () => void emulator.stop().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

void main();
