import { createPrivateKey, createSecretKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { importPrivateKey, inspectPrivateKey, type PrivateKeyInput } from '../src/keys.js';
import { rejectionOf, thrownBy } from './support/errors.js';
import { CERTIFICATE_PEM, generateP256, signsFor } from './support/generated-keys.js';

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
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const ed25519 = generateKeyPairSync('ed25519');
  const publicJwk = key.publicKey.export({ format: 'jwk' });
  const damagedPkcs8 = Buffer.from(
    '301d020100301306072a8648ce3d020106082a8648ce3d030107040305010a',
    'hex',
  ).toString('base64');

  const rejected: [string, () => unknown, RegExp][] = [
    ['an empty string', () => '', /empty string/],
    ['only whitespace', () => ' \r\n\t ', /empty string/],
    ['empty quotes', () => '""', /empty string/],
    ['an empty Uint8Array', () => new Uint8Array(), /empty \(0 bytes\)/],
    [
      'a PKCS#8 RSA key',
      () => rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }),
      /an RSA key; developer tokens need an EC P-256 key/,
    ],
    [
      'a "BEGIN RSA PRIVATE KEY" key',
      () => rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }),
      /RSA key \("-----BEGIN RSA PRIVATE KEY-----"\)/,
    ],
    [
      'a bare PKCS#1 RSA body',
      () => rsa.privateKey.export({ type: 'pkcs1', format: 'der' }).toString('base64'),
      /RSA key \(PKCS#1\)/,
    ],
    [
      'a P-384 key',
      () => p384.privateKey.export({ type: 'pkcs8', format: 'pem' }),
      /EC key on P-384; developer tokens need P-256/,
    ],
    [
      'an Ed25519 key',
      () => ed25519.privateKey.export({ type: 'pkcs8', format: 'pem' }),
      /an Ed25519 key/,
    ],
    [
      'an encrypted key',
      () =>
        key.privateKey.export({
          type: 'pkcs8',
          format: 'pem',
          cipher: 'aes-256-cbc',
          passphrase: 'secret',
        }),
      /encrypted \("-----BEGIN ENCRYPTED PRIVATE KEY-----"\)/,
    ],
    [
      'an encrypted key as bare base64',
      () =>
        key.privateKey
          .export({ type: 'pkcs8', format: 'der', cipher: 'aes-256-cbc', passphrase: 'secret' })
          .toString('base64'),
      /encrypted PKCS#8 key/,
    ],
    [
      'a public key',
      () => key.publicKey.export({ type: 'spki', format: 'pem' }),
      /public key \("-----BEGIN PUBLIC KEY-----"\); signing needs the private key/,
    ],
    [
      'a public key as bare base64',
      () => key.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
      /is a public key/,
    ],
    ['a certificate', () => CERTIFICATE_PEM, /certificate \("-----BEGIN CERTIFICATE-----"\)/],
    [
      'a certificate as bare base64',
      () => CERTIFICATE_PEM.replace(/-----[A-Z ]+-----|\s/g, ''),
      /is a certificate/,
    ],
    [
      'a SEC1 "BEGIN EC PRIVATE KEY" key',
      () => key.privateKey.export({ type: 'sec1', format: 'pem' }),
      /SEC1 EC key .*openssl pkcs8 -topk8 -nocrypt/,
    ],
    [
      'a SEC1 key with its EC PARAMETERS block (openssl ecparam -genkey)',
      () =>
        `-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n${key.privateKey.export({ type: 'sec1', format: 'pem' })}`,
      /SEC1 EC key .*openssl pkcs8 -topk8 -nocrypt/,
    ],
    [
      'a bare SEC1 body',
      () => key.privateKey.export({ type: 'sec1', format: 'der' }).toString('base64'),
      /SEC1 EC key, not PKCS#8.*openssl pkcs8 -topk8 -nocrypt/,
    ],
    [
      'an OpenSSH key',
      () => '-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----',
      /OpenSSH/,
    ],
    [
      'another PEM label',
      () => '-----BEGIN DH PARAMETERS-----\nAAAA\n-----END DH PARAMETERS-----',
      /holds a "DH PARAMETERS"/,
    ],
    [
      'a malformed BEGIN line',
      () => `-----BEGIN private key-----\n${key.body}`,
      /BEGIN" line is malformed/,
    ],
    ['random text', () => 'this is not a key, sorry!', /neither a PEM key .* nor base64/],
    ['a JWT pasted as the key', () => 'eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJ4In0.c2ln', /nor base64/],
    ['base64 of random bytes', () => 'aGVsbG8gd29ybGQ=', /decodes to neither a key nor a PEM file/],
    ['base64 of a length no decoder accepts', () => 'abcde', /nor base64/],
    ['a file path', () => './keys/AuthKey_ABCDE12345.p8', /looks like a file path.*readPrivateKey/],
    ['a PEM cut short', () => key.pem.slice(0, 120), /no "-----END PRIVATE KEY-----" line/],
    [
      'a PEM with a damaged body',
      () => `${header}\n${key.body.slice(0, 40)}!*${key.body.slice(40)}\n${footer}`,
      /not valid base64/,
    ],
    ['a PEM with an empty body', () => `${header}\n${footer}`, /not valid base64/],
    [
      'PKCS#8 on P-256 with a damaged inner key',
      () => damagedPkcs8,
      /shape of a P-256 PKCS#8 key, but its contents are damaged/,
    ],
    [
      'DER bytes that are no known structure',
      () => Uint8Array.from([0x30, 0x03, 0x01, 0x01, 0xff]),
      /structure is not recognised/,
    ],
    [
      'DER bytes with an unexpected second element',
      () => Uint8Array.from([0x30, 0x06, 0x02, 0x01, 0x00, 0x01, 0x01, 0xff]),
      /structure is not recognised/,
    ],
    [
      'DER bytes with an indefinite length',
      () => Uint8Array.from([0x30, 0x80, 0x02, 0x01, 0x00, 0x00, 0x00]),
      /structure is not recognised/,
    ],
    [
      'DER bytes with an oversized length field',
      () => Uint8Array.from([0x30, 0x84, 0x00, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00]),
      /structure is not recognised/,
    ],
    [
      'DER bytes with a length past the end',
      () => Uint8Array.from([0x30, 0x82, 0x01, 0x00, 0x02, 0x01]),
      /structure is not recognised/,
    ],
    ['a public-only JWK', () => publicJwk, /public key \(it has no "d"\)/],
    [
      'a JWK on the wrong curve',
      () => p384.privateKey.export({ format: 'jwk' }),
      /curve "P-384"; developer tokens need "crv": "P-256"/,
    ],
    ['an RSA JWK', () => rsa.privateKey.export({ format: 'jwk' }), /JWK is an RSA key \("kty"\)/],
    ['an oct JWK', () => ({ kty: 'oct', k: 'c2VjcmV0' }), /symmetric \(oct\) key/],
    ['an OKP JWK', () => ed25519.privateKey.export({ format: 'jwk' }), /type "OKP"/],
    [
      'a JWK without coordinates',
      () => ({ kty: 'EC', crv: 'P-256', d: key.privateKey.export({ format: 'jwk' }).d }),
      /lacks its public coordinates/,
    ],
    [
      'a JWK with damaged values',
      () => ({ ...key.privateKey.export({ format: 'jwk' }), x: 'AAAA' }),
      /JWK has the right type but its values are damaged/,
    ],
    [
      'an object that is no key',
      () => ({ pem: key.pem }),
      /neither a CryptoKey, a Node.js KeyObject nor a JWK/,
    ],
    ['a number', () => 42, /expected the .p8 file's text.*got 42/],
    ['null', () => null, /got null/],
    ['undefined', () => undefined, /got nothing/],
    ['an array', () => [key.pem], /got an array/],
    ['a public KeyObject', () => key.publicKey, /KeyObject is a public key/],
    ['a secret KeyObject', () => createSecretKey(Buffer.alloc(32, 1)), /KeyObject is a secret key/],
    ['an RSA KeyObject', () => rsa.privateKey, /KeyObject is a rsa key/],
    [
      'a KeyObject-like object whose export fails',
      () => ({
        type: 'private',
        asymmetricKeyType: 'ec',
        export() {
          throw new Error('not exportable');
        },
      }),
      /could not be exported as a JWK/,
    ],
  ];

  it.each(rejected)('%s', async (_name, input, message) => {
    const error = await rejectionOf(importPrivateKey(input() as PrivateKeyInput));
    expect(error.code).toBe('ERR_INVALID_KEY');
    expect(error.status).toBe(500);
    expect(error.message).toMatch(message);
    expect(error.message).toContain('PKCS#8 PEM of an EC P-256 private key');
    expect(error.message).toContain('"-----BEGIN PRIVATE KEY-----"');
    expect(error.message).toContain('Certificates, Identifiers & Profiles > Keys');
    expect(error.message).toContain('AuthKey_<KEYID>.p8');
    expect(error.message).not.toContain(key.body.slice(20, 40));
  });

  /** Inputs whose shape is right: only the WebCrypto import can tell they are damaged. */
  const damagedContents = new Set([
    'PKCS#8 on P-256 with a damaged inner key',
    'a JWK with damaged values',
  ]);
  const wrongShape = rejected.filter(([name]) => !damagedContents.has(name));

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
    expect(damagedContents.size).toBe(rejected.length - wrongShape.length);
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
