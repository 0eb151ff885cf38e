// A path callbackURL answers the app's listed origins only: whatever a
// request names (Host, an absolute-form target), nothing is signed for
// another origin.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KoaTestApp, startKoaTestApp } from './support/koa-test-app.js';
import { useSandbox } from './support/sandbox-fixture.js';

const { options } = useSandbox();
const TOKEN_PATH = '/auth/apple-music/developer-token';

/** Sends `request` as raw bytes over loopback and returns the status and body of the answer. */
async function rawRequest(
  origin: string,
  request: string,
): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(origin);
  const socket = connect(Number(port), hostname);
  // The server closes the connection after its answer (`Connection: close`).
  socket.write(request);
  let text = '';
  for await (const chunk of socket) text += String(chunk);
  const [head = '', body = ''] = text.split('\r\n\r\n');
  return { status: Number(head.split(' ')[1]), body };
}

describe('Koa with a path callbackURL and appOrigins', () => {
  let app: KoaTestApp;
  beforeAll(async () => {
    app = await startKoaTestApp({
      koa: 'koa3',
      mount: 'middleware',
      auth: (origin) => ({
        ...options(origin),
        callbackURL: '/auth/apple-music/callback',
        appOrigins: [origin],
      }),
    });
  });
  afterAll(() => app.close());

  it('takes the origin from Host, not from an absolute-form target over a raw socket', async () => {
    const host = new URL(app.origin).host;
    const answer = await rawRequest(
      app.origin,
      `GET https://evil.example${TOKEN_PATH} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
    );
    expect(answer.status).toBe(200);
    const { developerToken } = JSON.parse(answer.body) as { developerToken: string };
    const [, payload = ''] = developerToken.split('.');
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString()).origin).toEqual([app.origin]);
  });

  it('signs nothing for Host: evil.example, whatever the target says', async () => {
    for (const target of [TOKEN_PATH, `https://evil.example${TOKEN_PATH}`, '/auth/apple-music']) {
      const answer = await rawRequest(
        app.origin,
        `GET ${target} HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n`,
      );
      expect(answer.status).toBe(400);
      expect(answer.body).toContain('ERR_ORIGIN_NOT_ALLOWED');
      expect(answer.body).not.toMatch(/eyJ[\w-]+\.eyJ/);
    }
  });
});
