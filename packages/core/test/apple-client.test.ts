import { type ServedHandlers, serveHandlers } from '@apple-music-auth/sandbox';
import { delay, HttpResponse, http } from 'msw';
import { Agent, buildConnector, errors } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type AppleMusicClient,
  type AppleMusicClientOptions,
  createAppleMusicClient,
  verifyMusicUserToken,
} from '../src/apple-client.js';
import { AppleMusicAPIError, type AppleMusicAuthError, TokenError } from '../src/errors.js';
import { expectedStorefront, storefrontResponse } from './support/apple-responses.js';
import { rejectionOf } from './support/errors.js';

const developerToken = `dev.${crypto.randomUUID()}`;
const musicUserToken = `mut+${crypto.randomUUID()}/=`;

let served: ServedHandlers;
const clients: AppleMusicClient[] = [];

beforeAll(async () => {
  served = await serveHandlers([
    http.get('/v1/me/storefront', () => HttpResponse.json(storefrontResponse)),
  ]);
});

afterEach(async () => {
  served.resetHandlers();
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

afterAll(async () => {
  await served.close();
});

function client(options: Partial<AppleMusicClientOptions> = {}): AppleMusicClient {
  const created = createAppleMusicClient({
    apiURL: served.url,
    getDeveloperToken: async () => developerToken,
    ...options,
  });
  clients.push(created);
  return created;
}

/** Counts the requests that reach `path` and answers them with `answers` in turn (the last one repeats). */
function answerInTurn(
  path: string,
  answers: ReadonlyArray<() => Response | Promise<Response>>,
  method: 'get' | 'post' = 'get',
): { readonly count: number } {
  const counter = { count: 0 };
  served.use(
    http[method](path, () => {
      counter.count += 1;
      const answer = answers[Math.min(counter.count, answers.length) - 1];
      if (!answer) throw new Error('no answer');
      return answer();
    }),
  );
  return counter;
}

/** The call's AppleMusicAuthError, checked to leak neither token into its message. */
async function rejection(promise: Promise<unknown>): Promise<AppleMusicAuthError> {
  const error = await rejectionOf(promise);
  expect(error.message).not.toContain(developerToken);
  expect(error.message).not.toContain(musicUserToken);
  return error;
}

const storefrontOK = () => HttpResponse.json(storefrontResponse);

describe('verifyMusicUserToken (client)', () => {
  it('maps the storefront and sends both tokens in headers only', async () => {
    const seen: Request[] = [];
    served.use(
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
    const before = served.requests;
    const error = await rejection(client().verifyMusicUserToken(''));
    expect(error.code).toBe('ERR_INVALID_OPTIONS');
    expect(error.message).toMatch(/musicUserToken/);
    expect(served.requests).toBe(before);
  });
});

describe('retries', () => {
  it('honours Retry-After on 429, then succeeds (2 attempts)', async () => {
    const waits: number[] = [];
    const calls = answerInTurn('/v1/me/storefront', [
      () => new HttpResponse(null, { status: 429, headers: { 'Retry-After': '1' } }),
      storefrontOK,
    ]);
    const sleep = async (ms: number) => {
      waits.push(ms);
    };
    await expect(client({ sleep }).verifyMusicUserToken(musicUserToken)).resolves.toEqual(
      expectedStorefront,
    );
    expect(calls.count).toBe(2);
    expect(waits).toEqual([1000]);
  });

  it('really waits a Retry-After of 0 and retries', async () => {
    const calls = answerInTurn('/v1/me/storefront', [
      () => new HttpResponse(null, { status: 429, headers: { 'Retry-After': '0' } }),
      storefrontOK,
    ]);
    await expect(client().verifyMusicUserToken(musicUserToken)).resolves.toEqual(
      expectedStorefront,
    );
    expect(calls.count).toBe(2);
  });

  it('gives up on a lasting 429 after exactly 3 attempts with ERR_RATE_LIMITED', async () => {
    const calls = answerInTurn('/v1/me/storefront', [
      () => new HttpResponse('slow down', { status: 429, headers: { 'Retry-After': '0' } }),
    ]);
    const error = await rejection(client().verifyMusicUserToken(musicUserToken));
    expect(error).toBeInstanceOf(AppleMusicAPIError);
    expect(error.code).toBe('ERR_RATE_LIMITED');
    expect(error.status).toBe(503);
    expect((error as AppleMusicAPIError).upstreamStatus).toBe(429);
    expect((error as AppleMusicAPIError).retryAfterSeconds).toBe(0);
    expect(error.message).toMatch(/3 attempts/);
    expect(calls.count).toBe(3);
  });

  it('gives up at once, without sleeping, when Retry-After exceeds the cap', async () => {
    const waits: number[] = [];
    const calls = answerInTurn('/v1/me/storefront', [
      () => new HttpResponse(null, { status: 429, headers: { 'Retry-After': '3600' } }),
    ]);
    const sleep = async (ms: number) => {
      waits.push(ms);
    };
    const error = await rejection(client({ sleep }).verifyMusicUserToken(musicUserToken));
    expect(error.code).toBe('ERR_RATE_LIMITED');
    expect((error as AppleMusicAPIError).retryAfterSeconds).toBe(3600);
    expect(error.message).toMatch(/retry after 3600 s/);
    expect(calls.count).toBe(1);
    expect(waits).toEqual([]);
  });

  it('retries 429 for a POST too, and returns undefined for an empty answer', async () => {
    const bodies: unknown[] = [];
    const types: (string | null)[] = [];
    let count = 0;
    served.use(
      http.post('/v1/me/library', async ({ request }) => {
        count += 1;
        bodies.push(await request.json());
        types.push(request.headers.get('content-type'));
        return count === 1
          ? new HttpResponse(null, { status: 429, headers: { 'Retry-After': '0' } })
          : new HttpResponse(null, { status: 202 });
      }),
    );
    const result = await client().fetch('/v1/me/library', {
      method: 'POST',
      musicUserToken,
      query: { ids: ['1', '2'] },
      body: { data: [{ id: '1', type: 'songs' }] },
    });
    expect(result).toBeUndefined();
    expect(count).toBe(2);
    expect(bodies).toEqual([
      { data: [{ id: '1', type: 'songs' }] },
      { data: [{ id: '1', type: 'songs' }] },
    ]);
    expect(types).toEqual(['application/json', 'application/json']);
  });

  it('does not retry a 500 (1 attempt, ERR_UPSTREAM)', async () => {
    const calls = answerInTurn('/v1/me/storefront', [
      () => HttpResponse.json({ errors: [{ code: '50001', title: 'Boom' }] }, { status: 500 }),
    ]);
    const error = await rejection(client().verifyMusicUserToken(musicUserToken));
    expect(error.code).toBe('ERR_UPSTREAM');
    expect(error.status).toBe(502);
    expect((error as AppleMusicAPIError).upstreamStatus).toBe(500);
    expect(error.message).toMatch(/answered 500.*50001 Boom/);
    expect(calls.count).toBe(1);
  });

  it('retries a 503 with a real backoff, then succeeds (2 attempts)', async () => {
    const calls = answerInTurn('/v1/me/storefront', [
      () => new HttpResponse('unavailable', { status: 503 }),
      storefrontOK,
    ]);
    await expect(client().verifyMusicUserToken(musicUserToken)).resolves.toEqual(
      expectedStorefront,
    );
    expect(calls.count).toBe(2);
  });

  it('backs off exponentially with jitter when Apple gives no Retry-After', async () => {
    const waits: number[] = [];
    const calls = answerInTurn('/v1/me/storefront', [
      () => new HttpResponse(null, { status: 502 }),
    ]);
    const sleep = async (ms: number) => {
      waits.push(ms);
    };
    const error = await rejection(client({ sleep }).verifyMusicUserToken(musicUserToken));
    expect(error.code).toBe('ERR_UPSTREAM');
    expect(error.message).toMatch(/answered 502.*3 attempts.*try again later/);
    expect(calls.count).toBe(3);
    expect(waits).toHaveLength(2);
    const [first, second] = waits as [number, number];
    expect(first).toBeGreaterThanOrEqual(100);
    expect(first).toBeLessThanOrEqual(200);
    expect(second).toBeGreaterThanOrEqual(200);
    expect(second).toBeLessThanOrEqual(400);
  });

  it('does not retry a 503 for a POST', async () => {
    const calls = answerInTurn(
      '/v1/me/library',
      [() => new HttpResponse(null, { status: 503 })],
      'post',
    );
    const error = await rejection(
      client().fetch('/v1/me/library', { method: 'POST', musicUserToken, body: {} }),
    );
    expect(error.code).toBe('ERR_UPSTREAM');
    expect(calls.count).toBe(1);
  });

  it('honours maxRetries', async () => {
    const calls = answerInTurn('/v1/me/storefront', [
      () => new HttpResponse(null, { status: 504 }),
    ]);
    const error = await rejection(client({ maxRetries: 0 }).verifyMusicUserToken(musicUserToken));
    expect(error.message).toMatch(/after 1 attempt\b/);
    expect(calls.count).toBe(1);
  });

  it('retries a reset connection, then gives up after 3 attempts with the cause', async () => {
    const calls = answerInTurn('/v1/me/storefront', [() => HttpResponse.error()]);
    const error = await rejection(client().verifyMusicUserToken(musicUserToken));
    expect(error.code).toBe('ERR_UPSTREAM');
    expect(error.message).toMatch(/Could not reach the Apple Music API.*3 attempts/);
    expect(error.cause).toBeInstanceOf(Error);
    expect(calls.count).toBe(3);
  });

  it('retries a reset connection, then succeeds', async () => {
    const calls = answerInTurn('/v1/me/storefront', [() => HttpResponse.error(), storefrontOK]);
    await expect(client().verifyMusicUserToken(musicUserToken)).resolves.toEqual(
      expectedStorefront,
    );
    expect(calls.count).toBe(2);
  });

  it('does not retry a reset connection for a POST', async () => {
    const calls = answerInTurn('/v1/me/library', [() => HttpResponse.error()], 'post');
    const error = await rejection(
      client().fetch('/v1/me/library', { method: 'POST', musicUserToken, body: {} }),
    );
    expect(error.code).toBe('ERR_UPSTREAM');
    expect(calls.count).toBe(1);
  });

  it('does not retry a refused connection', async () => {
    const closed = await serveHandlers([]);
    const url = closed.url;
    await closed.close();
    const waits: number[] = [];
    const sleep = async (ms: number) => {
      waits.push(ms);
    };
    const error = await rejection(client({ apiURL: url, sleep }).fetch('/v1/catalog/us'));
    expect(error.code).toBe('ERR_UPSTREAM');
    expect(error.message).toMatch(/ECONNREFUSED/);
    expect(waits).toEqual([]);
  });
});

describe('answers and timeouts', () => {
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

  it('sends query parameters, lists comma-separated, and returns parsed JSON', async () => {
    let search = '';
    served.use(
      http.get('/v1/catalog/us/songs', ({ request }) => {
        search = new URL(request.url).search;
        return HttpResponse.json({ data: [{ id: '1' }] });
      }),
    );
    const body = await client().fetch<{ data: { id: string }[] }>('/v1/catalog/us/songs', {
      query: { ids: ['1', '2'], limit: 5, term: 'a b' },
    });
    expect(body.data[0]?.id).toBe('1');
    const params = new URLSearchParams(search);
    expect(params.get('ids')).toBe('1,2');
    expect(params.get('limit')).toBe('5');
    expect(params.get('term')).toBe('a b');
  });

  it('keeps the path prefix of apiURL', async () => {
    served.use(http.get('/apple/v1/me/storefront', () => HttpResponse.json(storefrontResponse)));
    const prefixed = client({ apiURL: `${served.url}/apple/` });
    await expect(prefixed.verifyMusicUserToken(musicUserToken)).resolves.toEqual(
      expectedStorefront,
    );
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

describe('call-time arguments', () => {
  it.each([
    'https://evil.example/v1/x',
    '//evil.example/v1/x',
    '/v1/../x',
    '/v1/%2e%2E/x',
    '/v1/./x',
    '/v1/x?token=1',
    '/v1/x#y',
    '/v1\\..\\x',
    '/v1/a b',
    'v1/x',
    '/v2/x',
  ])('refuses the path %s before any request', async (path) => {
    const before = served.requests;
    const error = await rejection(client().fetch(path, { musicUserToken }));
    expect(error.code).toBe('ERR_INVALID_OPTIONS');
    expect(error.message).toMatch(/`path`.*\/v1\//);
    expect(served.requests).toBe(before);
  });

  it.each([
    ['/v1/..;/admin', /`;` path parameter/],
    ['/v1/me;jsessionid=1/storefront', /`;` path parameter/],
    ['/v1/%2e%2e/admin', /encoded dot/],
    ['/v1/%2E%2E/admin', /encoded dot/],
    ['/v1/%2e./admin', /encoded dot/],
    ['/v1/%252e%252e/admin', /encoded percent sign.*double encoding/],
    ['/v1/%25252e/admin', /encoded percent sign/],
    ['/v1/%2e%2e%2fadmin', /encoded dot/],
    ['/v1/x%2f..%2fadmin', /encoded slash/],
    ['/v1/x%2F..%2Fadmin', /encoded slash/],
    ['/v1/x%5c..%5cadmin', /encoded backslash/],
    ['/v1/..%3b/admin', /encoded semicolon/],
  ])('refuses %s (a proxy may normalise it out of /v1/)', async (path, why) => {
    const before = served.requests;
    const error = await rejection(client().fetch(path, { musicUserToken }));
    expect(error.code).toBe('ERR_INVALID_OPTIONS');
    expect(error.status).toBe(500);
    expect(error.message).toMatch(/^Invalid option `path`: it contains /);
    expect(error.message).toMatch(why);
    expect(error.message).toMatch(/\/v1\//);
    expect(served.requests).toBe(before);
  });

  it('sends a path with percent-encoded characters other than dots, slashes and semicolons', async () => {
    const seen: string[] = [];
    served.use(
      http.get('/v1/catalog/us/search/:term', ({ request }) => {
        seen.push(new URL(request.url).pathname);
        return HttpResponse.json({ results: {} });
      }),
    );
    await expect(client().fetch('/v1/catalog/us/search/a%20b')).resolves.toEqual({ results: {} });
    expect(seen).toEqual(['/v1/catalog/us/search/a%20b']);
  });

  it.each([
    [{ method: 'PATCH' }, 'method'],
    [{ musicUserToken: 'with space' }, 'musicUserToken'],
    [{ musicUserToken: '' }, 'musicUserToken'],
    [{ body: {} }, 'body'],
    [{ query: { limit: Number.NaN } }, 'query.limit'],
    [{ query: { ids: [1] } }, 'query.ids'],
    [{ query: 'limit=1' }, 'query'],
  ])('refuses %j before any request', async (options, field) => {
    const before = served.requests;
    const error = await rejection(
      client().fetch('/v1/me/storefront', options as Parameters<AppleMusicClient['fetch']>[1]),
    );
    expect(error.code).toBe('ERR_INVALID_OPTIONS');
    expect(error.message).toContain(`\`${field}\``);
    expect(served.requests).toBe(before);
  });

  it('refuses a non-object options argument', async () => {
    const error = await rejection(
      client().fetch(
        '/v1/me/storefront',
        'x' as unknown as Parameters<AppleMusicClient['fetch']>[1],
      ),
    );
    expect(error.code).toBe('ERR_INVALID_OPTIONS');
  });

  it('refuses a developer token that is not a header-safe string', async () => {
    const error = await rejection(
      client({ getDeveloperToken: async () => 'two\nlines' }).verifyMusicUserToken(musicUserToken),
    );
    expect(error.code).toBe('ERR_INVALID_OPTIONS');
    expect(error.message).toMatch(/getDeveloperToken/);
  });

  it('stops at an aborted signal: before the call, during an attempt, and during a wait', async () => {
    const reason = new Error('user went away');
    const before = served.requests;
    const early = client().fetch('/v1/me/storefront', { signal: AbortSignal.abort(reason) });
    await expect(early).rejects.toBe(reason);
    expect(served.requests).toBe(before);

    served.use(
      http.get('/v1/me/hang', async () => {
        await delay('infinite');
        return storefrontOK();
      }),
    );
    const during = new AbortController();
    const hanging = client().fetch('/v1/me/hang', { signal: during.signal });
    setTimeout(() => during.abort(reason), 50);
    await expect(hanging).rejects.toBe(reason);

    answerInTurn('/v1/me/busy', [() => new HttpResponse(null, { status: 503 })]);
    const waiting = new AbortController();
    const sleep = async () => {
      waiting.abort(reason);
    };
    await expect(client({ sleep }).fetch('/v1/me/busy', { signal: waiting.signal })).rejects.toBe(
      reason,
    );

    const timerAbort = new AbortController();
    answerInTurn('/v1/me/busy2', [
      () => {
        setTimeout(() => timerAbort.abort(reason), 20);
        return new HttpResponse(null, { status: 429, headers: { 'Retry-After': '2' } });
      },
    ]);
    await expect(client().fetch('/v1/me/busy2', { signal: timerAbort.signal })).rejects.toBe(
      reason,
    );
  });
});

describe('options', () => {
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
        origin: served.url,
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
    served.use(
      http.get('/v1/me/storefront', ({ request }) => {
        seen.push(request.headers.get('authorization') ?? '');
        return HttpResponse.json(storefrontResponse);
      }),
    );
    await expect(
      verifyMusicUserToken({ developerToken, musicUserToken, apiURL: served.url, timeoutMs: 2000 }),
    ).resolves.toEqual(expectedStorefront);
    expect(seen).toEqual([`Bearer ${developerToken}`]);
  });

  it('passes a dispatcher through and maps a rejection', async () => {
    const dispatcher = new Agent();
    answerInTurn('/v1/me/storefront', [() => new HttpResponse(null, { status: 403 })]);
    try {
      const error = await rejection(
        verifyMusicUserToken({ developerToken, musicUserToken, apiURL: served.url, dispatcher }),
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
      verifyMusicUserToken({ developerToken: '', musicUserToken, apiURL: served.url }),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_OPTIONS', message: /`developerToken`/ });
  });
});
