import { createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  importPrivateKey,
  inspectPrivateKey,
  type PrivateKeyInput,
} from '../../src/tokens/keys.js';
import { rejectionOf, thrownBy } from '../support/errors.js';
import { generateP256, signsFor } from '../support/generated-keys.js';
import { damagedPkcs8, key as wrongKeyPair, wrongKeys } from '../support/wrong-keys.js';

const key = generateP256();
const lines = key.pem.trim().split('\n');
const header = lines[0] ?? '';
const footer = lines.at(-1) ?? '';
const chunks = lines.slice(1, -1);

describe('importPrivateKey accepts the .p8 key', () => {
  const base64 = (text: string) => Buffer.from(text).toString('base64');
  const accepted: [string, () => PrivateKeyInput][] = [
    ['as Apple ships it', () => key.pem],
    ['with CRLF line endings', () => key.pem.replace(/\n/g, '\r\n')],
    ['with surrounding whitespace', () => `\n\t  ${key.pem}  \n\n`],
    ['with literal \\n sequences (environment variable)', () => key.pem.replace(/\n/g, '\\n')],
    ['with literal \\r\\n sequences', () => key.pem.replace(/\n/g, '\\r\\n')],
    ['with double-escaped \\\\n sequences (JSON in JSON)', () => key.pem.replace(/\n/g, '\\\\n')],
    ['wrapped in quotes (.env file)', () => `"${key.pem.trim().replace(/\n/g, '\\n')}"`],
    ['with all newlines replaced by spaces', () => key.pem.trim().replace(/\n/g, ' ')],
    ['with all newlines removed', () => key.pem.replace(/\n/g, '')],
    ['with header, body and footer on one line', () => `${header}${key.body}${footer}`],
    ['with the body chunks separated by spaces', () => `${header}\n${chunks.join(' ')}\n${footer}`],
    ['base64-encoded once more (one blob)', () => base64(key.pem)],
    ['base64-encoded once more with CRLF inside', () => base64(key.pem.replace(/\n/g, '\r\n'))],
    ['base64-encoded once more, wrapped at 76', () => base64(key.pem).replace(/.{76}/g, '$&\n')],
    ['as the bare base64 body', () => key.body],
    ['as the bare body split over lines', () => chunks.join('\n')],
    ['as the bare body in base64url', () => Buffer.from(key.body, 'base64').toString('base64url')],
    ['as the file bytes (readFileSync without encoding)', () => Buffer.from(key.pem)],
    ['as DER bytes', () => key.privateKey.export({ type: 'pkcs8', format: 'der' })],
    ['as a private JWK', () => key.privateKey.export({ format: 'jwk' })],
    [
      'as a private JWK with unrelated members (alg, use, key_ops)',
      () => ({
        ...key.privateKey.export({ format: 'jwk' }),
        alg: 'ES384',
        use: 'enc',
        key_ops: ['verify'],
      }),
    ],
    ['as a Node KeyObject', () => key.privateKey],
  ];

  it.each(accepted)('%s', async (_name, input) => {
    const imported = await importPrivateKey(input());
    expect(imported.type).toBe('private');
    expect(imported.algorithm).toMatchObject({ name: 'ECDSA', namedCurve: 'P-256' });
    expect(imported.usages).toContain('sign');
    expect(imported.extractable).toBe(false);
    expect(await signsFor(imported, key.publicKey)).toBe(true);
  });

  it.each(accepted)('%s: inspectPrivateKey normalises it synchronously', (_name, make) => {
    const input = make();
    const { x, y, d } = key.privateKey.export({ format: 'jwk' });
    const expected =
      typeof input === 'string' || input instanceof Uint8Array
        ? { kind: 'pkcs8', pem: key.pem.trim() }
        : { kind: 'jwk', jwk: { kty: 'EC', crv: 'P-256', x, y, d } };
    const inspected = inspectPrivateKey(input);
    expect(inspected).not.toBeInstanceOf(Promise);
    expect(inspected).toStrictEqual(expected);
  });

  it('can make the key extractable when asked', async () => {
    const imported = await importPrivateKey(key.pem, { extractable: true });
    const jwk = await crypto.subtle.exportKey('jwk', imported);
    expect(jwk.d).toBe(key.privateKey.export({ format: 'jwk' }).d);
  });

  it('returns a suitable CryptoKey as it is', async () => {
    const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'sign',
      'verify',
    ]);
    expect(await importPrivateKey(pair.privateKey)).toBe(pair.privateKey);
  });

  it('inspectPrivateKey passes a suitable CryptoKey through as it is', async () => {
    const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'sign',
      'verify',
    ]);
    expect(inspectPrivateKey(pair.privateKey)).toStrictEqual({
      kind: 'crypto-key',
      key: pair.privateKey,
    });
  });
});

describe('importPrivateKey rejects what is not an EC P-256 private key', () => {
  it.each(wrongKeys)('%s', async (_name, input, message) => {
    const error = await rejectionOf(importPrivateKey(input() as PrivateKeyInput));
    expect(error.code).toBe('ERR_INVALID_KEY');
    expect(error.status).toBe(500);
    expect(error.message).toMatch(message);
    expect(error.message).toContain('PKCS#8 PEM of an EC P-256 private key');
    expect(error.message).toContain('"-----BEGIN PRIVATE KEY-----"');
    expect(error.message).toContain('Certificates, Identifiers & Profiles > Keys');
    expect(error.message).toContain('AuthKey_<KEYID>.p8');
    expect(error.message).not.toContain(wrongKeyPair.body.slice(20, 40));
  });

  /** Inputs whose shape is right: only the WebCrypto import can tell they are damaged. */
  const damagedContents = new Set([
    'PKCS#8 on P-256 with a damaged inner key',
    'a JWK with damaged values',
  ]);
  const wrongShape = wrongKeys.filter(([name]) => !damagedContents.has(name));

  it.each(wrongShape)(
    '%s: inspectPrivateKey throws the same error synchronously',
    async (_name, input) => {
      const rejection = await rejectionOf(importPrivateKey(input() as PrivateKeyInput));
      const error = thrownBy(() => inspectPrivateKey(input()));
      expect(error.code).toBe('ERR_INVALID_KEY');
      expect(error.message).toBe(rejection.message);
    },
  );

  it('leaves damaged contents in the right shape to the import', async () => {
    expect(inspectPrivateKey(damagedPkcs8)).toMatchObject({ kind: 'pkcs8' });
    const damagedJwk = { ...key.privateKey.export({ format: 'jwk' }), x: 'AAAA' };
    expect(inspectPrivateKey(damagedJwk)).toMatchObject({ kind: 'jwk' });
    expect(damagedContents.size).toBe(wrongKeys.length - wrongShape.length);
  });
});

describe('importPrivateKey rejects CryptoKeys that cannot sign ES256', () => {
  const subtle = crypto.subtle;
  const cases: [string, () => Promise<CryptoKey>, RegExp][] = [
    [
      'an ECDSA P-256 public key',
      async () =>
        (await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']))
          .publicKey,
      /CryptoKey is a public key/,
    ],
    [
      'an ECDSA P-384 private key',
      async () =>
        (await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, true, ['sign', 'verify']))
          .privateKey,
      /curve P-384; developer tokens need P-256/,
    ],
    [
      'an ECDH P-256 private key',
      async () =>
        (await subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']))
          .privateKey,
      /for ECDH, not ECDSA \(import it with \{ name: 'ECDSA', namedCurve: 'P-256' \} instead\)/,
    ],
    [
      'an RSA private key',
      async () =>
        (
          await subtle.generateKey(
            {
              name: 'RSASSA-PKCS1-v1_5',
              modulusLength: 2048,
              publicExponent: new Uint8Array([1, 0, 1]),
              hash: 'SHA-256',
            },
            true,
            ['sign', 'verify'],
          )
        ).privateKey,
      /for RSASSA-PKCS1-v1_5, not ECDSA\./,
    ],
    [
      'an HMAC key',
      () => subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, true, ['sign']),
      /CryptoKey is a secret key/,
    ],
  ];

  it.each(cases)('%s', async (_name, make, message) => {
    const error = await rejectionOf(importPrivateKey(await make()));
    expect(error.code).toBe('ERR_INVALID_KEY');
    expect(error.message).toMatch(message);
    expect(error.message).toContain('AuthKey_<KEYID>.p8');
  });

  it.each(cases)('%s: inspectPrivateKey throws synchronously', async (_name, make, message) => {
    const cryptoKey = await make();
    const error = thrownBy(() => inspectPrivateKey(cryptoKey));
    expect(error.code).toBe('ERR_INVALID_KEY');
    expect(error.message).toMatch(message);
  });

  it('recognises a CryptoKey from another realm by its shape', async () => {
    const foreign = {
      type: 'public',
      algorithm: { name: 'ECDSA', namedCurve: 'P-256' },
      usages: [],
    };
    const error = await rejectionOf(importPrivateKey(foreign as unknown as PrivateKeyInput));
    expect(error.message).toMatch(/CryptoKey is a public key/);
  });

  it('accepts a KeyObject made by createPrivateKey from the .p8 text', async () => {
    const imported = await importPrivateKey(createPrivateKey(key.pem));
    expect(await signsFor(imported, key.publicKey)).toBe(true);
  });
});
