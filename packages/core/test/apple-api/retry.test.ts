// When the client retries, how long it waits, and when it gives up.
import { serveHandlers } from '@apple-music-auth/sandbox';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { AppleMusicAPIError } from '../../src/errors.js';
import { musicUserToken, storefrontOK, useAppleAPI } from '../support/apple-api.js';
import { expectedStorefront } from '../support/apple-responses.js';

const api = useAppleAPI();
const { client, answerInTurn, rejection } = api;

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
    api.served.use(
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
