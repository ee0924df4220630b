// The local Managed Agents API (DESIGN §6): an HTTP server on 127.0.0.1 with the API's real
// behaviour for the endpoints the provider uses, fault injection and request counting.
import { randomBytes } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { AgentStore, registerAgentRoutes } from "./agents";
import { EnvironmentStore, registerEnvironmentRoutes } from "./environments";
import { SessionStore, registerSessionRoutes } from "./sessions";

export const BETA = "managed-agents-2026-04-01";

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly headers: Record<string, string> = {},
    /** `error.details.error_code`, as the API sends for specific refusals. */
    readonly errorCode?: string,
  ) {
    super(message);
  }
}

export const invalid = (message: string, errorCode?: string) =>
  new HttpError(400, "invalid_request_error", message, {}, errorCode);
export const notFound = (message: string) => new HttpError(404, "not_found_error", message);

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

/**
 * A fault applies to the next `times` requests matching `method` and `path` (a prefix, or a regex).
 * - status: answer with that status and an error body (e.g. 429 with retry-after, 500, 529)
 * - drop: close the connection without answering and without acting on the request
 * - commit-then-drop: act on the request, then close the connection without answering
 * - delay: wait `delayMs`, then act normally
 */
export interface Fault {
  method?: string;
  path?: string | RegExp;
  kind: "status" | "drop" | "commit-then-drop" | "delay";
  status?: number;
  errorType?: string;
  headers?: Record<string, string>;
  delayMs?: number;
  times?: number;
}

export interface RouteRequest {
  method: string;
  path: string;
  params: string[];
  query: URLSearchParams;
  body: Record<string, unknown>;
}

type Handler = (req: RouteRequest) => unknown;

interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];
  add(method: string, pattern: string, handler: Handler): void {
    // ":id" matches one path segment.
    const regex = new RegExp(`^${pattern.replace(/:[a-z_]+/g, "([^/]+)")}$`);
    this.routes.push({ method, pattern: regex, handler });
  }
  match(method: string, path: string): { handler: Handler; params: string[] } | "method" | undefined {
    let pathMatched = false;
    for (const r of this.routes) {
      const m = r.pattern.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (r.method === method) return { handler: r.handler, params: m.slice(1).map(decodeURIComponent) };
    }
    return pathMatched ? "method" : undefined;
  }
}

export function newId(prefix: string): string {
  const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZabcdefghijkmnopqrstuvwxyz";
  const bytes = randomBytes(22);
  let out = `${prefix}_01`;
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

export interface EmulatorOptions {
  port?: number;
  /** When set, only this key is accepted; otherwise any non-empty key is. */
  apiKey?: string;
  /** How long a session stays `running` after a `user.message` (default 1 s; settable later). */
  sessionRunMs?: number;
}

export class Emulator {
  readonly agents = new AgentStore();
  readonly environments = new EnvironmentStore();
  readonly sessions: SessionStore;
  readonly requests: RecordedRequest[] = [];
  private faults: Array<Fault & { remaining: number }> = [];
  private readonly router = new Router();
  private server: http.Server | undefined;
  private readonly sockets = new Set<import("node:net").Socket>();
  /** TCP connections accepted so far (keep-alive reuse shows as fewer connections than requests). */
  connectionsAccepted = 0;
  url = "";

  constructor(private readonly options: EmulatorOptions = {}) {
    this.sessions = new SessionStore(this.agents, this.environments, options.sessionRunMs ?? 1_000);
    registerAgentRoutes(this.router, this.agents);
    registerEnvironmentRoutes(this.router, this.environments);
    registerSessionRoutes(this.router, this.sessions);
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 5_000;
    this.server.on("connection", (s) => {
      this.connectionsAccepted += 1;
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server!.listen(this.options.port ?? 0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.sessions.stopTimers();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  injectFault(fault: Fault): void {
    this.faults.push({ ...fault, remaining: fault.times ?? 1 });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** Requests seen so far, optionally only those with this method and path prefix. */
  count(method?: string, pathPrefix?: string): number {
    return this.requests.filter(
      (r) => (method === undefined || r.method === method) && (pathPrefix === undefined || r.path.startsWith(pathPrefix)),
    ).length;
  }

  resetCounts(): void {
    this.requests.length = 0;
  }

  private takeFault(method: string, path: string): Fault | undefined {
    const i = this.faults.findIndex(
      (f) =>
        (f.method === undefined || f.method === method) &&
        (f.path === undefined || (typeof f.path === "string" ? path.startsWith(f.path) : f.path.test(path))),
    );
    if (i < 0) return undefined;
    const fault = this.faults[i]!;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults.splice(i, 1);
    return fault;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const requestId = newId("req");
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const method = req.method ?? "GET";
    let body: unknown;
    try {
      body = raw === "" ? {} : JSON.parse(raw);
    } catch {
      body = undefined;
    }
    this.requests.push({ method, path: url.pathname, query: Object.fromEntries(url.searchParams), body });

    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", "request-id": requestId, ...headers });
      res.end(JSON.stringify(payload));
    };
    const sendError = (e: HttpError) =>
      send(
        e.status,
        {
          type: "error",
          error: { type: e.type, message: e.message, ...(e.errorCode ? { details: { error_code: e.errorCode } } : {}) },
          request_id: requestId,
        },
        e.headers,
      );

    const fault = this.takeFault(method, url.pathname);
    if (fault?.kind === "drop") {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === "status") {
      const status = fault.status ?? 500;
      const type =
        fault.errorType ?? (status === 429 ? "rate_limit_error" : status === 529 ? "overloaded_error" : "api_error");
      sendError(new HttpError(status, type, `injected fault: HTTP ${status}`, fault.headers ?? {}));
      return;
    }
    if (fault?.kind === "delay") await new Promise((r) => setTimeout(r, fault.delayMs ?? 1_000));

    try {
      this.authenticate(req);
      if (body === undefined) throw invalid("request body is not valid JSON");
      const matched = this.router.match(method, url.pathname);
      if (matched === undefined) throw notFound(`no route for ${method} ${url.pathname}`);
      if (matched === "method") throw new HttpError(405, "invalid_request_error", `method ${method} not allowed on ${url.pathname}`);
      if (body === null || typeof body !== "object" || Array.isArray(body)) throw invalid("request body must be a JSON object");
      const result = matched.handler({
        method,
        path: url.pathname,
        params: matched.params,
        query: url.searchParams,
        body: body as Record<string, unknown>,
      });
      if (fault?.kind === "commit-then-drop") {
        req.socket.destroy();
        return;
      }
      send(200, result);
    } catch (e) {
      if (e instanceof HttpError) sendError(e);
      else sendError(new HttpError(500, "api_error", `emulator bug: ${e instanceof Error ? e.message : String(e)}`));
    }
  }

  private authenticate(req: http.IncomingMessage): void {
    const header = req.headers["x-api-key"];
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? "")?.[1];
    const key = (typeof header === "string" && header !== "" ? header : undefined) ?? bearer;
    if (!key || (this.options.apiKey !== undefined && key !== this.options.apiKey)) {
      throw new HttpError(401, "authentication_error", "invalid x-api-key");
    }
    const betas = String(req.headers["anthropic-beta"] ?? "")
      .split(",")
      .map((s) => s.trim());
    if (!betas.includes(BETA)) {
      throw invalid(`this endpoint is in beta: requests must send "anthropic-beta: ${BETA}"`);
    }
  }
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return new Emulator(options).start();
}
