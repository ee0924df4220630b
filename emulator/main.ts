#!/usr/bin/env node
// `npm run emulator -- --port N [--api-key K] [--rate-limit R]`: the local Managed Agents API on 127.0.0.1.
import { startEmulator } from "./server";

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const port = Number(flag("--port") ?? "0");
  const apiKey = flag("--api-key");
  const rateLimitText = flag("--rate-limit");
  const rateLimit = rateLimitText === undefined ? undefined : Number(rateLimitText);
  if (rateLimit !== undefined && !(Number.isInteger(rateLimit) && rateLimit > 0)) {
    console.error(`--rate-limit must be a positive integer (requests per second), not ${String(rateLimitText)}`);
    process.exit(2);
  }
  const emulator = await startEmulator({
    port,
    ...(apiKey !== undefined ? { apiKey } : {}),
    ...(rateLimit !== undefined ? { rateLimit } : {}),
  });
  console.log(`listening on ${emulator.url}`);
  const stop = () => void emulator.stop().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

void main();
