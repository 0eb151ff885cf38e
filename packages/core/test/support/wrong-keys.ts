// Keys that are not Apple's .p8 (EC P-256, PKCS#8), in every shape a user may
// pass one: shared by the importer's tests and createAppleMusicAuth's.
import { createSecretKey, generateKeyPairSync } from 'node:crypto';
import { CERTIFICATE_PEM, generateP256 } from './generated-keys.js';

/** A name for the test, the input, and what the error message must match. */
export type WrongKey = readonly [name: string, input: () => unknown, message: RegExp];

/** The P-256 pair whose public halves appear among the wrong keys. */
export const key = generateP256();
const [header = '', ...rest] = key.pem.trim().split('\n');
const footer = rest.at(-1) ?? '';
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const ed25519 = generateKeyPairSync('ed25519');
const publicJwk = key.publicKey.export({ format: 'jwk' });
export const damagedPkcs8 = Buffer.from(
  '301d020100301306072a8648ce3d020106082a8648ce3d030107040305010a',
  'hex',
).toString('base64');

/**
 * Inputs `importPrivateKey` must refuse, each with what its message must say.
 * The last two have the right shape and fail only at the WebCrypto import.
 */
export const wrongKeys: readonly WrongKey[] = [
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
  ['random text', () => 'this is not a key, sorry!', /not a key: it is plain text/],
  [
    'plain text whose letters happen to be base64',
    () => 'hello world\n',
    /not a key: it is plain text \(words separated by spaces\), neither a PEM key .* nor base64/,
  ],
  [
    'a word of base64 letters',
    () => 'abcdefgh',
    /not a key: read as base64, it decodes to neither/,
  ],
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
