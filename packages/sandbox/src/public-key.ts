import { createPublicKey, KeyObject } from 'node:crypto';
import type { CryptoKey, JWK } from 'jose';

/**
 * The key the sandbox checks developer tokens against: the public half of
 * the `.p8` key, as a `CryptoKey`, a Node `KeyObject`, a JWK, or an SPKI PEM
 * string. For convenience in tests the private key is accepted too (PKCS#8
 * PEM, `KeyObject`, JWK with `d`, or `CryptoKey`): its public key is derived.
 */
export type SandboxPublicKey = CryptoKey | KeyObject | JWK | string;

/**
 * Turns any accepted key form into a public EC P-256 `KeyObject`.
 *
 * @param input - the configured key.
 * @param field - the option name used in error messages.
 * @throws Error naming `field` and the expected shape when the key cannot be read
 *   or is not an EC P-256 key. The message never contains key material.
 */
export function resolvePublicKey(input: SandboxPublicKey, field = 'publicKey'): KeyObject {
  const key = toPublicKeyObject(input, field);
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error(
      `${field} must be an EC P-256 key (the kind in Apple's .p8 files), got a ${describe(key)} key.`,
    );
  }
  return key;
}

function toPublicKeyObject(input: SandboxPublicKey, field: string): KeyObject {
  if (typeof input === 'string') return fromPem(input, field);
  if (input instanceof KeyObject) return fromKeyObject(input, field);
  if (isCryptoKey(input)) return fromKeyObject(KeyObject.from(input), field);
  if (typeof input === 'object' && input !== null && typeof input.kty === 'string') {
    try {
      return createPublicKey({ key: withoutPrivatePart(input), format: 'jwk' });
    } catch (error) {
      throw new Error(
        `${field}: the JWK could not be read as an EC P-256 key (expected kty "EC", crv "P-256", x and y).`,
        { cause: error },
      );
    }
  }
  throw new Error(
    `${field} must be a CryptoKey, a KeyObject, a JWK object, or a PEM string (SPKI "PUBLIC KEY" or PKCS#8 "PRIVATE KEY").`,
  );
}

function fromPem(text: string, field: string): KeyObject {
  const pem = text.trim().replaceAll('\\n', '\n').replaceAll('\r\n', '\n');
  if (!pem.startsWith('-----BEGIN ')) {
    throw new Error(
      `${field}: a string key must be PEM text starting with "-----BEGIN PUBLIC KEY-----" or "-----BEGIN PRIVATE KEY-----" (the .p8 file's content).`,
    );
  }
  try {
    return createPublicKey({ key: pem, format: 'pem' });
  } catch (error) {
    throw new Error(
      `${field}: the PEM could not be read; pass an SPKI "PUBLIC KEY" or the PKCS#8 "PRIVATE KEY" from the .p8 file, with its line breaks.`,
      { cause: error },
    );
  }
}

function fromKeyObject(key: KeyObject, field: string): KeyObject {
  if (key.type === 'public') return key;
  if (key.type === 'private') return createPublicKey(key);
  throw new Error(`${field} is a secret (symmetric) key; pass the EC P-256 public or private key.`);
}

function withoutPrivatePart(jwk: JWK): JWK {
  const { d: _private, ...rest } = jwk;
  return rest;
}

function isCryptoKey(value: unknown): value is CryptoKey {
  return typeof value === 'object' && value !== null && value instanceof globalThis.CryptoKey;
}

function describe(key: KeyObject): string {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  return curve ? `${key.asymmetricKeyType} ${curve}` : (key.asymmetricKeyType ?? key.type);
}
