// The client as a whole: verifyMusicUserToken, the client's options and close().
import { HttpResponse, http } from 'msw';
import { Agent, buildConnector } from 'undici';
import { describe, expect, it } from 'vitest';
import {
  type AppleMusicClientOptions,
  createAppleMusicClient,
  verifyMusicUserToken,
} from '../../src/apple-api/client.js';
import { TokenError } from '../../src/errors.js';
import { developerToken, musicUserToken, useAppleAPI } from '../support/apple-api.js';
import { expectedStorefront, storefrontResponse } from '../support/apple-responses.js';

const api = useAppleAPI();
const { client, answerInTurn, rejection } = api;

describe('verifyMusicUserToken (client)', () => {
  it('maps the storefront and sends both tokens in headers only', async () => {
    const seen: Request[] = [];
    api.served.use(
      http.get('/v1/me/storefront', ({ request }) => {
        seen.push(request);
        return HttpResponse.json(storefrontResponse);
      }),
    );
    await expect(client().verifyMusicUserToken(musicUserToken)).resolves.toEqual(
      expectedStorefront,
    );
    expect(seen).toHaveLength(1);
    const [request] = seen as [Request];
    expect(request.method).toBe('GET');
    expect(request.headers.get('authorization')).toBe(`Bearer ${developerToken}`);
    expect(request.headers.get('music-user-token')).toBe(musicUserToken);
    expect(request.headers.get('accept')).toBe('application/json');
    expect(new URL(request.url).pathname).toBe('/v1/me/storefront');
    expect(request.url).not.toContain(developerToken);
    expect(request.url).not.toContain(encodeURIComponent(musicUserToken));
    expect(new URL(request.url).search).toBe('');
  });

  it('maps 401 to ERR_DEVELOPER_TOKEN_REJECTED', async () => {
    const calls = answerInTurn('/v1/me/storefront', [
      () => HttpResponse.json({ errors: [{ status: '401' }] }, { status: 401 }),
    ]);
    const error = await rejection(client().verifyMusicUserToken(musicUserToken));
    expect(error).toBeInstanceOf(TokenError);
    expect(error.code).toBe('ERR_DEVELOPER_TOKEN_REJECTED');
    expect(error.status).toBe(502);
    expect(error.message).toMatch(/teamId, keyId, the private key.*origin claim/);
    expect(calls.count).toBe(1);
  });

  it('maps 403 to ERR_USER_TOKEN_REJECTED: sign in again', async () => {
    answerInTurn('/v1/me/storefront', [() => new HttpResponse('Forbidden', { status: 403 })]);
    const error = await rejection(client().verifyMusicUserToken(musicUserToken));
    expect(error).toBeInstanceOf(TokenError);
    expect(error.code).toBe('ERR_USER_TOKEN_REJECTED');
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/sign in .*again/);
    expect(error.message).toMatch(/not a stable user id/);
  });

  it("passes on the API's own reason: the sandbox's reason header on a 401, the detail of a 403", async () => {
    const reason = 'the developer token header kid does not match the key ID SANDBOXKEY';
    answerInTurn('/v1/me/storefront', [
      () =>
        new HttpResponse(null, {
          status: 401,
          headers: { 'x-apple-music-sandbox-reason': `${reason}\t` },
        }),
      () =>
        HttpResponse.json(
          { errors: [{ status: '403', code: '40300', title: 'Forbidden', detail: 'revoked' }] },
          { status: 403 },
        ),
    ]);
    const developer = await rejection(client().verifyMusicUserToken(musicUserToken));
    expect(developer).toMatchObject({
      code: 'ERR_DEVELOPER_TOKEN_REJECTED',
      upstreamReason: reason,
    });
    expect(developer.message).toContain(`(401 on GET /v1/me/storefront; the API said: ${reason}):`);
    const user = await rejection(client().verifyMusicUserToken(musicUserToken));
    expect(user).toMatchObject({ code: 'ERR_USER_TOKEN_REJECTED', upstreamReason: 'revoked' });
    expect(user.message).toContain('(403 on GET /v1/me/storefront; the API said: revoked):');
  });

  it('blames the developer token for a 403 on a call without a user token', async () => {
    answerInTurn('/v1/catalog/us/songs/1', [() => new HttpResponse(null, { status: 403 })]);
    const error = await rejection(client().fetch('/v1/catalog/us/songs/1'));
    expect(error.code).toBe('ERR_DEVELOPER_TOKEN_REJECTED');
  });

  it('refuses a storefront answer without data[0] or attributes', async () => {
    answerInTurn('/v1/me/storefront', [
      () => HttpResponse.json({ data: [] }),
      () => HttpResponse.json({ data: [{ id: 'us' }] }),
    ]);
    for (let i = 0; i < 2; i += 1) {
      const error = await rejection(client().verifyMusicUserToken(musicUserToken));
      expect(error.code).toBe('ERR_UPSTREAM');
      expect(error.message).toMatch(/without a storefront/);
    }
  });

  it('refuses an empty Music User Token before any request', async () => {
    const before = api.served.requests;
    const error = await rejection(client().verifyMusicUserToken(''));
    expect(error.code).toBe('ERR_INVALID_OPTIONS');
    expect(error.message).toMatch(/musicUserToken/);
    expect(api.served.requests).toBe(before);
  });
});

describe('client options', () => {
  const getDeveloperToken = async () => developerToken;
  it.each([
    [undefined, 'options'],
    [{}, 'getDeveloperToken'],
    [{ getDeveloperToken: 'token' }, 'getDeveloperToken'],
    [{ getDeveloperToken, apiURL: 'ftp://api.example' }, 'apiURL'],
    [{ getDeveloperToken, apiURL: 'not a url' }, 'apiURL'],
    [{ getDeveloperToken, apiURL: 'https://api.example/?x=1' }, 'apiURL'],
    [{ getDeveloperToken, apiURL: 'https://api.example/#x' }, 'apiURL'],
    [{ getDeveloperToken, apiURL: 'https://user:pw@api.example' }, 'apiURL'],
    [{ getDeveloperToken, apiURL: 42 }, 'apiURL'],
    [{ getDeveloperToken, timeoutMs: 0 }, 'timeoutMs'],
    [{ getDeveloperToken, timeoutMs: Number.POSITIVE_INFINITY }, 'timeoutMs'],
    [{ getDeveloperToken, timeoutMs: '5000' }, 'timeoutMs'],
    [{ getDeveloperToken, connectTimeoutMs: -1 }, 'connectTimeoutMs'],
    [{ getDeveloperToken, maxRetries: 1.5 }, 'maxRetries'],
    [{ getDeveloperToken, maxRetries: 11 }, 'maxRetries'],
    [{ getDeveloperToken, maxRetryAfterMs: -1 }, 'maxRetryAfterMs'],
    [{ getDeveloperToken, maxRetryAfterMs: '1' }, 'maxRetryAfterMs'],
    [{ getDeveloperToken, sleep: 1 }, 'sleep'],
    [{ getDeveloperToken, dispatcher: {} }, 'dispatcher'],
    [{ getDeveloperToken, dispatcher: new Agent(), connectTimeoutMs: 100 }, 'connectTimeoutMs'],
  ])('refuses %j at creation, naming %s', (options, field) => {
    expect(() => createAppleMusicClient(options as unknown as AppleMusicClientOptions)).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_OPTIONS',
        message: expect.stringContaining(`\`${field}\``),
      }),
    );
  });

  it.each([
    ['http://api.example', 'http://api.example'],
    ['http://10.0.0.8:8787', 'http://10.0.0.8:8787'],
    ['http://localhost.example/v1', 'http://localhost.example'],
  ])(
    'refuses plain http to the non-loopback host of %s, where both tokens would go',
    async (apiURL, origin) => {
      expect(() => createAppleMusicClient({ getDeveloperToken, apiURL })).toThrow(
        expect.objectContaining({
          code: 'ERR_INVALID_OPTIONS',
          message: `Invalid option \`apiURL\`: must use https (http is allowed only for localhost and 127.0.0.1), got ${origin}.`,
        }),
      );
      await expect(
        verifyMusicUserToken({ developerToken, musicUserToken, apiURL }),
      ).rejects.toThrow(/Invalid option `apiURL`: must use https/);
    },
  );

  it.each([
    'https://api.example',
    'https://api.music.apple.com/',
    'http://127.0.0.1:8787',
    'http://localhost:8787/prefix',
    'http://[::1]:8787',
  ])('accepts %s as apiURL: https, or http on loopback (the sandbox)', async (apiURL) => {
    const client = createAppleMusicClient({ getDeveloperToken, apiURL });
    await client.close();
  });

  it('sends requests through the given dispatcher, and leaves it open on close()', async () => {
    const connector = buildConnector({});
    let connects = 0;
    const dispatcher = new Agent({
      connect: (options, callback) => {
        connects += 1;
        connector(options, callback);
      },
    });
    try {
      const own = client({ dispatcher });
      await expect(own.verifyMusicUserToken(musicUserToken)).resolves.toEqual(expectedStorefront);
      expect(connects).toBe(1);
      await own.close();
      const response = await dispatcher.request({
        origin: api.served.url,
        path: '/v1/me/storefront',
        method: 'GET',
      });
      await response.body.dump();
      expect(response.statusCode).toBe(200);
    } finally {
      await dispatcher.close();
    }
  });

  it('close() closes the owned agent, once', async () => {
    const own = client();
    await own.verifyMusicUserToken(musicUserToken);
    await own.close();
    await own.close();
    const error = await rejection(own.verifyMusicUserToken(musicUserToken));
    expect(error.code).toBe('ERR_INVALID_OPTIONS');
    expect(error.message).toMatch(/was closed/);
  });
});

describe('verifyMusicUserToken (standalone)', () => {
  it('checks a token with a short-lived client', async () => {
    const seen: string[] = [];
    api.served.use(
      http.get('/v1/me/storefront', ({ request }) => {
        seen.push(request.headers.get('authorization') ?? '');
        return HttpResponse.json(storefrontResponse);
      }),
    );
    await expect(
      verifyMusicUserToken({
        developerToken,
        musicUserToken,
        apiURL: api.served.url,
        timeoutMs: 2000,
      }),
    ).resolves.toEqual(expectedStorefront);
    expect(seen).toEqual([`Bearer ${developerToken}`]);
  });

  it('passes a dispatcher through and maps a rejection', async () => {
    const dispatcher = new Agent();
    answerInTurn('/v1/me/storefront', [() => new HttpResponse(null, { status: 403 })]);
    try {
      const error = await rejection(
        verifyMusicUserToken({
          developerToken,
          musicUserToken,
          apiURL: api.served.url,
          dispatcher,
        }),
      );
      expect(error.code).toBe('ERR_USER_TOKEN_REJECTED');
    } finally {
      await dispatcher.close();
    }
  });

  it('refuses bad options', async () => {
    await expect(
      verifyMusicUserToken(undefined as unknown as Parameters<typeof verifyMusicUserToken>[0]),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_OPTIONS' });
    await expect(
      verifyMusicUserToken({ developerToken: '', musicUserToken, apiURL: api.served.url }),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_OPTIONS', message: /`developerToken`/ });
  });
});
