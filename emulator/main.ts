#!/usr/bin/env node
// `npx anthropic-agents-emulator --port N` (or `npm run emulator -- --port N` in the repository):
// the local Managed Agents API on 127.0.0.1. README "Test your stacks offline" lists the options.
import { startEmulator, type EmulatorOptions } from "./server";

const USAGE = `usage: anthropic-agents-emulator [--port N] [--api-key KEY] [--rate-limit R] [--rate-limiter sliding-window|token-bucket]
                                 [--latency MS] [--session-run-ms MS] [--state FILE]`;

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  if (i < 0) return undefined;
  const value = process.argv[i + 1];
  if (value === undefined || value.startsWith("--")) fail(`${name} needs a value`);
  return value;
}

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

/** A flag's whole-number value, at least `min`. */
function count(name: string, min: number): number | undefined {
  const text = flag(name);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) fail(`${name} must be an integer of at least ${min}, not ${text}`);
  return n;
}

async function main(): Promise<void> {
  if (process.argv.includes("--help") || process.argv.includes("-h")) {
    console.log(USAGE);
    return;
  }
  // Nothing outside this process can read `emulator.requests`: the bin keeps no request log.
  const options: EmulatorOptions = { port: count("--port", 0) ?? 0, recordRequests: false };
  const apiKey = flag("--api-key");
  if (apiKey !== undefined) options.apiKey = apiKey;
  const rateLimit = count("--rate-limit", 1);
  if (rateLimit !== undefined) options.rateLimit = rateLimit;
  const limiter = flag("--rate-limiter");
  if (limiter !== undefined) {
    if (limiter !== "sliding-window" && limiter !== "token-bucket") fail(`--rate-limiter must be sliding-window or token-bucket, not ${limiter}`);
    options.rateLimiter = limiter;
  }
  const latencyMs = count("--latency", 0);
  if (latencyMs !== undefined) options.latencyMs = latencyMs;
  const sessionRunMs = count("--session-run-ms", 0);
  if (sessionRunMs !== undefined) options.sessionRunMs = sessionRunMs;
  const stateFile = flag("--state");
  if (stateFile !== undefined) options.stateFile = stateFile;
  const emulator = await startEmulator(options);
  console.log(`listening on ${emulator.url}`);
  const stop = () => void emulator.stop().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

void main();
