// Starting the emulator's command line as a user does, for the tests of the bin and the npm
// script: a process group of our own (npm and npx start children), the URL it prints, and a stop
// that ends that group only.
import { spawn, type ChildProcess } from "node:child_process";
import * as net from "node:net";

export interface RunningCli {
  url: string;
  output: () => string;
  stop: () => Promise<void>;
}

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Spawns `command args` in `cwd` and waits for its `listening on <url>` line. */
export async function startCli(command: string, args: string[], cwd: string, timeoutMs = 60_000): Promise<RunningCli> {
  const child: ChildProcess = spawn(command, args, { cwd, detached: true, stdio: ["ignore", "pipe", "pipe"], env: process.env });
  let text = "";
  child.stdout!.on("data", (d: Buffer) => (text += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (text += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {
        // already gone
      }
    }
    await exited;
  };
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening on" line within ${timeoutMs} ms:\n${text}`)), timeoutMs);
    const check = () => {
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${String(code)} before listening:\n${text}`));
    });
  }).catch(async (e: unknown) => {
    await stop();
    throw e;
  });
  return { url, output: () => text, stop };
}
