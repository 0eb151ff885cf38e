// The fetch transport on its own: what Workers, Bun and Deno send with, and
// how it reads answers and failures. The client's behaviour over it (timeouts,
// retries, error mapping) is the `core (fetch)` project's run of apple-*.test.ts.
import { type ServedHandlers, serveHandlers } from '@apple-music-auth/sandbox';
import { HttpResponse, http } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFetchTransport } from '../../src/apple-api/fetch-transport.js';
import type { TransportRequest } from '../../src/apple-api/transport.js';
import { AppleMusicAuthError } from '../../src/errors.js';

let served: ServedHandlers;
beforeAll(async () => {
  served = await serveHandlers([
    http.post('/v1/echo', async ({ request }) =>
      HttpResponse.json(
        { body: await request.text(), token: request.headers.get('music-user-token') },
        { status: 201 },
      ),
    ),
    http.get(
      '/v1/busy',
      () => new HttpResponse('{}', { status: 429, headers: { 'Retry-After': '7' } }),
    ),
    http.get(
      '/v1/moved',
      () => new HttpResponse(null, { status: 302, headers: { location: '/v1/elsewhere' } }),
    ),
    http.get('/v1/elsewhere', () => HttpResponse.json({ followed: true })),
    http.get('/v1/reset', () => HttpResponse.error()),
  ]);
});
afterAll(() => served.close());

function request(path: string, extra: Partial<TransportRequest> = {}): TransportRequest {
  return {
    origin: served.url,
    path,
    method: 'GET',
    headers: {},
    body: undefined,
    signal: new AbortController().signal,
    ...extra,
  };
}

describe('createFetchTransport', () => {
  it('sends method, headers and body, and reads status and body', async () => {
    const answer = await createFetchTransport().send(
      request('/v1/echo', {
        method: 'POST',
        headers: { 'music-user-token': 'mut' },
        body: '{"a":1}',
      }),
    );
    expect(answer.status).toBe(201);
    expect(JSON.parse(answer.text)).toEqual({ body: '{"a":1}', token: 'mut' });
  });

  it('hands over Retry-After', async () => {
    const answer = await createFetchTransport().send(request('/v1/busy'));
    expect(answer).toMatchObject({ status: 429, retryAfter: '7' });
  });

  it('does not follow a redirect away from the API', async () => {
    const answer = await createFetchTransport().send(request('/v1/moved'));
    expect(answer.status).toBe(302);
  });

  it('unwraps "fetch failed" to the reset that caused it', async () => {
    const transport = createFetchTransport();
    const error = await transport.send(request('/v1/reset')).catch((caught: unknown) => caught);
    expect(error).not.toBeInstanceOf(TypeError);
    expect(transport.failureKind(error)).toBe('reset');
  });

  it('reads a refused connection as unreachable, naming it', async () => {
    const closed = await serveHandlers([]);
    await closed.close();
    const transport = createFetchTransport();
    const error = await transport
      .send(request('/v1/x', { origin: closed.url }))
      .catch((caught: unknown) => caught);
    expect(String(error)).toMatch(/ECONNREFUSED/);
    expect(transport.failureKind(error)).toBe('unreachable');
  });

  it("reads workerd's, Bun's and Deno's wording of a dropped connection as a reset", () => {
    const transport = createFetchTransport();
    for (const message of [
      'Network connection lost.',
      'The socket connection was closed unexpectedly.',
      'error sending request: connection closed before message completed',
    ]) {
      expect(transport.failureKind(new TypeError(message))).toBe('reset');
    }
    expect(transport.failureKind(new TypeError('Invalid URL'))).toBe('unreachable');
  });

  it('refuses to send once closed, as a usage mistake', async () => {
    const transport = createFetchTransport();
    await transport.close();
    await transport.close();
    const error = await transport.send(request('/v1/busy')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppleMusicAuthError);
    expect((error as AppleMusicAuthError).message).toMatch(/was closed/);
  });
});
