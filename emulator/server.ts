// The local Managed Agents API (DESIGN §6): an HTTP server on 127.0.0.1 with the API's real
// behaviour for the endpoints the provider uses, fault injection and request counting.
import { randomBytes } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { type AgentRecord, AgentStore, registerAgentRoutes } from "./agents";
import { DeploymentsModule } from "./deployments";
import { type EnvironmentRecord, EnvironmentStore, registerEnvironmentRoutes } from "./environments";
import { DreamsModule } from "./dreams";
import { type SessionRecord, SessionStore, registerSessionRoutes } from "./sessions";
import { SkillsModule } from "./skills";
import { FileModule } from "./files";
import { MemoryStoreModule } from "./memory-stores";
import { VaultModule } from "./vaults";
import { answerClientErrors } from "./client-error";
import { MAX_BODY_DEPTH, nestsDeeperThan } from "./json-depth";
import { DEFAULT_LOG_BODY_BYTES, recordOf, type RecordedRequest } from "./request-log";
import { rateLimiter, type RateLimiter, type RateLimiterKind, type Refusal } from "./rate-limit";
import { readState, writeState } from "./state-file";
import { ThreadsModule } from "./threads";
import { TunnelsModule } from "./tunnels";
import { WorkModule } from "./work";

export const BETA = "managed-agents-2026-04-01";

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly headers: Record<string, string> = {},
    /** `error.details.error_code`, as the API sends for specific refusals. */
    readonly errorCode?: string,
    /** Further `error.details` fields (e.g. a heartbeat refusal's `current_state`). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const invalid = (message: string, errorCode?: string) =>
  new HttpError(400, "invalid_request_error", message, {}, errorCode);
export const notFound = (message: string) => new HttpError(404, "not_found_error", message);

export type { RecordedRequest } from "./request-log";

/**
 * A fault applies to the next `times` requests matching `method` and `path` (a prefix, or a regex).
 * - status: answer with that status and an error body (e.g. 429 with retry-after, 500, 529)
 * - drop: close the connection without answering and without acting on the request
 * - commit-then-drop: act on the request, then close the connection without answering
 * - commit-then-garbage: act on the request, then answer 200 `application/json` with a truncated,
 *   unparseable body
 * - delay: wait `delayMs`, then act normally. If the client disconnected during the wait, the
 *   request still commits and the answer is dropped: a commit that lands after the client gave up.
 */
export interface Fault {
  method?: string;
  path?: string | RegExp;
  kind: "status" | "drop" | "commit-then-drop" | "commit-then-garbage" | "delay";
  status?: number;
  errorType?: string;
  /** The error message of a `status` fault (default `injected fault: HTTP <status>`). */
  message?: string;
  headers?: Record<string, string>;
  delayMs?: number;
  times?: number;
}

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

/** A non-JSON answer (file and skill downloads). */
export class RawResponse {
  constructor(
    readonly bytes: Uint8Array,
    readonly contentType: string,
  ) {}
}

/**
 * A server-sent event stream (session event streams). `open` gets a function that sends one event
 * and one that ends the stream, and returns the function that ends the subscription when the
 * client goes away.
 */
export class EventStreamResponse {
  constructor(readonly open: (send: (event: string, data: unknown) => void, end: () => void) => () => void) {}
}

type Handler = (req: RouteRequest) => unknown;

interface Route {
  method: string;
  /** As given to `add`, e.g. `/v1/sessions/:id/events`. */
  path: string;
  pattern: RegExp;
  handler: Handler;
  beta: string;
}

export class Router {
  private readonly routes: Route[] = [];
  /** `beta`: the `anthropic-beta` value the endpoint requires (checked after routing, as the API does). */
  add(method: string, pattern: string, handler: Handler, beta: string = BETA): void {
    // ":id" matches one path segment.
    const regex = new RegExp(`^${pattern.replace(/:[a-z_]+/g, "([^/]+)")}$`);
    this.routes.push({ method, path: pattern, pattern: regex, handler, beta });
  }
  /** Every route: what the conformance suite compares with the SDK's route table. */
  list(): Array<{ method: string; path: string; beta: string }> {
    return this.routes.map(({ method, path, beta }) => ({ method, path, beta }));
  }
  match(method: string, path: string): { handler: Handler; params: string[]; beta: string } | "method" | undefined {
    let pathMatched = false;
    for (const r of this.routes) {
      const m = r.pattern.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (r.method === method) return { handler: r.handler, params: m.slice(1).map(decodeSegment), beta: r.beta };
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

/**
 * The request target as a URL: a path (`//x` included, which `new URL(target, base)` would read as
 * a host) or an absolute URL; undefined when it is neither.
 */
export function requestUrl(target: string): URL | undefined {
  try {
    return target.startsWith("/") ? new URL(`http://127.0.0.1${target}`) : new URL(target, "http://127.0.0.1/");
  } catch {
    return undefined;
  }
}

/**
 * An object family added beside the built-in agents, environments and sessions (vaults, files,
 * skills, ...): its routes, its part of `dump`/`load`, and its live ids for `live()`.
 */
export interface EmulatorModule {
  /** Its key in `EmulatorDump.modules`. */
  readonly name: string;
  register(router: Router): void;
  /** Undefined when it holds nothing (a dump without objects then matches one from before the module). */
  dump(): unknown;
  load(data: unknown): void;
  /** Ids of the objects that exist and are not archived, by noun (e.g. `{ vaults: [...] }`). */
  live(): Record<string, string[]>;
  stop?(): void;
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
  /**
   * Requests admitted per second; the excess gets 429 and does not act (it is recorded in
   * `requests`). How, `rateLimiter` says.
   */
  rateLimit?: number;
  /**
   * "sliding-window" (default): at most `rateLimit` in any second, a refusal saying when a slot
   * frees (`retry-after-ms`, and `retry-after` rounded up). "token-bucket": `rateLimit` tokens a
   * second up to one second's worth, a refusal saying only `retry-after` in whole seconds, as
   * many proxies do.
   */
  rateLimiter?: RateLimiterKind;
  /** Milliseconds added before every answer (a slow network or a busy API). */
  latencyMs?: number;
  /**
   * A JSON file holding the emulator's objects: loaded at start if it exists, written after every
   * request that changed something and at stop.
   */
  stateFile?: string;
  /** Whether `requests` records each request (default true; the bin, where nothing reads it, records none). */
  recordRequests?: boolean;
  /** The largest body `requests` keeps whole (default 64 KiB); of a larger one, a prefix of that many bytes. */
  logBodyBytes?: number;
}

/** The stores as plain JSON: what `dump` returns and `load` accepts (also the shape fixtures keep). */
export interface EmulatorDump {
  /** Every version, oldest first, by agent id. */
  agents: Record<string, AgentRecord[]>;
  environments: Record<string, EnvironmentRecord>;
  sessions: Record<string, SessionRecord>;
  /** By session id. */
  events: Record<string, Record<string, unknown>[]>;
  /** Each module's own dump, by module name. */
  modules?: Record<string, unknown>;
}

export class Emulator {
  readonly agents = new AgentStore();
  readonly environments = new EnvironmentStore();
  readonly sessions: SessionStore;
  readonly skills: SkillsModule;
  readonly deployments: DeploymentsModule;
  readonly vaults: VaultModule;
  readonly files: FileModule;
  readonly memoryStores: MemoryStoreModule;
  readonly threads: ThreadsModule;
  readonly work: WorkModule;
  readonly dreams: DreamsModule;
  readonly tunnels: TunnelsModule;
  readonly requests: RecordedRequest[] = [];
  private faults: Array<Fault & { remaining: number }> = [];
  private readonly router = new Router();
  private readonly modules: EmulatorModule[] = [];
  private server: http.Server | undefined;
  private readonly sockets = new Set<import("node:net").Socket>();
  private readonly active = new Set<{ method: string; path: string }>();
  private readonly limiter: RateLimiter | undefined;
  /** TCP connections accepted so far (keep-alive reuse shows as fewer connections than requests). */
  connectionsAccepted = 0;
  url = "";

  constructor(private readonly options: EmulatorOptions = {}) {
    this.limiter = options.rateLimit === undefined ? undefined : rateLimiter(options.rateLimiter ?? "sliding-window", options.rateLimit);
    this.sessions = new SessionStore(this.agents, this.environments, options.sessionRunMs ?? 1_000);
    registerAgentRoutes(this.router, this.agents);
    registerEnvironmentRoutes(this.router, this.environments);
    registerSessionRoutes(this.router, this.sessions);
    this.skills = this.use(new SkillsModule());
    this.agents.customSkillProblem = (id, version) => this.skills.referenceProblem(id, version);
    this.deployments = this.use(new DeploymentsModule(this.agents, this.environments, this.sessions));
    this.vaults = this.use(new VaultModule());
    this.files = this.use(new FileModule());
    this.memoryStores = this.use(new MemoryStoreModule());
    this.threads = this.use(new ThreadsModule(this.sessions));
    this.work = this.use(new WorkModule(this.environments, this.sessions, () => this.url));
    this.dreams = this.use(new DreamsModule(this.sessions, () => this.sessions.runMs));
    this.tunnels = this.use(new TunnelsModule());
  }

  /** The endpoints this emulator answers, with the beta header each requires. */
  routes(): Array<{ method: string; path: string; beta: string }> {
    return this.router.list();
  }

  /** Adds an object family: its routes now, its objects in dump/load/live. */
  protected use<M extends EmulatorModule>(module: M): M {
    module.register(this.router);
    this.modules.push(module);
    return module;
  }

  async start(): Promise<this> {
    const saved = this.options.stateFile === undefined ? undefined : readState(this.options.stateFile);
    if (saved) this.load(saved);
    // The Host header is checked in `respond`, so that its absence gets the API's error body too.
    this.server = http.createServer({ requireHostHeader: false }, (req, res) => void this.handle(req, res));
    answerClientErrors(this.server, () => newId("req"));
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
    if (this.options.stateFile !== undefined) writeState(this.options.stateFile, this.dump());
    this.sessions.stopTimers();
    for (const m of this.modules) m.stop?.();
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

  /** Requests received whose handling (including any delay) has not finished, filtered like `count`. */
  inFlight(method?: string, pathPrefix?: string): number {
    let n = 0;
    for (const r of this.active) {
      if ((method === undefined || r.method === method) && (pathPrefix === undefined || r.path.startsWith(pathPrefix))) n += 1;
    }
    return n;
  }

  /** A deep copy of every stored object, archived ones included. */
  dump(): EmulatorDump {
    return structuredClone({
      agents: Object.fromEntries(this.agents.versions),
      environments: Object.fromEntries(this.environments.records),
      sessions: Object.fromEntries(this.sessions.records),
      events: Object.fromEntries(this.sessions.events),
      ...this.moduleDumps(),
    });
  }

  /** Modules holding something, by name: a dump of an emulator that only has the built-in objects stays as it was. */
  private moduleDumps(): { modules?: Record<string, unknown> } {
    const isEmpty = (v: unknown): boolean =>
      v === null || v === undefined || (typeof v === "object" && Object.values(v as object).every((x) => typeof x === "object" && isEmpty(x)));
    const held = this.modules.map((m) => [m.name, m.dump()] as const).filter(([, d]) => !isEmpty(d));
    return held.length > 0 ? { modules: Object.fromEntries(held) } : {};
  }

  /** Adds the dumped objects unchanged (ids, timestamps, versions), replacing any with the same id. */
  load(dump: EmulatorDump): void {
    const copy = structuredClone(dump);
    for (const [id, versions] of Object.entries(copy.agents)) this.agents.versions.set(id, versions);
    for (const [id, record] of Object.entries(copy.environments)) this.environments.records.set(id, record);
    for (const [id, record] of Object.entries(copy.sessions)) this.sessions.restore(record, copy.events[id]);
    for (const [id, events] of Object.entries(copy.events)) if (!(id in copy.sessions)) this.sessions.events.set(id, events);
    for (const m of this.modules) if (copy.modules?.[m.name] !== undefined) m.load(copy.modules[m.name]);
  }

  /**
   * Ids of the objects that exist and are not archived: what a test expects to be gone after a
   * destroy. Agents, environments and sessions are always listed; a module's nouns only when some
   * of its objects are live, so `{ agents: [], environments: [], sessions: [] }` means nothing is.
   */
  live(): { agents: string[]; environments: string[]; sessions: string[]; [noun: string]: string[] } {
    const unarchived = (records: Iterable<{ id: string; archived_at: string | null }>) =>
      [...records].filter((r) => r.archived_at === null).map((r) => r.id);
    return {
      agents: unarchived([...this.agents.versions.values()].map((l) => l[l.length - 1]!)),
      environments: unarchived(this.environments.records.values()),
      sessions: unarchived(this.sessions.records.values()),
      ...Object.fromEntries(
        this.modules.flatMap((m) => Object.entries(m.live())).filter(([, ids]) => ids.length > 0),
      ),
    };
  }

  /** The rate limit's refusal of a request arriving now, if it is over the limit. */
  private rateLimited(): Refusal | undefined {
    return this.limiter?.decide(performance.now());
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
    const url = requestUrl(req.url ?? "/");
    const entry = { method: req.method ?? "GET", path: url?.pathname ?? req.url ?? "" };
    this.active.add(entry);
    try {
      await this.respond(req, res, url);
    } catch (e) {
      // Nothing may end the process: whatever escaped `respond` is an answer of the emulator's own.
      if (res.headersSent || res.destroyed) res.destroy();
      else {
        const body = { type: "error", error: { type: "api_error", message: `emulator bug: ${e instanceof Error ? e.message : String(e)}` } };
        res.writeHead(500, { "content-type": "application/json", "request-id": newId("req") }).end(JSON.stringify(body));
      }
    } finally {
      this.active.delete(entry);
    }
  }

  private async respond(req: http.IncomingMessage, res: http.ServerResponse, url: URL | undefined): Promise<void> {
    const requestId = newId("req");
    const chunks: Buffer[] = [];
    try {
      for await (const c of req) chunks.push(c as Buffer);
    } catch {
      // The client went away before sending the whole request: there is nothing to act on.
      return;
    }
    const bytes = Buffer.concat(chunks);
    const method = req.method ?? "GET";
    const contentType = req.headers["content-type"] ?? "";
    let body: unknown;
    let form: FormData | undefined;
    if (/^multipart\/form-data/i.test(contentType)) {
      try {
        form = await new Response(bytes, { headers: { "content-type": contentType } }).formData();
        body = {};
      } catch {
        body = undefined;
      }
    } else {
      try {
        const raw = bytes.toString("utf8");
        body = raw === "" ? {} : JSON.parse(raw);
      } catch {
        body = undefined;
      }
    }
    const path = url?.pathname ?? req.url ?? "";
    const query = url?.searchParams ?? new URLSearchParams();
    if (this.options.recordRequests !== false) {
      this.requests.push(recordOf({ method, path, query }, bytes, body, form, this.options.logBodyBytes ?? DEFAULT_LOG_BODY_BYTES));
    }

    const sendRaw = (status: number, text: string, headers: Record<string, string> = {}) => {
      // A client that gave up (e.g. during a delay) gets nothing; the request has still acted.
      if (res.destroyed) return;
      res.writeHead(status, { "content-type": "application/json", "request-id": requestId, ...headers });
      res.end(text);
    };
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) =>
      sendRaw(status, JSON.stringify(payload), headers);
    const sendError = (e: HttpError) =>
      send(
        e.status,
        {
          type: "error",
          error: { type: e.type, message: e.message, ...(e.errorCode ? { details: { ...e.details, error_code: e.errorCode } } : {}) },
          request_id: requestId,
        },
        e.headers,
      );

    const refusal = this.rateLimited();
    if (refusal !== undefined) {
      sendError(new HttpError(429, "rate_limit_error", `rate limit exceeded: at most ${String(this.options.rateLimit)} requests per second`, refusal.headers));
      return;
    }

    const fault = this.takeFault(method, path);
    if (fault?.kind === "drop") {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === "status") {
      const status = fault.status ?? 500;
      const type =
        fault.errorType ?? (status === 429 ? "rate_limit_error" : status === 529 ? "overloaded_error" : "api_error");
      sendError(new HttpError(status, type, fault.message ?? `injected fault: HTTP ${status}`, fault.headers ?? {}));
      return;
    }
    if (fault?.kind === "delay") await new Promise((r) => setTimeout(r, fault.delayMs ?? 1_000));
    if (this.options.latencyMs) await new Promise((r) => setTimeout(r, this.options.latencyMs));

    try {
      if (!url) throw invalid("the request target is not a valid path or URL");
      if (req.headers.host === undefined && req.httpVersion === "1.1") throw invalid("an HTTP/1.1 request needs a Host header");
      this.authenticate(req);
      // Routing before the beta check: an unknown path is a 404 whatever the headers.
      const matched = this.router.match(method, path);
      if (matched === undefined) throw notFound(`no route for ${method} ${path.slice(0, 256)}`);
      if (matched === "method") throw new HttpError(405, "invalid_request_error", `method ${method} not allowed on ${path.slice(0, 256)}`);
      this.checkBeta(req, matched.beta);
      if (body === undefined) throw invalid(form === undefined ? "request body is not valid JSON" : "multipart body could not be parsed");
      if (body === null || typeof body !== "object" || Array.isArray(body)) throw invalid("request body must be a JSON object");
      if (nestsDeeperThan(body, MAX_BODY_DEPTH)) throw invalid(`request body nests more than ${MAX_BODY_DEPTH} levels deep`);
      const result = await matched.handler({
        method,
        path,
        params: matched.params,
        query,
        body: body as Record<string, unknown>,
        ...(form ? { form } : {}),
        headers: req.headers,
      });
      if (this.options.stateFile !== undefined && method !== "GET") writeState(this.options.stateFile, this.dump());
      if (fault?.kind === "commit-then-drop") {
        req.socket.destroy();
        return;
      }
      if (fault?.kind === "commit-then-garbage") {
        // Any proper prefix of a serialized object is invalid JSON: it lacks the closing brace.
        const text = JSON.stringify(result);
        sendRaw(200, text.slice(0, Math.floor(text.length / 2)));
        return;
      }
      if (result instanceof EventStreamResponse) {
        if (res.destroyed) return;
        res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", "request-id": requestId });
        res.flushHeaders();
        const close = result.open(
          (event, data) => void res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`),
          () => res.end(),
        );
        res.on("close", close);
        return;
      }
      if (result instanceof RawResponse) {
        if (res.destroyed) return;
        res.writeHead(200, { "content-type": result.contentType, "request-id": requestId });
        res.end(result.bytes);
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
  }

  private checkBeta(req: http.IncomingMessage, beta: string): void {
    const betas = String(req.headers["anthropic-beta"] ?? "")
      .split(",")
      .map((s) => s.trim());
    if (!betas.includes(beta)) {
      throw invalid(`this endpoint is in beta: requests must send "anthropic-beta: ${beta}"`);
    }
  }
}


export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return new Emulator(options).start();
}
