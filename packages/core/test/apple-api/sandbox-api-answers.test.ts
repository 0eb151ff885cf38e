// fetchAppleMusic against the sandbox's API answers where they follow Apple's
// observed behaviour: recently played comes in pages linked by `next`, and a
// refused developer token gets a 401 with an empty body.
import { generateKeyPairSync } from 'node:crypto';
import { type Sandbox, startSandbox } from '@apple-music-auth/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppleMusicAPIError } from '../../src/errors.js';
import { type AppleMusicAuth, createAppleMusicAuth, TokenError } from '../../src/index.js';

const teamId = 'TEAM123456';
const keyId = 'KEY1234567';
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

interface Page {
  data: { id: string }[];
  next?: string;
}

function createAuth(sandbox: Sandbox): AppleMusicAuth {
  return createAppleMusicAuth({
    teamId,
    keyId,
    privateKey,
    callbackURL: 'https://app.example/auth/apple-music/callback',
    stateSecret: 'a-state-secret-that-is-long-enough-for-hmac',
    endpoints: { authorize: sandbox.authorizeURL, api: sandbox.apiURL },
  });
}

describe('fetchAppleMusic against the sandbox API', () => {
  let sandbox: Sandbox;
  let auth: AppleMusicAuth;
  beforeAll(async () => {
    sandbox = await startSandbox({ teamId, keyId, publicKey });
    auth = createAuth(sandbox);
  });
  afterAll(async () => {
    await auth.close();
    await sandbox.close();
  });

  it('walks /v1/me/recent/played page by page through its next links', async () => {
    const musicUserToken = sandbox.issueToken();
    const everything = await auth.fetchAppleMusic<Page>('/v1/me/recent/played', {
      musicUserToken,
      query: { limit: 10 },
    });
    expect(everything.next).toBeUndefined();

    const walked: string[] = [];
    let path = '/v1/me/recent/played';
    let query: Record<string, string | number> = { limit: 1 };
    for (let pages = 1; ; pages += 1) {
      const page = await auth.fetchAppleMusic<Page>(path, { musicUserToken, query });
      expect(page.data).toHaveLength(1);
      walked.push(...page.data.map((item) => item.id));
      if (page.next === undefined) break;
      expect(pages).toBeLessThan(everything.data.length);
      const next = new URL(page.next, sandbox.apiURL);
      path = next.pathname;
      // Apple's next links keep only offset: the walk re-applies its limit.
      query = { ...Object.fromEntries(next.searchParams), limit: 1 };
    }
    expect(walked).toEqual(everything.data.map((item) => item.id));
  });

  it('gets a typed error for a limit above 10, which Apple refuses with 400', async () => {
    const error = await auth
      .fetchAppleMusic('/v1/me/recent/played', {
        musicUserToken: sandbox.issueToken(),
        query: { limit: 11 },
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppleMusicAPIError);
    expect(error).toMatchObject({
      code: 'ERR_UPSTREAM',
      upstreamStatus: 400,
      appleErrorCode: '40005',
    });
  });
});

describe('a 401 with an empty body, as Apple sends it', () => {
  let sandbox: Sandbox;
  let auth: AppleMusicAuth;
  beforeAll(async () => {
    // The sandbox trusts another key, so it refuses every token this app signs.
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    sandbox = await startSandbox({ teamId, keyId, publicKey: other.publicKey });
    auth = createAuth(sandbox);
  });
  afterAll(async () => {
    await auth.close();
    await sandbox.close();
  });

  it('becomes ERR_DEVELOPER_TOKEN_REJECTED', async () => {
    const raw = await fetch(`${sandbox.apiURL}/v1/me/storefront`, {
      headers: { authorization: `Bearer ${await auth.getDeveloperToken()}` },
    });
    expect(raw.status).toBe(401);
    expect(await raw.text()).toBe('');

    const error = await auth
      .fetchAppleMusic('/v1/me/storefront', { musicUserToken: sandbox.issueToken() })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TokenError);
    expect((error as TokenError).code).toBe('ERR_DEVELOPER_TOKEN_REJECTED');
  });
});
