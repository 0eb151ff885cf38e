// createDeveloperTokenCheck's otherKeys and refusal, without HTTP: what an
// msw setup without startSandbox uses to accept a rotated key and to refuse
// the tokens of a revoked one.
import { describe, expect, it } from 'vitest';
import { createDeveloperTokenCheck, type DeveloperTokenRefusal } from '../src/index.js';
import { createKeyPair, KEY_ID, signDeveloperToken, TEAM_ID } from './support/developer-tokens.js';

const [keys, rotated] = await Promise.all([createKeyPair(), createKeyPair()]);
const ROTATED_KEY_ID = 'ROTATED123';
const NOW_MS = Date.parse('2026-06-01T12:00:00Z');
const NOW = NOW_MS / 1000;

describe('createDeveloperTokenCheck with other keys and a refusal', () => {
  it('verifies a token of another key with that key, read from the map on every check', async () => {
    const otherKeys = new Map();
    const check = createDeveloperTokenCheck({
      teamId: TEAM_ID,
      keyId: KEY_ID,
      publicKey: keys.publicKey,
      now: () => NOW_MS,
      otherKeys,
    });
    const token = await signDeveloperToken(rotated.privateKey, { kid: ROTATED_KEY_ID, iat: NOW });
    expect(await check(token)).toEqual({
      valid: false,
      reason: `the developer token header kid does not match the key ID ${KEY_ID}`,
    });
    otherKeys.set(ROTATED_KEY_ID, rotated.publicKey);
    expect(await check(token)).toMatchObject({ valid: true, claims: { iss: TEAM_ID, iat: NOW } });
    const unknown = await signDeveloperToken(rotated.privateKey, { kid: 'UNKNOWN123', iat: NOW });
    expect(await check(unknown)).toEqual({
      valid: false,
      reason: `the developer token header kid does not match the key ID ${KEY_ID} or ${ROTATED_KEY_ID}`,
    });
  });

  it('refuses by key ID or by issue time only tokens that pass every other check', async () => {
    let refusal: DeveloperTokenRefusal | undefined;
    const check = createDeveloperTokenCheck({
      teamId: TEAM_ID,
      keyId: KEY_ID,
      publicKey: keys.publicKey,
      now: () => NOW_MS,
      refusal: () => refusal,
    });
    const early = await signDeveloperToken(keys.privateKey, { iat: NOW - 120 });
    const late = await signDeveloperToken(keys.privateKey, { iat: NOW - 30 });
    expect((await check(early)).valid).toBe(true);

    refusal = { issuedBefore: NOW_MS - 60_000 };
    expect(await check(early)).toEqual({
      valid: false,
      reason:
        'the developer token was issued before 2026-06-01T11:59:00.000Z (refuseDeveloperTokens)',
    });
    expect((await check(late)).valid).toBe(true);

    refusal = { keyIds: [KEY_ID] };
    expect(await check(late)).toEqual({
      valid: false,
      reason: `the key ${KEY_ID} is revoked (refuseDeveloperTokens)`,
    });
    const expired = await signDeveloperToken(keys.privateKey, { iat: NOW - 7200, exp: NOW - 60 });
    expect(await check(expired)).toEqual({
      valid: false,
      reason: 'the developer token has expired',
    });
  });
});
