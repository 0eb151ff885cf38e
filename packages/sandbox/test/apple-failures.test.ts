// Apple's failures as switches, each checked over loopback HTTP against a
// running sandbox: Apple's status, headers and error body, turned on and off.
import { afterEach, describe, expect, it } from 'vitest';
import { type Sandbox, type SandboxOptions, startSandbox } from '../src/index.js';
import {
  createKeyPair,
  KEY_ID,
  type KeyPair,
  signDeveloperToken,
  TEAM_ID,
} from './support/developer-tokens.js';
import { popupURL } from './support/popup-url.js';

const keys = await createKeyPair();
const OTHER_KEY_ID = 'NEWKEY7890';
const REFERRER = 'https://app.example/auth/apple-music';

/** Sandboxes started by a test, closed after it. */
const started: Sandbox[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((sandbox) => sandbox.close()));
});

async function sandboxWith(options: Partial<SandboxOptions> = {}): Promise<Sandbox> {
  const sandbox = await startSandbox({
    teamId: TEAM_ID,
    keyId: KEY_ID,
    publicKey: keys.publicKey,
    ...options,
  });
  started.push(sandbox);
  return sandbox;
}

async function get(
  sandbox: Sandbox,
  path: string,
  { userToken = sandbox.issueToken(), developerToken = undefined as string | undefined } = {},
): Promise<Response> {
  const token = developerToken ?? (await signDeveloperToken(keys.privateKey));
  return fetch(`${sandbox.apiURL}${path}`, {
    headers: { authorization: `Bearer ${token}`, 'music-user-token': userToken },
  });
}

/** Apple's error body with one error: a 26-character id, then these fields. */
function appleError(fields: Record<string, unknown>) {
  return { errors: [{ id: expect.stringMatching(/^[A-Z0-9]{26}$/), ...fields }] };
}

async function expect429(response: Response): Promise<void> {
  expect(response.status).toBe(429);
  expect(response.headers.get('retry-after')).toBeNull();
  expect(response.headers.get('content-type')).toBe('application/json;charset=utf-8');
  expect(response.headers.get('x-apple-music-sandbox-reason')).toMatch(/rate limit/);
  expect(await response.json()).toEqual(
    appleError({
      title: 'Too Many Requests',
      detail: 'Request is forbidden',
      status: '429',
      code: '42900',
    }),
  );
}

async function expect401(response: Response, reason: RegExp): Promise<void> {
  expect(response.status).toBe(401);
  expect(await response.text()).toBe('');
  expect(response.headers.get('x-apple-music-sandbox-reason')).toMatch(reason);
}

describe('429 without Retry-After', () => {
  it('answers every Nth API call with 429 from when it is set, until lifted', async () => {
    const sandbox = await sandboxWith();
    const userToken = sandbox.issueToken();
    expect((await get(sandbox, '/v1/me/storefront', { userToken })).status).toBe(200);
    sandbox.setRateLimit({ everyNth: 3 });
    const statuses: number[] = [];
    for (let call = 1; call <= 7; call += 1) {
      const path = call % 2 === 0 ? '/v1/storefronts/us' : '/v1/me/library/songs';
      const response = await get(sandbox, path, { userToken });
      statuses.push(response.status);
      if (response.status === 429) await expect429(response);
    }
    expect(statuses).toEqual([200, 200, 429, 200, 200, 429, 200]);
    sandbox.setRateLimit(undefined);
    for (let call = 0; call < 3; call += 1) {
      expect((await get(sandbox, '/v1/me/storefront', { userToken })).status).toBe(200);
    }
  });

  it('answers every call with 429 for a while on the sandbox clock, then recovers', async () => {
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const sandbox = await sandboxWith({ now: () => clock, rateLimit: { forMs: 1500 } });
    const developerToken = await signDeveloperToken(keys.privateKey, { iat: clock / 1000 });
    const userToken = sandbox.issueToken();
    await expect429(await get(sandbox, '/v1/me/storefront', { userToken, developerToken }));
    clock += 1499;
    await expect429(await get(sandbox, '/v1/me/recent/played', { userToken, developerToken }));
    clock += 1;
    expect((await get(sandbox, '/v1/me/storefront', { userToken, developerToken })).status).toBe(
      200,
    );
  });

  it('still answers a bad developer token 401 first, and counts only calls it lets through', async () => {
    const sandbox = await sandboxWith({ rateLimit: { everyNth: 2 } });
    const userToken = sandbox.issueToken();
    await expect401(
      await get(sandbox, '/v1/me/storefront', { userToken, developerToken: 'not.a.token' }),
      /header is not/,
    );
    expect((await get(sandbox, '/v1/me/storefront', { userToken })).status).toBe(200);
    await expect429(await get(sandbox, '/v1/me/storefront', { userToken }));
  });

  it('refuses a malformed limit, as an option or a switch', async () => {
    await expect(sandboxWith({ rateLimit: { everyNth: 0 } })).rejects.toThrow(
      /startSandbox: rateLimit.everyNth must be a whole number, 1 or more/,
    );
    const sandbox = await sandboxWith();
    expect(() => sandbox.setRateLimit({ forMs: -1 })).toThrow(
      /startSandbox: rateLimit.forMs must be a number of milliseconds greater than 0/,
    );
  });
});

describe('a revoked Music User Token', () => {
  it('is answered 403 with exactly Apple’s body, on every endpoint that needs it', async () => {
    const sandbox = await sandboxWith();
    const userToken = sandbox.issueToken();
    expect((await get(sandbox, '/v1/me/storefront', { userToken })).status).toBe(200);
    expect(sandbox.revokeToken(userToken)).toBe(true);
    for (const path of ['/v1/me/storefront', '/v1/me/recent/played', '/v1/me/library/songs']) {
      const response = await get(sandbox, path, { userToken });
      expect(response.status, path).toBe(403);
      expect(response.headers.get('content-type')).toBe('application/json;charset=utf-8');
      expect(response.headers.get('x-apple-music-sandbox-reason')).toMatch(/revoked/);
      expect(await response.json()).toEqual(
        appleError({
          title: 'Forbidden',
          detail: 'Invalid authentication',
          status: '403',
          code: '40300',
        }),
      );
    }
    expect((await get(sandbox, '/v1/me/storefront')).status).toBe(200);
  });
});

describe('developer tokens refused with 401 and an empty body', () => {
  it('refuses tokens issued before a time, in the API and the popup, until cleared', async () => {
    const now = Math.floor(Date.now() / 1000);
    const sandbox = await sandboxWith();
    const old = await signDeveloperToken(keys.privateKey, { iat: now - 600 });
    const fresh = await signDeveloperToken(keys.privateKey, { iat: now - 60 });
    sandbox.refuseDeveloperTokens({ issuedBefore: new Date((now - 300) * 1000) });
    await expect401(
      await get(sandbox, '/v1/me/storefront', { developerToken: old }),
      /issued before .*Z \(refuseDeveloperTokens\)/,
    );
    await expect401(await get(sandbox, '/v1/storefronts/us', { developerToken: old }), /before/);
    expect((await get(sandbox, '/v1/me/storefront', { developerToken: fresh })).status).toBe(200);
    const popup = await fetch(popupURL(sandbox.authorizeURL, { token: old, referrer: REFERRER }));
    expect(popup.status).toBe(401);
    expect(await popup.text()).toContain('issued before');

    sandbox.refuseDeveloperTokens(undefined);
    expect((await get(sandbox, '/v1/me/storefront', { developerToken: old })).status).toBe(200);
  });

  it('refuses the tokens of a revoked key id while another key of the team works', async () => {
    const newKeys: KeyPair = await createKeyPair();
    const sandbox = await sandboxWith();
    const byNewKey = await signDeveloperToken(newKeys.privateKey, { kid: OTHER_KEY_ID });
    await expect401(
      await get(sandbox, '/v1/me/storefront', { developerToken: byNewKey }),
      /kid does not match the key ID KEY1234567$/,
    );
    sandbox.addKey({ keyId: OTHER_KEY_ID, publicKey: newKeys.publicKey });
    expect((await get(sandbox, '/v1/me/storefront', { developerToken: byNewKey })).status).toBe(
      200,
    );
    expect((await get(sandbox, '/v1/me/storefront')).status).toBe(200);

    sandbox.refuseDeveloperTokens({ keyIds: [KEY_ID] });
    await expect401(await get(sandbox, '/v1/me/storefront'), /the key KEY1234567 is revoked/);
    expect((await get(sandbox, '/v1/me/storefront', { developerToken: byNewKey })).status).toBe(
      200,
    );
    // A token that names the new key but is signed by the old one still fails its signature.
    const forged = await signDeveloperToken(keys.privateKey, { kid: OTHER_KEY_ID });
    await expect401(
      await get(sandbox, '/v1/me/storefront', { developerToken: forged }),
      /signature does not verify/,
    );
  });

  it('takes other keys and refusals as options, and refuses malformed ones', async () => {
    const newKeys = await createKeyPair();
    const sandbox = await sandboxWith({
      otherKeys: [{ keyId: OTHER_KEY_ID, publicKey: newKeys.publicKey }],
      refuseDeveloperTokens: { keyIds: [OTHER_KEY_ID] },
    });
    const byNewKey = await signDeveloperToken(newKeys.privateKey, { kid: OTHER_KEY_ID });
    await expect401(
      await get(sandbox, '/v1/me/storefront', { developerToken: byNewKey }),
      /the key NEWKEY7890 is revoked/,
    );
    expect((await get(sandbox, '/v1/me/storefront')).status).toBe(200);

    expect(() => sandbox.addKey({ keyId: KEY_ID, publicKey: newKeys.publicKey })).toThrow(
      /startSandbox: the key KEY1234567 is already accepted/,
    );
    expect(() => sandbox.addKey({ keyId: 'short', publicKey: newKeys.publicKey })).toThrow(
      /startSandbox: a key ID must be 10 uppercase letters or digits/,
    );
    expect(() => sandbox.refuseDeveloperTokens({ issuedBefore: new Date('nope') })).toThrow(
      /startSandbox: refuseDeveloperTokens.issuedBefore must be a valid Date/,
    );
    await expect(
      sandboxWith({ refuseDeveloperTokens: { keyIds: 'KEY1234567' as unknown as string[] } }),
    ).rejects.toThrow(/startSandbox: refuseDeveloperTokens.keyIds must be an array/);
  });
});

describe('paged answers as Apple writes them', () => {
  it('drops the query from next links (only offset kept) on library collections', async () => {
    const sandbox = await sandboxWith();
    const first = await get(sandbox, '/v1/me/library/songs?limit=100&l=en-GB&include=catalog');
    expect(first.status).toBe(200);
    const body = await first.json();
    expect(body.next).toBe('/v1/me/library/songs?offset=100');
    expect(body.data).toHaveLength(100);
    expect(body.meta).toEqual({ total: 250 });
    // Followed as given, the link has lost limit=100: Apple's default of 25 applies.
    const followed = await (await get(sandbox, body.next)).json();
    expect(followed.data).toHaveLength(25);
    expect(followed.data[0].id).not.toBe(body.data[0].id);
    expect(followed.next).toBe('/v1/me/library/songs?offset=125');
  });

  it('walks a whole collection when the client re-applies its limit to every next link', async () => {
    const sandbox = await sandboxWith();
    const userToken = sandbox.issueToken();
    const ids: string[] = [];
    let path: string | undefined = '/v1/me/library/songs?limit=100';
    while (path !== undefined) {
      const url: URL = new URL(path, sandbox.apiURL);
      url.searchParams.set('limit', '100');
      const response = await get(sandbox, `${url.pathname}${url.search}`, { userToken });
      const page: { data: Array<{ id: string }>; next?: string } = await response.json();
      for (const song of page.data) {
        expect(song).toMatchObject({
          type: 'library-songs',
          href: `/v1/me/library/songs/${song.id}`,
          attributes: { playParams: { id: song.id, kind: 'song', isLibrary: true } },
        });
        ids.push(song.id);
      }
      path = page.next;
    }
    expect(ids).toHaveLength(250);
    expect(new Set(ids).size).toBe(250);
    expect(ids[0]).toMatch(/^i\.[A-Z0-9]{14}$/);
  });

  it('keeps the query in next links when told to, and drops it again', async () => {
    const sandbox = await sandboxWith({ nextLinks: { query: 'keep-query' } });
    const kept = await (await get(sandbox, '/v1/me/library/albums?limit=10&l=en-GB')).json();
    expect(kept.next).toBe('/v1/me/library/albums?limit=10&l=en-GB&offset=10');
    sandbox.setNextLinks({ query: 'drop-query' });
    const dropped = await (await get(sandbox, '/v1/me/recent/played?limit=1')).json();
    expect(dropped.next).toBe('/v1/me/recent/played?offset=1');
    expect(() => sandbox.setNextLinks({ query: 'some' as 'keep-query' })).toThrow(
      /startSandbox: nextLinks.query must be one of "drop-query", "keep-query"/,
    );
  });

  it('links past the end on the last page when told to, and that link answers 404', async () => {
    const sandbox = await sandboxWith({ library: { playlists: 4 } });
    sandbox.setNextLinks({ pastTheEnd: true });
    const last = await (await get(sandbox, '/v1/me/library/playlists?limit=2&offset=2')).json();
    expect(last.data).toHaveLength(2);
    expect(last.next).toBe('/v1/me/library/playlists?offset=4');
    const past = await get(sandbox, last.next);
    expect(past.status).toBe(404);
    expect(await past.json()).toEqual(
      appleError({
        title: 'Resource Not Found',
        detail: 'offset 4 is past the end of this collection (4 items)',
        status: '404',
        code: '40400',
      }),
    );
  });
});

describe('library limits and ends', () => {
  it('answers a limit above 100 with Apple’s 400, naming the parameter', async () => {
    const sandbox = await sandboxWith();
    const userToken = sandbox.issueToken();
    expect((await get(sandbox, '/v1/me/library/artists?limit=100', { userToken })).status).toBe(
      200,
    );
    const response = await get(sandbox, '/v1/me/library/songs?limit=101', { userToken });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/json;charset=utf-8');
    expect(await response.json()).toEqual(
      appleError({
        title: 'Invalid Parameter Value',
        detail: 'Value must be an integer less than or equal to 100, but was: 101',
        status: '400',
        code: '40005',
        source: { parameter: 'limit' },
      }),
    );
  });

  it('answers 404 for an offset past the end, and the last item without next', async () => {
    const sandbox = await sandboxWith({ library: { songs: 30 } });
    const userToken = sandbox.issueToken();
    const last = await (await get(sandbox, '/v1/me/library/songs?offset=29', { userToken })).json();
    expect(Object.keys(last)).toEqual(['data', 'meta']);
    expect(last.data).toHaveLength(1);
    expect(last.meta).toEqual({ total: 30 });
    for (const offset of [30, 31, 5000]) {
      const response = await get(sandbox, `/v1/me/library/songs?offset=${offset}`, { userToken });
      expect(response.status, String(offset)).toBe(404);
      expect((await response.json()).errors[0]).toMatchObject({ status: '404', code: '40400' });
    }
  });

  it('serves an empty collection as an empty first page, and refuses a bad library size', async () => {
    const sandbox = await sandboxWith({ library: { artists: 0 } });
    expect(await (await get(sandbox, '/v1/me/library/artists')).json()).toEqual({
      data: [],
      meta: { total: 0 },
    });
    await expect(sandboxWith({ library: { songs: -1 } })).rejects.toThrow(
      /startSandbox: library.songs must be a whole number from 0 to 100000/,
    );
    await expect(
      sandboxWith({ library: { tracks: 3 } as unknown as SandboxOptions['library'] }),
    ).rejects.toThrow(/startSandbox: library.tracks is not a collection the sandbox serves/);
  });
});
