import { generateKeyPairSync, type KeyObject, verify } from 'node:crypto';

/** A fresh P-256 key pair, as Apple's `.p8` text and as Node KeyObjects. */
export interface TestKeyPair {
  /** PKCS#8 PEM text, what Apple's AuthKey_<KEYID>.p8 holds. */
  pem: string;
  /** The base64 body of the PEM, on one line. */
  body: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** Generates a P-256 key pair at run time (no key is ever committed). */
export function generateP256(): TestKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const body = pem.replace(/-----(BEGIN|END) PRIVATE KEY-----/g, '').replace(/\s+/g, '');
  return { pem, body, privateKey, publicKey };
}

/**
 * True when `key` signs like the private half of `publicKey`: signs with
 * WebCrypto and verifies with Node's own ECDSA (IEEE P1363 signatures).
 */
export async function signsFor(key: CryptoKey, publicKey: KeyObject): Promise<boolean> {
  const data = new TextEncoder().encode('apple-music-auth');
  const signature = new Uint8Array(
    await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, data),
  );
  return verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature);
}

/** Checks an ES256 JWS signature with Node's crypto, independently of jose. */
export function verifyES256WithNode(token: string, publicKey: KeyObject): boolean {
  const [header, payload, signature] = token.split('.');
  if (header === undefined || payload === undefined || signature === undefined) return false;
  return verify(
    'sha256',
    Buffer.from(`${header}.${payload}`),
    { key: publicKey, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64url'),
  );
}

/**
 * A public, self-signed P-256 certificate (its private key was discarded at
 * creation: `openssl req -x509 -newkey ec … -keyout /dev/null`).
 */
export const CERTIFICATE_PEM = `-----BEGIN CERTIFICATE-----
MIIBbjCCARWgAwIBAgIUSWz0boSQqoIDf1l/QDGJwZ+D+wowCgYIKoZIzj0EAwIw
DDEKMAgGA1UEAwwBdDAgFw0yNjExMjUwMTMyMzBaGA8yMTI2MTEwMTAxMzIzMFow
DDEKMAgGA1UEAwwBdDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABC8kbJ/XysTW
FUL4VEHoLdUwCrpjbrEPlQ0vaRxw8qqZ1tM+cqZdThrvetXcZy/ZOndcJr7Q5q9/
E6GqgFABcKqjUzBRMB0GA1UdDgQWBBTk8T3KY/EqLOttmWPfrNgj9YYthDAfBgNV
HSMEGDAWgBTk8T3KY/EqLOttmWPfrNgj9YYthDAPBgNVHRMBAf8EBTADAQH/MAoG
CCqGSM49BAMCA0cAMEQCIAkaUq6qTbwpjhlzs5b9I36s3jppuhPM2J7OA1/BL01X
AiBKTmliCgCwf+B7lGPjckgSPAAj+I9KlhfY3T/4AMXFEA==
-----END CERTIFICATE-----
`;
