import { createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { CompactSign, exportJWK, exportPKCS8, exportSPKI, generateSecret, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APPLE_MAX_TOKEN_LIFETIME_SECONDS,
  createDeveloperTokenCheck,
  type Sandbox,
  startSandbox,
} from '../src/index.js';
import {
  createKeyPair,
  KEY_ID,
  type KeyPair,
  signDeveloperToken,
  TEAM_ID,
} from './support/developer-tokens.js';

let keys: KeyPair;
let otherKeys: KeyPair;
let sandbox: Sandbox;
let userToken: string;

beforeAll(async () => {
  [keys, otherKeys] = await Promise.all([createKeyPair(), createKeyPair()]);
  sandbox = await startSandbox({ teamId: TEAM_ID, keyId: KEY_ID, publicKey: keys.publicKey });
  userToken = sandbox.issueToken();
});
afterAll(() => sandbox?.close());

function storefront(headers: Record<string, string>): Promise<Response> {
  return fetch(`${sandbox.apiURL}/v1/me/storefront`, { headers });
}

function withToken(token: string, extra: Record<string, string> = {}): Promise<Response> {
  return storefront({ authorization: `Bearer ${token}`, 'music-user-token': userToken, ...extra });
}

/** Apple's 401 has an empty body; the sandbox says why in one header of its own. */
async function expect401(response: Response, reason: RegExp, token?: string): Promise<void> {
  expect(response.status).toBe(401);
  expect(await response.text()).toBe('');
  const why = response.headers.get('x-apple-music-sandbox-reason') ?? '';
  expect(why).toMatch(reason);
  if (token) expect(why).not.toContain(token);
}

const now = () => Math.floor(Date.now() / 1000);

describe('developer token check over HTTP', () => {
  it('accepts a valid token', async () => {
    const response = await withToken(await signDeveloperToken(keys.privateKey));
    expect(response.status).toBe(200);
  });

  it('refuses a token signed by another key', async () => {
    const token = await signDeveloperToken(otherKeys.privateKey);
    await expect401(await withToken(token), /signature does not verify/, token);
  });

  it('refuses a DER-encoded ECDSA signature (JOSE needs raw r||s)', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'ES256', kid: KEY_ID })).toString('base64url');
    const payload = Buffer.from(
      JSON.stringify({ iss: TEAM_ID, iat: now(), exp: now() + 3600 }),
    ).toString('base64url');
    const pkcs8 = await exportPKCS8(keys.privateKey);
    const der = sign('sha256', Buffer.from(`${header}.${payload}`), createPrivateKey(pkcs8));
    const token = `${header}.${payload}.${der.toString('base64url')}`;
    await expect401(await withToken(token), /signature does not verify/, token);
  });

  it('refuses a wrong kid, naming the expected key id', async () => {
    const token = await signDeveloperToken(keys.privateKey, { kid: 'OTHERKEY12' });
    await expect401(
      await withToken(token),
      new RegExp(`kid does not match the key ID ${KEY_ID}`),
      token,
    );
  });

  it('refuses a wrong iss', async () => {
    const token = await signDeveloperToken(keys.privateKey, { iss: 'ZZZZZ99999' });
    await expect401(await withToken(token), /iss does not match the team ID/, token);
  });

  it('refuses an expired token', async () => {
    const token = await signDeveloperToken(keys.privateKey, { iat: now() - 7200, exp: now() - 10 });
    await expect401(await withToken(token), /expired/, token);
  });

  it('refuses a token whose lifetime exceeds 15777000 s, accepts exactly 15777000 s', async () => {
    const iat = now();
    const tooLong = await signDeveloperToken(keys.privateKey, {
      iat,
      exp: iat + APPLE_MAX_TOKEN_LIFETIME_SECONDS + 1,
    });
    await expect401(await withToken(tooLong), /lifetime/, tooLong);
    const limit = await signDeveloperToken(keys.privateKey, {
      iat,
      exp: iat + APPLE_MAX_TOKEN_LIFETIME_SECONDS,
    });
    expect((await withToken(limit)).status).toBe(200);
  });

  it('refuses an iat in the future beyond the skew, tolerates a small skew', async () => {
    const future = await signDeveloperToken(keys.privateKey, { iat: now() + 600 });
    await expect401(await withToken(future), /iat is in the future/, future);
    const skewed = await signDeveloperToken(keys.privateKey, { iat: now() + 20 });
    expect((await withToken(skewed)).status).toBe(200);
  });

  it('refuses a token without iat', async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: KEY_ID })
      .setIssuer(TEAM_ID)
      .setExpirationTime(now() + 3600)
      .sign(keys.privateKey);
    await expect401(await withToken(token), /no numeric iat/, token);
  });

  it('refuses another alg', async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', kid: KEY_ID })
      .setIssuer(TEAM_ID)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(await generateSecret('HS256'));
    await expect401(await withToken(token), /alg must be "ES256"/, token);
  });

  it('refuses a missing Authorization header, another scheme and malformed tokens', async () => {
    await expect401(
      await storefront({ 'music-user-token': userToken }),
      /Authorization header is missing/,
    );
    await expect401(
      await storefront({ authorization: 'Basic dXNlcjpwYXNz', 'music-user-token': userToken }),
      /must be "Bearer <developer token>"/,
    );
    await expect401(await withToken('not-a-jwt'), /not a JWT/);
    await expect401(await withToken('a.b.c'), /header is not base64url-encoded JSON/);
    const notAnObject = await new CompactSign(new TextEncoder().encode('[1]'))
      .setProtectedHeader({ alg: 'ES256', kid: KEY_ID })
      .sign(keys.privateKey);
    await expect401(await withToken(notAnObject), /payload is not a JSON object/);
  });

  it('honours a token with an origin claim only from a listed Origin, never from a server', async () => {
    const token = await signDeveloperToken(keys.privateKey, { origin: ['https://app.example'] });
    expect((await withToken(token, { origin: 'https://app.example' })).status).toBe(200);
    await expect401(await withToken(token), /has no Origin header/, token);
    await expect401(
      await withToken(token, { origin: 'https://app.example.evil' }),
      /not listed/,
      token,
    );
    await expect401(
      await withToken(token, { origin: 'https://evil.example' }),
      /origin https:\/\/evil\.example is not listed/,
      token,
    );
  });

  it('uses the injected clock', async () => {
    const fixed = Date.UTC(2030, 0, 1) / 1000;
    const later = await startSandbox({
      teamId: TEAM_ID,
      keyId: KEY_ID,
      publicKey: keys.publicKey,
      now: () => (fixed + 7200) * 1000,
    });
    try {
      const mut = later.issueToken();
      const token = await signDeveloperToken(keys.privateKey, { iat: fixed, exp: fixed + 3600 });
      const response = await fetch(`${later.apiURL}/v1/me/storefront`, {
        headers: { authorization: `Bearer ${token}`, 'music-user-token': mut },
      });
      await expect401(response, /expired/, token);
    } finally {
      await later.close();
    }
  });
});

describe('createDeveloperTokenCheck key forms', () => {
  it('accepts CryptoKey, KeyObject, JWK and PEM, public or private', async () => {
    const token = await signDeveloperToken(keys.privateKey);
    const spki = await exportSPKI(keys.publicKey);
    const pkcs8 = await exportPKCS8(keys.privateKey);
    const forms = [
      keys.publicKey,
      keys.privateKey,
      createPublicKey(spki),
      createPrivateKey(pkcs8),
      await exportJWK(keys.publicKey),
      await exportJWK(keys.privateKey),
      spki,
      pkcs8,
      `  ${pkcs8.replaceAll('\n', '\\n')}  `,
      pkcs8.replaceAll('\n', '\r\n'),
    ];
    for (const publicKey of forms) {
      const check = createDeveloperTokenCheck({ teamId: TEAM_ID, keyId: KEY_ID, publicKey });
      expect(await check(token)).toMatchObject({ valid: true, claims: { iss: TEAM_ID } });
    }
    const other = createDeveloperTokenCheck({
      teamId: TEAM_ID,
      keyId: KEY_ID,
      publicKey: await exportSPKI(otherKeys.publicKey),
    });
    expect(await other(token)).toMatchObject({ valid: false });
  });

  it('refuses unusable keys and identifiers at creation, without echoing the key', async () => {
    const create =
      (publicKey: unknown, teamId = TEAM_ID, keyId = KEY_ID) =>
      () =>
        createDeveloperTokenCheck({ teamId, keyId, publicKey: publicKey as string });
    expect(create('not a pem')).toThrow(/PEM text starting with "-----BEGIN/);
    expect(create('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----')).toThrow(
      /could not be read/,
    );
    expect(create(42)).toThrow(/must be a CryptoKey, a KeyObject, a JWK object, or a PEM string/);
    expect(create({ kty: 'EC', crv: 'P-256' })).toThrow(/JWK could not be read/);
    const { generateKeyPairSync } = await import('node:crypto');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    expect(create(rsa)).toThrow(/must be an EC P-256 key.*got a rsa key/);
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey;
    expect(create(p384)).toThrow(/got a ec secp384r1 key/);
    expect(create(keys.publicKey, 'abcde12345')).toThrow(/teamId must be 10 uppercase/);
    expect(create(keys.publicKey, TEAM_ID, 'KEY')).toThrow(/keyId must be 10 uppercase/);
    const pkcs8 = await exportPKCS8(keys.privateKey);
    const body = pkcs8.split('\n')[1] ?? '';
    let message = '';
    try {
      create(pkcs8.replace(body, `${body.slice(0, 10)}!!${body.slice(12)}`))();
    } catch (error) {
      message = String(error);
    }
    expect(message).toMatch(/could not be read/);
    expect(message).not.toContain(body.slice(0, 10));
  });
});
