import { request as httpRequest } from 'node:http';

/** A request as it goes on the wire: any `Host`, and a request target in any form. */
export interface RawRequest {
  /** Where to connect: an `http:` URL's origin, e.g. `http://127.0.0.1:3000`. */
  server: string;
  /** The request target as sent: a path, or an absolute-form URL such as `https://evil.example/auth`. */
  target: string;
  /** The headers as sent, `Host` included (`fetch` would replace it). */
  headers: Record<string, string>;
}

/**
 * Sends a `GET` with `node:http` exactly as given (what `fetch` cannot: another
 * `Host`, an absolute-form target) and answers with a web `Response`.
 */
export function sendRawGet({ server, target, headers }: RawRequest): Promise<Response> {
  const { hostname, port } = new URL(server);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { host: hostname, port, method: 'GET', path: target, headers, agent: false },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', reject);
        incoming.on('end', () => {
          const answer = new Headers();
          for (const [name, value] of Object.entries(incoming.headers)) {
            for (const one of Array.isArray(value) ? value : [value]) {
              if (one !== undefined) answer.append(name, one);
            }
          }
          const status = incoming.statusCode ?? 500;
          const empty = status === 204 || status === 304;
          resolve(new Response(empty ? null : Buffer.concat(chunks), { status, headers: answer }));
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end();
  });
}
