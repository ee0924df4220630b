// The processes below this one, read from /proc (Linux only), for the crash tests: they find the
// `pulumi` CLI that the Automation API spawned and the dynamic provider that the CLI spawned, and
// kill them the way a crash would (SIGKILL: no cleanup, no lock release, no answer to the engine).
import * as fs from "node:fs";

export interface Proc {
  pid: number;
  ppid: number;
  /** State letter from /proc/<pid>/stat: R, S, D, Z (zombie), … */
  state: string;
  /** argv, as /proc/<pid>/cmdline holds it. */
  argv: string[];
}

function readProc(pid: number): Proc | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // "pid (comm) state ppid …": comm may contain spaces and parentheses; it ends at the last ")".
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter((s) => s !== "");
    return { pid, ppid: Number(rest[1]), state: rest[0] ?? "?", argv };
  } catch {
    return undefined; // gone between listing and reading
  }
}

/** Every process on the machine (that can be read). */
export function processTable(): Proc[] {
  const out: Proc[] = [];
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const p = readProc(Number(name));
    if (p) out.push(p);
  }
  return out;
}

/** The live (not zombie) descendants of `root`, parents before children. */
export function descendants(root: number = process.pid): Proc[] {
  const table = processTable();
  const children = new Map<number, Proc[]>();
  for (const p of table) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const out: Proc[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      if (child.state !== "Z") out.push(child);
      queue.push(child.pid);
    }
  }
  return out;
}

/** Whether the process still runs (a zombie does not). */
export function alive(pid: number): boolean {
  const p = readProc(pid);
  return p !== undefined && p.state !== "Z";
}

/** The `pulumi` CLI processes below `root` (argv[0] is …/pulumi), optionally only those running `subcommand`. */
export function pulumiClis(root: number = process.pid, subcommand?: string): Proc[] {
  return descendants(root).filter((p) => /(^|\/)pulumi$/.test(p.argv[0] ?? "") && (subcommand === undefined || p.argv.includes(subcommand)));
}

/** The Node dynamic-provider processes below `root`. */
export function dynamicProviders(root: number = process.pid): Proc[] {
  return descendants(root).filter((p) => p.argv.some((a) => a.includes("dynamic-provider")));
}

/** SIGKILLs `procs`, and everything below them, all read before the first signal; returns the pids signalled. */
export function killTrees(procs: Proc[]): number[] {
  const pids = new Set<number>();
  for (const p of procs) {
    pids.add(p.pid);
    for (const d of descendants(p.pid)) pids.add(d.pid);
  }
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  return [...pids];
}
