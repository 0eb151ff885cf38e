// What a call may ask for: the path, the query, the options, and the signal.
import { delay, HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import type { AppleMusicClient } from '../../src/apple-api/client.js';
import { musicUserToken, storefrontOK, useAppleAPI } from '../support/apple-api.js';
import { expectedStorefront, storefrontResponse } from '../support/apple-responses.js';

const api = useAppleAPI();
const { client, answerInTurn, rejection } = api;

describe('building a request: path, query and call-time arguments', () => {
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
    const before = api.served.requests;
    const error = await rejection(client().fetch(path, { musicUserToken }));
    expect(error.code).toBe('ERR_INVALID_OPTIONS');
    expect(error.message).toMatch(/`path`.*\/v1\//);
    expect(api.served.requests).toBe(before);
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
    const before = api.served.requests;
    const error = await rejection(client().fetch(path, { musicUserToken }));
    expect(error.code).toBe('ERR_INVALID_OPTIONS');
    expect(error.status).toBe(500);
    expect(error.message).toMatch(/^Invalid option `path`: it contains /);
    expect(error.message).toMatch(why);
    expect(error.message).toMatch(/\/v1\//);
    expect(api.served.requests).toBe(before);
  });

  it('sends a path with percent-encoded characters other than dots, slashes and semicolons', async () => {
    const seen: string[] = [];
    api.served.use(
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
    const before = api.served.requests;
    const error = await rejection(
      client().fetch('/v1/me/storefront', options as Parameters<AppleMusicClient['fetch']>[1]),
    );
    expect(error.code).toBe('ERR_INVALID_OPTIONS');
    expect(error.message).toContain(`\`${field}\``);
    expect(api.served.requests).toBe(before);
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
    const before = api.served.requests;
    const early = client().fetch('/v1/me/storefront', { signal: AbortSignal.abort(reason) });
    await expect(early).rejects.toBe(reason);
    expect(api.served.requests).toBe(before);

    api.served.use(
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

  it('sends query parameters, lists comma-separated, and returns parsed JSON', async () => {
    let search = '';
    api.served.use(
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
    api.served.use(
      http.get('/apple/v1/me/storefront', () => HttpResponse.json(storefrontResponse)),
    );
    const prefixed = client({ apiURL: `${api.served.url}/apple/` });
    await expect(prefixed.verifyMusicUserToken(musicUserToken)).resolves.toEqual(
      expectedStorefront,
    );
  });
});
