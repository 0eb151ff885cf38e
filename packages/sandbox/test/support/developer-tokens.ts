// Test-side developer tokens, signed with jose independently of the sandbox.
import { type CryptoKey, generateKeyPair, SignJWT } from 'jose';

export const TEAM_ID = 'ABCDE12345';
export const KEY_ID = 'KEY1234567';

/** An ES256 key pair, as jose's CryptoKeys. */
export interface KeyPair {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

/** A fresh extractable ES256 key pair. */
export function createKeyPair(): Promise<KeyPair> {
  return generateKeyPair('ES256', { extractable: true });
}

/** What to put in a test developer token; every field has a valid default. */
export interface TokenFields {
  kid?: string;
  iss?: string;
  /** Seconds since the epoch; now by default. */
  iat?: number;
  /** Seconds since the epoch; iat + 1 hour by default. */
  exp?: number;
  origin?: string[];
}

/** Signs an ES256 developer token. */
export function signDeveloperToken(
  privateKey: CryptoKey,
  fields: TokenFields = {},
): Promise<string> {
  const iat = fields.iat ?? Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {};
  if (fields.origin) claims.origin = fields.origin;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: fields.kid ?? KEY_ID })
    .setIssuer(fields.iss ?? TEAM_ID)
    .setIssuedAt(iat)
    .setExpirationTime(fields.exp ?? iat + 3600)
    .sign(privateKey);
}
