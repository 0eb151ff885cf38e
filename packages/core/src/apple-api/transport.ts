/** One request to the Apple Music API, ready to go on the wire. */
export interface TransportRequest {
  /** The API's origin, e.g. `https://api.music.apple.com`. */
  origin: string;
  /** Path and query to request. */
  path: string;
  /** `GET`, `POST`, `PUT` or `DELETE`. */
  method: string;
  /** Both tokens included; never logged. */
  headers: Record<string, string>;
  /** A JSON text, or `undefined` for none. */
  body: string | undefined;
  /** Aborted when the attempt runs out of time or the caller cancels. */
  signal: AbortSignal;
}

/**
 * The header in which the sandbox (`@apple-music-auth/sandbox`) says why it
 * refused a developer token; Apple's 401 says nothing.
 */
export const SANDBOX_REASON_HEADER = 'x-apple-music-sandbox-reason';

/**
 * The most connections the client's own undici `Agent` keeps open to one
 * origin (Apple's API, or the sandbox): more calls at once wait in its queue
 * for a free connection instead of opening more, so a burst of logins cannot
 * open an unbounded number of sockets to Apple. A `dispatcher` passed in
 * keeps its own limits.
 */
export const APPLE_CONNECTIONS_PER_ORIGIN = 32;

/** The longest Apple answer a transport reads, in bytes: pages of the API are far smaller. */
export const MAX_APPLE_RESPONSE_BYTES = 4 * 1024 * 1024;

/** Thrown by a transport whose answer is over {@link MAX_APPLE_RESPONSE_BYTES}; the client maps it. */
export class ResponseTooLarge extends Error {
  constructor() {
    super(`Apple's answer is larger than ${MAX_APPLE_RESPONSE_BYTES} bytes.`);
    this.name = 'ResponseTooLarge';
  }
}

/**
 * Reads a body (a web `ReadableStream` or undici's stream) as UTF-8 text,
 * stopping past {@link MAX_APPLE_RESPONSE_BYTES}: `cancel` then drops the
 * rest and {@link ResponseTooLarge} is thrown.
 */
export async function readCappedText(
  body: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array> | null,
  cancel: () => unknown,
): Promise<string> {
  if (body === null) return '';
  const decoder = new TextDecoder();
  let size = 0;
  let text = '';
  const chunks: AsyncIterable<Uint8Array> =
    'getReader' in body ? readerChunks(body.getReader()) : body;
  for await (const chunk of chunks) {
    size += chunk.byteLength;
    if (size > MAX_APPLE_RESPONSE_BYTES) {
      await cancel();
      throw new ResponseTooLarge();
    }
    text += decoder.decode(chunk, { stream: true });
  }
  return text + decoder.decode();
}

async function* readerChunks(
  reader: ReadableStreamDefaultReader<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    yield value;
  }
}

/** Apple's answer to one request, its body read in full. */
export interface TransportAnswer {
  /** The HTTP status code. */
  status: number;
  /** The whole body as text. */
  text: string;
  /** The raw `Retry-After` header, if any. */
  retryAfter: string | string[] | undefined;
  /** The {@link SANDBOX_REASON_HEADER} header: why the sandbox refused a developer token. */
  sandboxReason: string | undefined;
}

/**
 * What a rejected {@link AppleTransport.send} means for the client: a
 * `timeout` of the request or its `connect` phase, a `closed` client, a
 * `reset` connection (worth retrying for idempotent methods), or another
 * `unreachable` failure.
 */
export type TransportFailureKind =
  | 'timeout'
  | 'connect-timeout'
  | 'closed'
  | 'reset'
  | 'unreachable';

/** The time limits a client's own transport is made with. */
export interface TransportTimeouts {
  /** Time limit of one attempt, in milliseconds. */
  timeoutMs: number;
  /** Time limit for opening a connection, where the transport can set one. */
  connectTimeoutMs: number;
}

/** How the Apple Music client sends requests: undici where it is available, `fetch` elsewhere. */
export interface AppleTransport {
  /** Sends one request and reads the whole body, so a keep-alive socket goes back to the pool. */
  send(request: TransportRequest): Promise<TransportAnswer>;
  /** Classifies an error that {@link AppleTransport.send} rejected with. */
  failureKind(error: unknown): TransportFailureKind;
  /** Releases what the transport owns (never a dispatcher passed in). Idempotent. */
  close(): Promise<void>;
}

const RESET_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

/**
 * Whether an error means the server dropped the connection: a Node.js or
 * undici reset code, undici's "other side closed", or the wording of
 * `fetch` in workerd ("Network connection lost"), Bun and Deno.
 */
export function isConnectionReset(error: unknown): boolean {
  const code = errorCode(error);
  if (code !== undefined && RESET_CODES.has(code)) return true;
  return (
    error instanceof Error &&
    /other side closed|network connection lost|connection (?:was )?closed/i.test(error.message)
  );
}

/** The `code` of a Node.js or undici error, when it has a string one. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}
