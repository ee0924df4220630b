// Requests that Node's HTTP parser refuses before any handler sees them (a method it does not
// know, a request line or headers over its 16 KB limit, a broken chunked body, a body with both
// Content-Length and Transfer-Encoding, bytes that are no HTTP at all) and CONNECT, which Node
// hands to a listener of its own: without these listeners the client gets an empty 400 or 431, or
// a closed connection. They get the API's error body (`{type: "error", error: {type, message}}`)
// with a `request-id` header, and the connection is closed, as Node would close it.
import type * as http from "node:http";
import type { Duplex } from "node:stream";
import { errorBody, HttpError } from "./http";

const REASONS: Record<number, string> = { 400: "Bad Request", 408: "Request Timeout", 431: "Request Header Fields Too Large" };

/** A whole HTTP/1.1 answer with the API's error body, written straight to a socket. */
function rawErrorResponse(status: number, type: string, message: string, requestId: string): string {
  const body = JSON.stringify(errorBody(new HttpError(status, type, message), requestId));
  return [
    `HTTP/1.1 ${status} ${REASONS[status] ?? "Error"}`,
    "content-type: application/json",
    `request-id: ${requestId}`,
    `content-length: ${Buffer.byteLength(body)}`,
    "connection: close",
    "",
    body,
  ].join("\r\n");
}

function refusal(error: NodeJS.ErrnoException): { status: number; type: string; message: string } {
  switch (error.code) {
    case "HPE_HEADER_OVERFLOW":
      return { status: 431, type: "invalid_request_error", message: "the request line and headers are larger than 16 KB" };
    case "HPE_INVALID_METHOD":
      return { status: 400, type: "invalid_request_error", message: "the request's method is not one this API serves" };
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return { status: 408, type: "timeout_error", message: "the request was not received in time" };
    default:
      return { status: 400, type: "invalid_request_error", message: `malformed HTTP request (${error.code ?? "parse error"})` };
  }
}

/** Answers what the parser refuses, and CONNECT, in the API's shape. */
export function answerClientErrors(server: http.Server, requestId: () => string): void {
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => {
    // As Node's own handler: nothing to answer on a reset or closed connection, or once an answer has begun.
    const answering = (socket as Duplex & { _httpMessage?: http.ServerResponse })._httpMessage;
    if (error.code === "ECONNRESET" || !socket.writable || answering?.headersSent) {
      socket.destroy();
      return;
    }
    const { status, type, message } = refusal(error);
    socket.end(rawErrorResponse(status, type, message, requestId()));
  });
  server.on("connect", (_req: http.IncomingMessage, socket: Duplex) => {
    socket.on("error", () => socket.destroy());
    socket.end(rawErrorResponse(400, "invalid_request_error", "CONNECT is not supported: this is the Managed Agents API, not a proxy", requestId()));
  });
}
