// Our HTTP client against the official SDK's: the same GET of one agent, N times at a fixed
// concurrency, against an emulator in its own process (so that the server's work does not share
// the clients' event loop).
import Anthropic from "@anthropic-ai/sdk";
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import { agents } from "../../provider/api/agents";
import { ApiClient } from "../../provider/client/http-client";
import { RateGate } from "../../provider/client/rate-gate";
import { parseBaseUrl } from "../../provider/config";
import { OperationContext } from "../../provider/kit/context";
import { REPO_ROOT } from "../../tools/engine";

const KEY = "sk-ant-bench";

export interface ClientSample {
  requests: number;
  concurrency: number;
  oursPerSecond: number;
  sdkPerSecond: number;
  /** CPU this process spent per request (the emulator runs in its own), in µs. */
  oursCpuUs: number;
  sdkCpuUs: number;
}

async function startEmulatorProcess(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, "dist", "emulator", "main.js"), "--port", "0"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let text = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      const m = /listening on (\S+)/.exec(text);
      if (m) resolve(m[1]!);
    });
    child.once("exit", (code) => reject(new Error(`emulator exited with ${String(code)} before listening (run \`npm run build\` first)`)));
  });
  return { url, child };
}

interface Run {
  perSecond: number;
  cpuUsPerRequest: number;
}

async function measure(requests: number, concurrency: number, get: () => Promise<unknown>): Promise<Run> {
  let next = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) {
        next++;
        await get();
      }
    }),
  );
  const seconds = (performance.now() - start) / 1_000;
  const used = process.cpuUsage(cpu);
  return { perSecond: requests / seconds, cpuUsPerRequest: (used.user + used.system) / requests };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function compareClients(requests: number, concurrency: number, rounds: number): Promise<ClientSample> {
  const { url, child } = await startEmulatorProcess();
  try {
    const sdk = new Anthropic({ apiKey: KEY, baseURL: url });
    const ours = new ApiClient({ settings: { apiKey: KEY, baseUrl: parseBaseUrl(url), workspaceId: undefined }, gate: new RateGate() });
    const ctx = new OperationContext(ours, { timeoutMs: 10 * 60_000 });
    try {
      const agent = await sdk.beta.agents.create({ name: "bench", model: "claude-sonnet-4-6" });
      const viaOurs = () => agents.retrieve(ctx, "bench", agent.id);
      const viaSdk = () => sdk.beta.agents.retrieve(agent.id);
      // Warm both connection pools before timing.
      await measure(concurrency * 4, concurrency, viaOurs);
      await measure(concurrency * 4, concurrency, viaSdk);
      const oursRuns: Run[] = [];
      const sdkRuns: Run[] = [];
      for (let i = 0; i < rounds; i++) {
        // Alternate who goes first, so that drift in the machine's load is shared.
        if (i % 2 === 0) {
          oursRuns.push(await measure(requests, concurrency, viaOurs));
          sdkRuns.push(await measure(requests, concurrency, viaSdk));
        } else {
          sdkRuns.push(await measure(requests, concurrency, viaSdk));
          oursRuns.push(await measure(requests, concurrency, viaOurs));
        }
      }
      return {
        requests,
        concurrency,
        oursPerSecond: median(oursRuns.map((r) => r.perSecond)),
        sdkPerSecond: median(sdkRuns.map((r) => r.perSecond)),
        oursCpuUs: median(oursRuns.map((r) => r.cpuUsPerRequest)),
        sdkCpuUs: median(sdkRuns.map((r) => r.cpuUsPerRequest)),
      };
    } finally {
      ctx.dispose();
    }
  } finally {
    child.kill("SIGTERM");
  }
}
