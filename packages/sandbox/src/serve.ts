import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getResponse, type RequestHandler } from 'msw';

/** Where and how to serve a list of msw request handlers. */
export interface ServeHandlersOptions {
  /** Port to listen on; `0` (the default) picks a free one. */
  port?: number;
  /** Address to listen on; loopback by default. */
  host?: string;
}

/** A running loopback HTTP server that answers with msw request handlers. */
export interface ServedHandlers {
  /** Base URL of the server, without a trailing slash, e.g. `http://127.0.0.1:53124`. */
  readonly url: string;
  /** TCP connections accepted so far (to assert keep-alive reuse). */
  readonly connections: number;
  /** Requests received so far. */
  readonly requests: number;
  /** Put handlers in front of the current ones (like msw's `server.use`). */
  use(...handlers: RequestHandler[]): void;
  /** Drop the handlers added with `use`. */
  resetHandlers(): void;
  /** Stop listening and drop every open connection, hung ones included. */
  close(): Promise<void>;
}

/**
 * Serves msw request handlers on a real loopback HTTP server.
 *
 * msw intercepts `fetch` in-process but cannot see requests made through the
 * `undici` package; serving the handlers on a port exercises a real client
 * end to end. A handler answering `HttpResponse.error()` resets the
 * connection; a request no handler matches gets a 404 that says so.
 */
export async function serveHandlers(
  handlers: readonly RequestHandler[],
  options: ServeHandlersOptions = {},
): Promise<ServedHandlers> {
  const initial = [...handlers];
  let current = [...initial];
  let connections = 0;
  let requests = 0;

  const server = createServer((req, res) => {
    requests += 1;
    answer(req, res, current, baseURL).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      }
      res.end(`sandbox handler failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  });
  server.on('connection', () => {
    connections += 1;
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const baseURL = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url: baseURL,
    get connections() {
      return connections;
    },
    get requests() {
      return requests;
    },
    use(...extra) {
      current = [...extra, ...current];
    },
    resetHandlers() {
      current = [...initial];
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

async function answer(
  req: IncomingMessage,
  res: ServerResponse,
  handlers: readonly RequestHandler[],
  baseURL: string,
): Promise<void> {
  const request = await toRequest(req, baseURL);
  const response = await getResponse([...handlers], request, { baseUrl: baseURL });
  if (!response) {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        errors: [{ status: '404', title: 'Not Found', detail: 'sandbox: no handler' }],
      }),
    );
    return;
  }
  if (response.type === 'error') {
    req.socket.destroy();
    return;
  }
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  res.writeHead(response.status, response.statusText, headers);
  if (response.body) {
    for await (const chunk of response.body) res.write(chunk);
  }
  res.end();
}

async function toRequest(req: IncomingMessage, baseURL: string): Promise<Request> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.set(name, value);
  }
  const method = req.method ?? 'GET';
  let body: Uint8Array<ArrayBuffer> | undefined;
  if (method !== 'GET' && method !== 'HEAD') {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    body = Uint8Array.from(Buffer.concat(chunks));
  }
  return new Request(new URL(req.url ?? '/', baseURL), { method, headers, body });
}
