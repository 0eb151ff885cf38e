import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { originClaimOf, originNotInClaim } from '../../src/browser/developer-token-origins.js';

const key = new TextEncoder().encode('a-key-for-hs256-that-is-long-enough');
const token = (claims: Record<string, unknown>) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(key);

describe('originClaimOf', () => {
  it('reads the origin claim of a JWT without checking its signature', async () => {
    const jwt = await token({
      iss: 'TEAM123456',
      origin: ['https://app.example', 'http://127.0.0.1:3000'],
    });
    expect(originClaimOf(jwt)).toEqual(['https://app.example', 'http://127.0.0.1:3000']);
    expect(originClaimOf(`${jwt.slice(0, jwt.lastIndexOf('.'))}.forged`)).toEqual([
      'https://app.example',
      'http://127.0.0.1:3000',
    ]);
  });

  it('is undefined without the claim, with a malformed claim, or for something that is not a JWT', async () => {
    expect(originClaimOf(await token({ iss: 'TEAM123456' }))).toBeUndefined();
    expect(originClaimOf(await token({ origin: 'https://app.example' }))).toBeUndefined();
    expect(originClaimOf(await token({ origin: ['https://app.example', 7] }))).toBeUndefined();
    for (const text of ['', 't', 'a.b.c', 'a.!!!.c', 'a.bnVsbA.c', 'a.WyJ4Il0.c']) {
      expect(originClaimOf(text)).toBeUndefined();
    }
  });
});

describe('originNotInClaim', () => {
  it('gives the listed origins only when the page is not among them', async () => {
    const jwt = await token({ origin: ['https://app.example'] });
    expect(originNotInClaim(jwt, 'http://127.0.0.1:3000')).toEqual(['https://app.example']);
    expect(originNotInClaim(jwt, 'https://app.example')).toBeUndefined();
    expect(originNotInClaim(await token({ origin: [] }), 'https://app.example')).toEqual([]);
    expect(originNotInClaim(await token({}), 'https://app.example')).toBeUndefined();
  });
});
