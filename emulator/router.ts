// Routes and the module interface: an object family (agents, sessions, vaults, ...) is an
// `EmulatorModule` that adds its routes to the `Router` and keeps its part of `dump`/`load`/`live`.
// A route names the `anthropic-beta` value it requires, checked after routing, as the API does.
import type * as http from "node:http";
import { invalid } from "./http";

/** The Managed Agents beta: what every route requires unless it names another. */
export const BETA = "managed-agents-2026-04-01";

export interface RouteRequest {
  method: string;
  path: string;
  params: string[];
  query: URLSearchParams;
  /** The JSON body (`{}` when there is none or it is multipart). */
  body: Record<string, unknown>;
  /** The parts of a multipart/form-data body (file and skill uploads). */
  form?: FormData;
  headers: http.IncomingHttpHeaders;
}

export type Handler = (req: RouteRequest) => unknown;

/**
 * The `anthropic-beta` values a route takes: one, or several (the first is the one the SDK sends,
 * what `list` shows; the others the API accepts too).
 */
export type Betas = string | readonly [string, ...string[]];

interface Route {
  method: string;
  /** As given to `add`, e.g. `/v1/sessions/:id/events`. */
  path: string;
  pattern: RegExp;
  handler: Handler;
  betas: readonly string[];
}

export interface Matched {
  handler: Handler;
  params: string[];
  /** The beta values any one of which the request must send. */
  betas: readonly string[];
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler, beta: Betas = BETA): void {
    // ":id" matches one path segment.
    const regex = new RegExp(`^${pattern.replace(/:[a-z_]+/g, "([^/]+)")}$`);
    this.routes.push({ method, path: pattern, pattern: regex, handler, betas: typeof beta === "string" ? [beta] : beta });
  }

  /** Every route with the beta the SDK sends: what the conformance suite compares with the SDK's route table. */
  list(): Array<{ method: string; path: string; beta: string }> {
    return this.routes.map(({ method, path, betas }) => ({ method, path, beta: betas[0]! }));
  }

  /** The route, `"method"` when the path exists under another method only, undefined when no path matches. */
  match(method: string, path: string): Matched | "method" | undefined {
    let pathMatched = false;
    for (const r of this.routes) {
      const m = r.pattern.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (r.method === method) return { handler: r.handler, params: m.slice(1).map(decodeSegment), betas: r.betas };
    }
    return pathMatched ? "method" : undefined;
  }
}

/** A path parameter as sent: percent-decoded, or a 400 when its encoding is broken (`%E0%A4%A`). */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw invalid(`the path segment ${JSON.stringify(segment.slice(0, 64))} is not valid percent-encoding`);
  }
}

/** A 400 unless the `anthropic-beta` header (a comma-separated list) names one of `betas`. */
export function requireBeta(header: string | string[] | undefined, betas: readonly string[]): void {
  const sent = String(header ?? "")
    .split(",")
    .map((s) => s.trim());
  if (!betas.some((b) => sent.includes(b))) {
    throw invalid(`this endpoint is in beta: requests must send "anthropic-beta: ${betas.join('" or "')}"`);
  }
}

/** The ids of the objects among `records` that are not archived: what a module's `live()` lists. */
export function unarchivedIds(records: Iterable<{ id: string; archived_at?: string | null }>): string[] {
  return [...records].filter((r) => !r.archived_at).map((r) => r.id);
}

/**
 * An object family of the emulator: its routes, its part of `dump`/`load`, and its live ids for
 * `live()`. Every family is one, the API's first three (agents, environments, sessions) included.
 */
export interface EmulatorModule {
  /** Its key in `EmulatorDump.modules` (a core module's dump has keys of its own at the top). */
  readonly name: string;
  /**
   * One of the families every dump has had since 0.1.0 (agents, environments, sessions): its
   * `dump()` is an object whose keys stand at the top of `EmulatorDump`, its `load` gets the
   * whole dump, and `live()` lists its nouns even when they are empty.
   */
  readonly core?: boolean;
  register(router: Router): void;
  /** Undefined when it holds nothing (a dump without objects then matches one from before the module). */
  dump(): unknown;
  load(data: unknown): void;
  /** Ids of the objects that exist and are not archived, by noun (e.g. `{ vaults: [...] }`). */
  live(): Record<string, string[]>;
  stop?(): void;
}
