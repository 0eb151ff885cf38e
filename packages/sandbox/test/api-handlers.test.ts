import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox } from '../src/index.js';
import { KEY_ID, TEAM_ID } from './support/developer-tokens.js';
import { useSandbox } from './support/sandbox.js';

const fixture = useSandbox();
afterEach(() => fixture.sandbox.resetHandlers());

function get(
  path: string,
  userToken: string | undefined,
  base = fixture.sandbox.apiURL,
  token = fixture.developerToken,
): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (userToken !== undefined) headers['music-user-token'] = userToken;
  return fetch(`${base}${path}`, { headers });
}

/** Apple's 403 exactly (docs/protocol.md section 6); the sandbox's reason in its header. */
async function expect403(response: Response, reason: RegExp): Promise<void> {
  expect(response.status).toBe(403);
  expect(response.headers.get('content-type')).toBe('application/json;charset=utf-8');
  expect(response.headers.get('x-apple-music-sandbox-reason')).toMatch(reason);
  expect(await response.json()).toEqual({
    errors: [
      {
        id: expect.stringMatching(/^[A-Z0-9]{26}$/),
        title: 'Forbidden',
        detail: 'Invalid authentication',
        status: '403',
        code: '40300',
      },
    ],
  });
}

describe('Music User Token checks', () => {
  it('answers 403 for a missing or unknown token, 200 for an issued one, 403 once revoked', async () => {
    await expect403(
      await get('/v1/me/storefront', undefined),
      /Music-User-Token header is missing/,
    );
    const forged = Buffer.from('not issued by the sandbox').toString('base64');
    await expect403(
      await get('/v1/me/storefront', forged),
      /unknown to this sandbox, or was revoked/,
    );

    const userToken = fixture.sandbox.issueToken();
    expect(userToken).toMatch(/^[A-Za-z0-9+/]{282}==$/);
    expect((await get('/v1/me/storefront', userToken)).status).toBe(200);
    expect((await get('/v1/me/recent/played', userToken)).status).toBe(200);

    expect(fixture.sandbox.revokeToken(userToken)).toBe(true);
    expect(fixture.sandbox.revokeToken(userToken)).toBe(false);
    await expect403(await get('/v1/me/storefront', userToken), /revoked/);
    await expect403(await get('/v1/me/recent/played', userToken), /revoked/);
  });

  it('reads the token from Media-User-Token too, as a newer MusicKit build sends it', async () => {
    const response = await fetch(`${fixture.sandbox.apiURL}/v1/me/storefront`, {
      headers: {
        authorization: `Bearer ${fixture.developerToken}`,
        'media-user-token': fixture.sandbox.issueToken(),
      },
    });
    expect(response.status).toBe(200);
  });

  it('issues a different token every time', () => {
    expect(fixture.sandbox.issueToken()).not.toBe(fixture.sandbox.issueToken());
  });

  it('checks the developer token before the user token (401 wins over 403)', async () => {
    const response = await get('/v1/me/storefront', 'unknown', fixture.sandbox.apiURL, 'bad');
    expect(response.status).toBe(401);
    expect(await response.text()).toBe('');
  });
});

describe('GET /v1/me/storefront', () => {
  it('answers with exactly the JSON of docs/protocol.md section 6', async () => {
    const response = await get('/v1/me/storefront', fixture.sandbox.issueToken());
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json;charset=utf-8');
    expect(await response.text()).toBe(
      '{"data":[{"id":"us","type":"storefronts","href":"/v1/storefronts/us",' +
        '"attributes":{"name":"United States","defaultLanguageTag":"en-US",' +
        '"explicitContentPolicy":"allowed","supportedLanguageTags":["en-US","es-MX"]}}]}',
    );
  });

  it('serves a configured storefront, by id or as an object', async () => {
    const gb = await startSandbox({
      teamId: TEAM_ID,
      keyId: KEY_ID,
      publicKey: fixture.keys.publicKey,
      storefront: 'gb',
    });
    const custom = await startSandbox({
      teamId: TEAM_ID,
      keyId: KEY_ID,
      publicKey: fixture.keys.publicKey,
      storefront: {
        id: 'nz',
        name: 'New Zealand',
        defaultLanguageTag: 'en-GB',
        supportedLanguageTags: ['en-GB'],
        explicitContentPolicy: 'opt-in',
      },
    });
    try {
      const gbBody = await (await get('/v1/me/storefront', gb.issueToken(), gb.apiURL)).json();
      expect(gbBody.data[0]).toMatchObject({
        id: 'gb',
        href: '/v1/storefronts/gb',
        attributes: { name: 'United Kingdom', defaultLanguageTag: 'en-GB' },
      });
      const customBody = await (
        await get('/v1/me/storefront', custom.issueToken(), custom.apiURL)
      ).json();
      expect(customBody.data[0]).toEqual({
        id: 'nz',
        type: 'storefronts',
        href: '/v1/storefronts/nz',
        attributes: {
          name: 'New Zealand',
          defaultLanguageTag: 'en-GB',
          explicitContentPolicy: 'opt-in',
          supportedLanguageTags: ['en-GB'],
        },
      });
      const played = await (await get('/v1/me/recent/played', gb.issueToken(), gb.apiURL)).json();
      expect(played.data[0].href).toMatch(/^\/v1\/catalog\/gb\//);
    } finally {
      await Promise.all([gb.close(), custom.close()]);
    }
  });
});

describe('GET /v1/storefronts/{id}', () => {
  it('answers with a developer token alone, 401 without a valid one, 404 for an unknown id', async () => {
    const response = await get('/v1/storefronts/gb', undefined);
    expect(response.status).toBe(200);
    expect((await response.json()).data[0]).toMatchObject({
      id: 'gb',
      type: 'storefronts',
      href: '/v1/storefronts/gb',
      attributes: { name: 'United Kingdom' },
    });
    const forged = await get('/v1/storefronts/us', undefined, undefined, 'not.a.token');
    expect(forged.status).toBe(401);
    expect(forged.headers.get('x-apple-music-sandbox-reason')).toMatch(/header is not/);
    const unknown = await get('/v1/storefronts/zz', undefined);
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).errors[0]).toMatchObject({ code: '40400' });
  });
});

describe('GET /v1/me/recent/played', () => {
  it('answers with albums, playlists and stations, without next', async () => {
    const response = await get('/v1/me/recent/played', fixture.sandbox.issueToken());
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(Object.keys(body)).toEqual(['data']);
    expect(body.data.length).toBeGreaterThan(0);
    for (const resource of body.data) {
      expect(['albums', 'playlists', 'stations']).toContain(resource.type);
      expect(resource.href).toBe(`/v1/catalog/us/${resource.type}/${resource.id}`);
      expect(resource.attributes).toMatchObject({
        name: expect.any(String),
        playParams: { id: resource.id, kind: expect.any(String) },
        url: expect.stringMatching(/^https:\/\/music\.apple\.com\/us\//),
      });
    }
  });

  it('pages with limit and offset, linking the next page, with only offset kept, until the last', async () => {
    const userToken = fixture.sandbox.issueToken();
    const all = (await (await get('/v1/me/recent/played', userToken)).json()).data;
    expect(all.length).toBeGreaterThan(2);
    const first = await (await get('/v1/me/recent/played?limit=1&l=en-US', userToken)).json();
    expect(first.data).toEqual([all[0]]);
    expect(first.next).toBe('/v1/me/recent/played?offset=1');
    // Followed as it is, the link has lost limit=1: the default limit (5) applies.
    const second = await (await get(first.next, userToken)).json();
    expect(second.data).toEqual(all.slice(1, 6));
    const last = await (
      await get(`/v1/me/recent/played?limit=1&offset=${all.length - 1}`, userToken)
    ).json();
    expect(last.data).toEqual([all.at(-1)]);
    expect(last.next).toBeUndefined();
  });

  it('answers 400 for a limit above 10, or a limit or offset that is not a count', async () => {
    const userToken = fixture.sandbox.issueToken();
    expect((await get('/v1/me/recent/played?limit=10', userToken)).status).toBe(200);
    for (const query of ['limit=11', 'limit=0', 'limit=x', 'offset=-1']) {
      const response = await get(`/v1/me/recent/played?${query}`, userToken);
      expect(response.status, query).toBe(400);
      expect((await response.json()).errors[0], query).toMatchObject({
        status: '400',
        code: '40005',
      });
    }
    expect((await get('/v1/me/recent/played/tracks?limit=30', userToken)).status).toBe(200);
    expect((await get('/v1/me/recent/played/tracks?limit=31', userToken)).status).toBe(400);
  });

  it('serves songs under /tracks', async () => {
    const body = await (
      await get('/v1/me/recent/played/tracks', fixture.sandbox.issueToken())
    ).json();
    expect(Object.keys(body)).toEqual(['data']);
    expect(body.data.length).toBe(3);
    for (const song of body.data) {
      expect(song).toMatchObject({
        type: 'songs',
        href: `/v1/catalog/us/songs/${song.id}`,
        attributes: {
          name: expect.any(String),
          artistName: expect.any(String),
          albumName: expect.any(String),
          durationInMillis: expect.any(Number),
          playParams: { id: song.id, kind: 'song' },
          artwork: { url: expect.stringContaining('{w}x{h}') },
        },
      });
    }
  });

  it('answers 400 with code 40015 without a subscription, while the storefront still answers', async () => {
    const unsubscribed = await startSandbox({
      teamId: TEAM_ID,
      keyId: KEY_ID,
      publicKey: fixture.keys.publicKey,
      subscription: false,
    });
    try {
      const userToken = unsubscribed.issueToken();
      const response = await get('/v1/me/recent/played', userToken, unsubscribed.apiURL);
      expect(response.status).toBe(400);
      expect((await response.json()).errors[0]).toMatchObject({ status: '400', code: '40015' });
      expect((await get('/v1/me/storefront', userToken, unsubscribed.apiURL)).status).toBe(200);
    } finally {
      await unsubscribed.close();
    }
  });
});

describe('HTTP details', () => {
  it('answers CORS preflights and allows any origin', async () => {
    const preflight = await fetch(`${fixture.sandbox.apiURL}/v1/me/storefront`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization,music-user-token',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('music-user-token');
    const response = await get('/v1/me/storefront', fixture.sandbox.issueToken());
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('lets a test put its own handlers first, and reset them', async () => {
    fixture.sandbox.use(
      http.get('*/v1/me/storefront', () =>
        HttpResponse.json({ errors: [] }, { status: 429, headers: { 'retry-after': '1' } }),
      ),
    );
    const userToken = fixture.sandbox.issueToken();
    const limited = await get('/v1/me/storefront', userToken);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    fixture.sandbox.resetHandlers();
    expect((await get('/v1/me/storefront', userToken)).status).toBe(200);
  });

  it('answers 404 for endpoints it does not emulate', async () => {
    expect((await get('/v1/me/ratings/songs/1', fixture.sandbox.issueToken())).status).toBe(404);
  });
});
