// Requests to the emulator as a client would send them, and as no client should: `call` with
// fetch, `raw` with the bytes written to a socket as they are (a request line fetch would refuse
// to send, a broken chunked body, no Host), and the check every answer must pass: the API's error
// shape `{type: "error", error: {type, message}}` with a `request-id` header, never a 5xx.
import * as net from "node:net";

export const BETAS = [
  "managed-agents-2026-04-01",
  "skills-2025-10-02",
  "files-api-2025-04-14",
  "agent-memory-2026-07-22",
  "dreaming-2026-04-21",
  "mcp-tunnels-2026-06-22",
].join(",");
export const HEADERS = { "x-api-key": "sk-fuzz", "anthropic-beta": BETAS };

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One request with fetch; an event stream is cut after its headers. */
export async function call(base: string, method: string, path: string, init: { body?: string | FormData; contentType?: string } = {}): Promise<Answer> {
  const abort = new AbortController();
  const headers: Record<string, string> = { ...HEADERS };
  if (init.contentType !== undefined) headers["content-type"] = init.contentType;
  const res = await fetch(`${base}${path}`, { method, headers, signal: abort.signal, ...(init.body !== undefined ? { body: init.body } : {}) });
  const answerHeaders = Object.fromEntries(res.headers);
  if ((answerHeaders["content-type"] ?? "").startsWith("text/event-stream")) {
    abort.abort();
    return { status: res.status, headers: answerHeaders, body: "" };
  }
  return { status: res.status, headers: answerHeaders, body: await res.text() };
}

/** A chunked body decoded, or undefined while its last chunk has not arrived. */
function dechunked(body: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = body.indexOf("\r\n", at);
    if (eol < 0) return undefined;
    const size = parseInt(body.subarray(at, eol).toString("latin1"), 16);
    if (Number.isNaN(size)) return body;
    if (size === 0) return Buffer.concat(parts);
    if (body.length < eol + 2 + size + 2) return undefined;
    parts.push(body.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}

/** Writes `request` to a new connection and reads one answer (whole: by its length, its last chunk, or the connection's end). */
export function raw(base: string, request: string | Buffer, timeoutMs = 10_000): Promise<Answer> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    let data = Buffer.alloc(0);
    let done = false;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms; got: ${data.toString("latin1").slice(0, 200)}`));
    }, timeoutMs);
    /** The answer, once it is complete (`ended`: the connection closed, so whatever came is all). */
    const parse = (ended: boolean): Answer | undefined => {
      let end = data.indexOf("\r\n\r\n");
      // An interim answer (100 Continue) comes before the answer.
      while (end >= 0 && / 1\d\d /.test(data.subarray(0, data.indexOf("\r\n")).toString("latin1"))) {
        data = data.subarray(end + 4);
        end = data.indexOf("\r\n\r\n");
      }
      if (end < 0) return undefined;
      const [statusLine, ...lines] = data.subarray(0, end).toString("latin1").split("\r\n");
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]));
      const rest = data.subarray(end + 4);
      let body: Buffer | undefined;
      if (headers["transfer-encoding"] === "chunked") body = dechunked(rest);
      else if (headers["content-length"] !== undefined) body = rest.length >= Number(headers["content-length"]) ? rest.subarray(0, Number(headers["content-length"])) : undefined;
      else body = ended ? rest : undefined;
      return body === undefined ? undefined : { status: Number(statusLine!.split(" ")[1]), headers, body: body.toString("utf8") };
    };
    const finish = (ended: boolean) => {
      if (done) return;
      const answer = parse(ended);
      if (answer === undefined && !ended) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      if (answer) resolve(answer);
      else reject(new Error(`no complete answer: ${JSON.stringify(data.toString("latin1").slice(0, 200))}`));
    };
    socket.on("data", (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      finish(false);
    });
    socket.on("end", () => finish(true));
    socket.on("error", () => finish(true));
    socket.write(request);
  });
}

/** What every answer of the emulator must be, whatever was asked (the answer to a HEAD has no body, by HTTP's rules). */
export function problemOf(answer: Answer, head = false): string | undefined {
  if (answer.status >= 500) return `HTTP ${answer.status}: ${answer.body.slice(0, 300)}`;
  if (!/^req_/.test(answer.headers["request-id"] ?? "")) return `HTTP ${answer.status} without a request-id header`;
  if (answer.status < 400 || head) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(answer.body);
  } catch {
    return `HTTP ${answer.status} with a body that is not JSON: ${JSON.stringify(answer.body.slice(0, 200))}`;
  }
  const b = body as { type?: unknown; error?: { type?: unknown; message?: unknown } };
  if (b.type !== "error" || typeof b.error?.type !== "string" || typeof b.error.message !== "string") {
    return `HTTP ${answer.status} with a body not in the API's error shape: ${answer.body.slice(0, 200)}`;
  }
  return undefined;
}
