// The local Managed Agents API (DESIGN §6): an HTTP server on 127.0.0.1 with the API's real
// behaviour for the endpoints the provider uses, fault injection and request counting. This file
// is the top of the emulator: it reads requests, applies faults, limits and latency, and hands
// each request to the route of one of its object families (`EmulatorModule`s), which it keeps in
// dump/load/live all alike.
import * as http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { type AgentRecord, AgentsModule } from "./agents";
import { answerClientErrors } from "./client-error";
import { DeploymentsModule } from "./deployments";
import { DreamsModule } from "./dreams";
import { type EnvironmentRecord, EnvironmentsModule } from "./environments";
import { type Fault, faultError, FaultQueue } from "./faults";
import { FilesModule } from "./files";
import { emulatorBug, errorBody, EventStreamResponse, HttpError, invalid, notFound, RawResponse, requestUrl } from "./http";
import { newId } from "./ids";
import { MAX_BODY_DEPTH, nestsDeeperThan } from "./json-depth";
import { MemoryStoresModule } from "./memory-stores";
import { rateLimiter, type RateLimiter, type RateLimiterKind } from "./rate-limit";
import { DEFAULT_LOG_BODY_BYTES, recordOf, type RecordedRequest } from "./request-log";
import { type EmulatorModule, requireBeta, Router } from "./router";
import { type SessionRecord, SessionsModule } from "./sessions";
import { SkillsModule } from "./skills";
import { readState, writeState } from "./state-file";
import { ThreadsModule } from "./threads";
import { TunnelsModule } from "./tunnels";
import { VaultsModule } from "./vaults";
import { WorkModule } from "./work";

export { BETA } from "./router";
export type { EmulatorModule } from "./router";
export type { Fault } from "./faults";
export type { RecordedRequest } from "./request-log";

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

/** What `live()` answers: ids by noun. */
type LiveIds = { agents: string[]; environments: string[]; sessions: string[]; [noun: string]: string[] };

/** Whether a module's dump holds nothing: undefined, null, or objects of nothing all the way down. */
const holdsNothing = (v: unknown): boolean =>
  v === null || v === undefined || (typeof v === "object" && Object.values(v).every((x) => typeof x === "object" && holdsNothing(x)));

export class Emulator {
  readonly agents: AgentsModule;
  readonly environments = new EnvironmentsModule();
  readonly sessions: SessionsModule;
  readonly skills = new SkillsModule();
  readonly deployments: DeploymentsModule;
  readonly vaults = new VaultsModule();
  readonly files = new FilesModule();
  readonly memoryStores = new MemoryStoresModule();
  readonly threads: ThreadsModule;
  readonly work: WorkModule;
  readonly dreams: DreamsModule;
  readonly tunnels = new TunnelsModule();
  readonly requests: RecordedRequest[] = [];
  private readonly faults = new FaultQueue();
  private readonly router = new Router();
  /** Every object family, in the order of its routes and of its keys in a dump. */
  private readonly modules: readonly EmulatorModule[];
  private server: http.Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly active = new Set<{ method: string; path: string }>();
  private readonly limiter: RateLimiter | undefined;
  /** Told of each decision of the rate limit (when `rateLimit` is set), with its time (`performance.now()`): what a benchmark observes. */
  onRateDecision: ((admitted: boolean, atMs: number) => void) | undefined;
  /** TCP connections accepted so far (keep-alive reuse shows as fewer connections than requests). */
  connectionsAccepted = 0;
  url = "";

  constructor(private readonly options: EmulatorOptions = {}) {
    this.limiter = options.rateLimit === undefined ? undefined : rateLimiter(options.rateLimiter ?? "sliding-window", options.rateLimit);
    this.agents = new AgentsModule((id, version) => this.skills.referenceProblem(id, version));
    this.sessions = new SessionsModule(this.agents, this.environments, options.sessionRunMs ?? 1_000);
    this.deployments = new DeploymentsModule(this.agents, this.environments, this.sessions);
    this.threads = new ThreadsModule(this.sessions);
    this.work = new WorkModule(this.environments, this.sessions, () => this.url);
    this.dreams = new DreamsModule(this.sessions, () => this.sessions.runMs);
    this.modules = [
      this.agents,
      this.environments,
      this.sessions,
      this.skills,
      this.deployments,
      this.vaults,
      this.files,
      this.memoryStores,
      this.threads,
      this.work,
      this.dreams,
      this.tunnels,
    ];
    for (const m of this.modules) m.register(this.router);
  }

  /** The endpoints this emulator answers, with the beta header each requires. */
  routes(): Array<{ method: string; path: string; beta: string }> {
    return this.router.list();
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
    for (const m of this.modules) m.stop?.();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  injectFault(fault: Fault): void {
    this.faults.inject(fault);
  }

  clearFaults(): void {
    this.faults.clear();
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

  /**
   * A deep copy of every stored object, archived ones included: the core families' keys at the
   * top, every other family that holds something under `modules` (a dump of an emulator that only
   * has agents, environments and sessions stays as it was before modules).
   */
  dump(): EmulatorDump {
    const top: Record<string, unknown> = {};
    const modules: Record<string, unknown> = {};
    for (const m of this.modules) {
      const data = m.dump();
      if (m.core) Object.assign(top, data);
      else if (!holdsNothing(data)) modules[m.name] = data;
    }
    return structuredClone({ ...top, ...(Object.keys(modules).length > 0 ? { modules } : {}) }) as EmulatorDump;
  }

  /** Adds the dumped objects unchanged (ids, timestamps, versions), replacing any with the same id. */
  load(dump: EmulatorDump): void {
    const copy = structuredClone(dump);
    for (const m of this.modules) {
      const data = m.core ? copy : copy.modules?.[m.name];
      if (data !== undefined) m.load(data);
    }
  }

  /**
   * Ids of the objects that exist and are not archived: what a test expects to be gone after a
   * destroy. The core families' nouns (agents, environments, sessions) are always listed; another
   * module's only when some of its objects are live, so `{ agents: [], environments: [], sessions: [] }`
   * means nothing is.
   */
  live(): LiveIds {
    const listed = this.modules.flatMap((m) => Object.entries(m.live()).filter(([, ids]) => m.core === true || ids.length > 0));
    // The core modules list their nouns always: agents, environments and sessions are there.
    return Object.fromEntries(listed) as LiveIds;
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
        const requestId = newId("req");
        res.writeHead(500, { "content-type": "application/json", "request-id": requestId }).end(JSON.stringify(errorBody(emulatorBug(e), requestId)));
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
    const { body, form, refusal: unparsed } = await parseBody(bytes, req.headers["content-type"] ?? "");
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
    const sendError = (e: HttpError) => sendRaw(e.status, JSON.stringify(errorBody(e, requestId)), e.headers);

    const now = performance.now();
    const refusal = this.limiter?.decide(now);
    if (this.limiter) this.onRateDecision?.(refusal === undefined, now);
    if (refusal !== undefined) {
      sendError(new HttpError(429, "rate_limit_error", `rate limit exceeded: at most ${String(this.options.rateLimit)} requests per second`, refusal.headers));
      return;
    }

    const fault = this.faults.take(method, path);
    if (fault?.kind === "drop") {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === "status") {
      sendError(faultError(fault));
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
      requireBeta(req.headers["anthropic-beta"], matched.betas);
      if (unparsed !== undefined) throw invalid(unparsed);
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
      sendRaw(200, JSON.stringify(result));
    } catch (e) {
      sendError(e instanceof HttpError ? e : emulatorBug(e));
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
}

/** A request body: JSON (`{}` when empty), or a multipart form (then `{}` beside it); when it does not parse, why. */
async function parseBody(bytes: Buffer, contentType: string): Promise<{ body: unknown; form?: FormData; refusal?: string }> {
  if (/^multipart\/form-data/i.test(contentType)) {
    try {
      return { body: {}, form: await new Response(bytes, { headers: { "content-type": contentType } }).formData() };
    } catch {
      return { body: undefined, refusal: "multipart body could not be parsed" };
    }
  }
  try {
    const raw = bytes.toString("utf8");
    return { body: raw === "" ? {} : JSON.parse(raw) };
  } catch {
    return { body: undefined, refusal: "request body is not valid JSON" };
  }
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return new Emulator(options).start();
}
