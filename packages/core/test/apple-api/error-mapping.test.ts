// How Apple's answers, timeouts and unreadable bodies become typed errors.
import { serveHandlers } from '@apple-music-auth/sandbox';
import { delay, HttpResponse, http } from 'msw';
import { Agent, errors } from 'undici';
import { describe, expect, it } from 'vitest';
import { AppleMusicAPIError } from '../../src/errors.js';
import { musicUserToken, storefrontOK, useAppleAPI } from '../support/apple-api.js';
import { storefrontResponse } from '../support/apple-responses.js';

const api = useAppleAPI();
const { client, answerInTurn, rejection } = api;

describe('mapping answers and timeouts to errors', () => {
  it('fails with ERR_TIMEOUT when Apple hangs past timeoutMs', async () => {
    const calls = answerInTurn('/v1/me/storefront', [
      async () => {
        await delay('infinite');
        return storefrontOK();
      },
    ]);
    const error = await rejection(client({ timeoutMs: 300 }).verifyMusicUserToken(musicUserToken));
    expect(error.code).toBe('ERR_TIMEOUT');
    expect(error.status).toBe(504);
    expect(error.message).toMatch(/did not answer within 300 ms/);
    expect(calls.count).toBe(1);
  });

  it('maps a connect timeout of the dispatcher to ERR_TIMEOUT', async () => {
    const dispatcher = new Agent({
      connect: (_options, callback) => callback(new errors.ConnectTimeoutError(), null),
    });
    try {
      const error = await rejection(client({ dispatcher }).verifyMusicUserToken(musicUserToken));
      expect(error.code).toBe('ERR_TIMEOUT');
      expect(error.message).toMatch(/could not be connected to within 5000 ms.*connectTimeoutMs/);
    } finally {
      await dispatcher.close();
    }
  });

  it('refuses a body that is not JSON', async () => {
    answerInTurn('/v1/me/storefront', [
      () => new HttpResponse('<html>proxy login</html>', { status: 200 }),
    ]);
    const error = await rejection(client().verifyMusicUserToken(musicUserToken));
    expect(error.code).toBe('ERR_UPSTREAM');
    expect(error.message).toMatch(/not JSON/);
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it('explains 40015: no active subscription', async () => {
    answerInTurn('/v1/me/library/songs', [
      () =>
        HttpResponse.json(
          {
            errors: [
              {
                id: 'X',
                title: 'Forbidden',
                detail: 'Subscription required',
                status: '400',
                code: '40015',
              },
            ],
          },
          { status: 400 },
        ),
    ]);
    const error = await rejection(client().fetch('/v1/me/library/songs', { musicUserToken }));
    expect(error).toBeInstanceOf(AppleMusicAPIError);
    expect(error.code).toBe('ERR_UPSTREAM');
    expect((error as AppleMusicAPIError).appleErrorCode).toBe('40015');
    expect((error as AppleMusicAPIError).upstreamStatus).toBe(400);
    expect(error.message).toMatch(/no active Apple Music subscription/);
  });

  it("quotes Apple's error code and title for other 4xx answers", async () => {
    answerInTurn('/v1/catalog/us/songs/0', [
      () =>
        HttpResponse.json(
          { errors: [{ code: '40400', title: 'Resource\nNot Found', detail: 'x' }] },
          { status: 404 },
        ),
    ]);
    const error = await rejection(client().fetch('/v1/catalog/us/songs/0'));
    expect(error.code).toBe('ERR_UPSTREAM');
    expect(error.message).toMatch(/answered 404 .*\(Apple: 40400 Resource Not Found\)/);
    expect(error.message).toMatch(/Apple Music API reference/);
  });

  it('reuses one connection, also after error answers whose bodies had to be read', async () => {
    const fresh = await serveHandlers([
      http.get('/v1/me/storefront', () => HttpResponse.json(storefrontResponse)),
      http.get('/v1/a', () => new HttpResponse('x'.repeat(100_000), { status: 401 })),
      http.get('/v1/b', () => HttpResponse.json({ errors: [{ code: '1' }] }, { status: 500 })),
      http.get('/v1/c', () => new HttpResponse('no', { status: 403 })),
      http.get('/v1/d', () => HttpResponse.json({ errors: [{ code: '40015' }] }, { status: 400 })),
    ]);
    // undici hands a keep-alive socket back to the pool one event-loop turn
    // after a response ends (so a server that closes despite keep-alive is
    // noticed); calls made in the very same turn would open a second socket.
    // A body left unread would keep its socket busy, whatever the wait.
    const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
    try {
      const reused = client({ apiURL: fresh.url });
      await reused.verifyMusicUserToken(musicUserToken);
      for (const path of ['/v1/a', '/v1/b', '/v1/c', '/v1/d']) {
        await nextTurn();
        await rejection(reused.fetch(path, { musicUserToken }));
      }
      await nextTurn();
      await reused.verifyMusicUserToken(musicUserToken);
      expect(fresh.requests).toBe(6);
      expect(fresh.connections).toBe(1);
    } finally {
      await fresh.close();
    }
  });
});
