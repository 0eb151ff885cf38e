import { importJWK, importPKCS8 } from 'jose';
import { describeValue } from '../checks/describe-value.js';
import { AppleMusicAuthError } from '../errors.js';

/**
 * The parts of a Node.js `KeyObject` this library uses, spelled out so that
 * the main entry needs no `node:` import: pass `crypto.createPrivateKey(…)`.
 *
 * @inline
 */
export interface KeyObjectLike {
  /** `'private'`, `'public'` or `'secret'`. */
  readonly type: string;
  /** `'ec'` for Apple's key. */
  readonly asymmetricKeyType?: string | undefined;
  /** Exports the key as a JWK. */
  export(options: { format: 'jwk' }): JsonWebKey;
}

/**
 * Anything core reads as a key: the `.p8` text (mangled newlines,
 * CRLF and base64-wrapping are fine), the file's bytes, a `CryptoKey`, a JWK,
 * or a Node.js `KeyObject`.
 */
export type PrivateKeyInput = string | Uint8Array | CryptoKey | JsonWebKey | KeyObjectLike;

/**
 * How {@link importPrivateKey} creates the `CryptoKey`.
 *
 * @inline
 */
export interface ImportPrivateKeyOptions {
  /** Whether the key may be exported again (default `false`). */
  extractable?: boolean;
}

const APPLE_KEY =
  'Apple\'s MusicKit key is a PKCS#8 PEM of an EC P-256 private key ("-----BEGIN PRIVATE KEY-----"), ' +
  'downloaded once from Certificates, Identifiers & Profiles > Keys as AuthKey_<KEYID>.p8.';

const SEC1_HELP =
  'Convert it with `openssl pkcs8 -topk8 -nocrypt -in key.pem -out AuthKey.p8`, or use the .p8 file Apple gave you.';

const OID = {
  ecPublicKey: '2a8648ce3d0201',
  p256: '2a8648ce3d030107',
} as const;

const OTHER_CURVES: Readonly<Record<string, string>> = {
  '2b81040022': 'P-384',
  '2b81040023': 'P-521',
  '2b8104000a': 'secp256k1',
};

const OTHER_ALGORITHMS: Readonly<Record<string, string>> = {
  '2a864886f70d010101': 'an RSA key',
  '2a864886f70d01010a': 'an RSA-PSS key',
  '2a8648ce380401': 'a DSA key',
  '2b6570': 'an Ed25519 key',
  '2b6571': 'an Ed448 key',
  '2b656e': 'an X25519 key',
  '2b656f': 'an X448 key',
};

/**
 * The key after `inspectPrivateKey`: every structural check passed and
 * only the WebCrypto import is left. Text and bytes become clean PKCS#8 PEM;
 * a JWK or a Node.js `KeyObject` becomes a JWK with only its EC members.
 */
export type InspectedPrivateKey =
  | { readonly kind: 'crypto-key'; readonly key: CryptoKey }
  | { readonly kind: 'pkcs8'; readonly pem: string }
  | {
      readonly kind: 'jwk';
      readonly jwk: {
        readonly kty: 'EC';
        readonly crv: 'P-256';
        readonly x: string;
        readonly y: string;
        readonly d: string;
      };
    };

/**
 * Checks Apple's `.p8` key synchronously, without WebCrypto, and returns it
 * normalised for import: everything {@link importPrivateKey} accepts passes,
 * everything it refuses for its shape (wrong PEM label, RSA, P-384,
 * encrypted, public, a certificate, a bad JWK, KeyObject or CryptoKey)
 * throws the same `ERR_INVALID_KEY`. Only a key whose contents are damaged
 * beyond its shape passes here and fails at import.
 */
export function inspectPrivateKey(input: unknown): InspectedPrivateKey {
  if (typeof input === 'string') return inspectText(input, true);
  if (input instanceof Uint8Array) return inspectBytes(input);
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalidKey(
      `expected the .p8 file's text, its bytes, a CryptoKey, a JWK or a Node.js KeyObject, got ${describeValue(input)}.`,
    );
  }
  if (isCryptoKey(input)) return { kind: 'crypto-key', key: checkCryptoKey(input) };
  if (isKeyObjectLike(input)) return inspectKeyObject(input);
  return inspectJwk(input as JsonWebKey);
}

/**
 * Turns Apple's `.p8` key, in whatever shape it arrived, into an ES256
 * (ECDSA P-256) private `CryptoKey` for signing developer tokens.
 *
 * Accepts the PEM text also with CRLF line endings, surrounding whitespace
 * or quotes, literal `\n` sequences (environment variables), all newlines
 * lost, the whole file base64-encoded once more, or only the base64 body;
 * the file's bytes; a JWK; a `CryptoKey`; or a Node.js `KeyObject`.
 * Anything else rejects with `ERR_INVALID_KEY` saying what was wrong.
 * The checks are `inspectPrivateKey`'s; this adds the import.
 */
export async function importPrivateKey(
  input: PrivateKeyInput,
  options: ImportPrivateKeyOptions = {},
): Promise<CryptoKey> {
  const inspected = inspectPrivateKey(input);
  const extractable = options.extractable ?? false;
  switch (inspected.kind) {
    case 'crypto-key':
      return inspected.key;
    case 'pkcs8':
      try {
        return await importPKCS8(inspected.pem, 'ES256', { extractable });
      } catch (error) {
        throw invalidKey(
          'the key has the shape of a P-256 PKCS#8 key, but its contents are damaged and cannot be imported.',
          error,
        );
      }
    case 'jwk':
      try {
        return await importJWK(inspected.jwk, 'ES256', { extractable });
      } catch (error) {
        throw invalidKey('the JWK has the right type but its values are damaged.', error);
      }
  }
}

function invalidKey(problem: string, cause?: unknown): AppleMusicAuthError {
  const message = `Invalid private key: ${problem} ${APPLE_KEY}`;
  return new AppleMusicAuthError('ERR_INVALID_KEY', message, { cause });
}

function inspectBytes(bytes: Uint8Array): InspectedPrivateKey {
  if (bytes.length === 0) throw invalidKey('the key is empty (0 bytes).');
  if (bytes[0] === 0x30) return inspectDer(bytes);
  return inspectText(new TextDecoder().decode(bytes), true);
}

function inspectText(raw: string, mayBeWrapped: boolean): InspectedPrivateKey {
  const text = normalizeText(raw);
  if (text === '') throw invalidKey('the key is an empty string.');
  if (text.includes('-----BEGIN')) return inspectDer(pemBody(text));
  if (!text.includes('\n') && /\.p8$/i.test(text)) {
    throw invalidKey(
      "the value looks like a file path, not the key's contents: pass the text of the .p8 file " +
        '(on Node.js, `readPrivateKey(path)` from `@apple-music-auth/core/node` reads it).',
    );
  }
  if (/\S[^\S\n]+\S/.test(text)) {
    throw invalidKey(
      `the value is not a key: it is plain text (words separated by spaces), ${NOT_A_KEY_SHAPE}.`,
    );
  }
  const bytes = base64Bytes(text.replace(/\s+/g, ''));
  if (bytes === undefined) throw invalidKey(`the value is not a key: it is ${NOT_A_KEY_SHAPE}.`);
  if (bytes[0] === 0x30) return inspectDer(bytes);
  const decoded = new TextDecoder().decode(bytes);
  if (mayBeWrapped && decoded.includes('-----BEGIN')) return inspectText(decoded, false);
  throw invalidKey(
    'the value is not a key: read as base64, it decodes to neither a key nor a PEM file.',
  );
}

/** What a key's text must look like, for the messages about text that is not one. */
const NOT_A_KEY_SHAPE =
  'neither a PEM key (a "-----BEGIN PRIVATE KEY-----" line, base64, a "-----END PRIVATE KEY-----" line) nor base64';

/**
 * Bytes of standard or URL-safe base64 text (whitespace already removed),
 * read with the platform's `atob`, or `undefined` when the text is not base64.
 */
function base64Bytes(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) && !/^[A-Za-z0-9_-]+={0,2}$/.test(text)) {
    return undefined;
  }
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(binary, (char) => char.charCodeAt(0));
  } catch {
    return undefined;
  }
}

/** Undoes what copying a PEM through env vars, JSON and shells does to it. */
function normalizeText(raw: string): string {
  let text = raw.trim();
  const quoted = /^(["'`])([\s\S]*)\1$/.exec(text);
  if (quoted?.[2] !== undefined) text = quoted[2].trim();
  return text
    .replace(/(?:\\+r)?\\+n/g, '\n')
    .replace(/\r\n?/g, '\n')
    .trim();
}

/** Returns the DER bytes of the "PRIVATE KEY" block, or says which other PEM this is. */
function pemBody(text: string): Uint8Array {
  const labels = [...text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----/g)]
    .map((match) => match[1] ?? '')
    .filter((label) => label !== 'EC PARAMETERS');
  const label = labels.includes('PRIVATE KEY') ? 'PRIVATE KEY' : labels[0];
  switch (label) {
    case 'PRIVATE KEY':
      break;
    case 'ENCRYPTED PRIVATE KEY':
      throw invalidKey(
        'this PEM is encrypted ("-----BEGIN ENCRYPTED PRIVATE KEY-----"); decrypt it with `openssl pkcs8 -in key.pem -out AuthKey.p8` or use the unencrypted .p8 file.',
      );
    case 'EC PRIVATE KEY':
      throw invalidKey(
        `this PEM is a SEC1 EC key ("-----BEGIN EC PRIVATE KEY-----"), not PKCS#8. ${SEC1_HELP}`,
      );
    case 'RSA PRIVATE KEY':
      throw invalidKey(
        'this PEM is an RSA key ("-----BEGIN RSA PRIVATE KEY-----"); developer tokens need the EC P-256 key (ES256).',
      );
    case 'PUBLIC KEY':
    case 'EC PUBLIC KEY':
    case 'RSA PUBLIC KEY':
      throw invalidKey(
        `this PEM is a public key ("-----BEGIN ${label}-----"); signing needs the private key.`,
      );
    case 'CERTIFICATE':
      throw invalidKey(
        'this PEM is a certificate ("-----BEGIN CERTIFICATE-----"), not a private key.',
      );
    case 'OPENSSH PRIVATE KEY':
      throw invalidKey('this is an OpenSSH key ("-----BEGIN OPENSSH PRIVATE KEY-----").');
    default:
      throw invalidKey(
        label === undefined
          ? 'the "-----BEGIN" line is malformed; it should read "-----BEGIN PRIVATE KEY-----".'
          : `this PEM holds a "${label}", not a "PRIVATE KEY".`,
      );
  }
  const header = '-----BEGIN PRIVATE KEY-----';
  const footer = '-----END PRIVATE KEY-----';
  const start = text.indexOf(header) + header.length;
  const end = text.indexOf(footer, start);
  if (end === -1) {
    throw invalidKey(
      `the PEM has no "${footer}" line; the key was probably cut short when copied.`,
    );
  }
  const bytes = base64Bytes(text.slice(start, end).replace(/\s+/g, ''));
  if (bytes === undefined || bytes.length === 0) {
    throw invalidKey(
      'the text between the BEGIN and END lines is not valid base64; the key was damaged when copied.',
    );
  }
  return bytes;
}

/** Checks that the DER is an unencrypted PKCS#8 EC P-256 key and returns it as PEM. */
function inspectDer(der: Uint8Array): InspectedPrivateKey {
  const kind = classifyDer(der);
  switch (kind.type) {
    case 'pkcs8':
      break;
    case 'encrypted-pkcs8':
      throw invalidKey(
        'the key is an encrypted PKCS#8 key; decrypt it with `openssl pkcs8 -in key.pem -out AuthKey.p8` or use the unencrypted .p8 file.',
      );
    case 'sec1':
      throw invalidKey(`the key is a SEC1 EC key, not PKCS#8. ${SEC1_HELP}`);
    case 'pkcs1':
      throw invalidKey(
        'the key is an RSA key (PKCS#1); developer tokens need the EC P-256 key (ES256).',
      );
    case 'spki':
      throw invalidKey('the key is a public key; signing needs the private key.');
    case 'certificate':
      throw invalidKey('the value is a certificate, not a private key.');
    default:
      throw invalidKey('the bytes are not a PKCS#8 private key (the structure is not recognised).');
  }
  if (kind.algorithm !== OID.ecPublicKey) {
    const what = OTHER_ALGORITHMS[kind.algorithm] ?? 'a key of an unsupported algorithm';
    throw invalidKey(`the key is ${what}; developer tokens need an EC P-256 key (ES256).`);
  }
  if (kind.curve !== OID.p256) {
    const curve = (kind.curve && OTHER_CURVES[kind.curve]) ?? 'a curve other than P-256';
    throw invalidKey(`the key is an EC key on ${curve}; developer tokens need P-256 (ES256).`);
  }
  const binary = Array.from(der, (byte) => String.fromCharCode(byte)).join('');
  const lines = btoa(binary).match(/.{1,64}/g) ?? [];
  const pem = `-----BEGIN PRIVATE KEY-----\n${lines.join('\n')}\n-----END PRIVATE KEY-----`;
  return { kind: 'pkcs8', pem };
}

type DerKind =
  | { type: 'pkcs8'; algorithm: string; curve: string | undefined }
  | { type: 'encrypted-pkcs8' | 'sec1' | 'pkcs1' | 'spki' | 'certificate' | 'unknown' };

interface Tlv {
  tag: number;
  start: number;
  end: number;
}

/** Tells the common key and certificate structures apart by their outer shape. */
function classifyDer(der: Uint8Array): DerKind {
  const outer = readTlv(der, 0, der.length);
  const parts = outer?.tag === 0x30 && outer.end === der.length ? readAll(der, outer) : undefined;
  const [first, second, third] = parts ?? [];
  if (first === undefined || second === undefined) return { type: 'unknown' };
  if (first.tag === 0x02) {
    if (second.tag === 0x30 && third?.tag === 0x04) {
      const [algorithm, parameters] = readAll(der, second) ?? [];
      if (algorithm?.tag !== 0x06) return { type: 'unknown' };
      return {
        type: 'pkcs8',
        algorithm: hex(der, algorithm),
        curve: parameters?.tag === 0x06 ? hex(der, parameters) : undefined,
      };
    }
    if (second.tag === 0x04) return { type: 'sec1' };
    if (second.tag === 0x02) return { type: 'pkcs1' };
  }
  if (first.tag === 0x30) {
    if (second.tag === 0x03 && third === undefined) return { type: 'spki' };
    if (second.tag === 0x04 && third === undefined) return { type: 'encrypted-pkcs8' };
    if (second.tag === 0x30 && third?.tag === 0x03) return { type: 'certificate' };
  }
  return { type: 'unknown' };
}

function readTlv(der: Uint8Array, offset: number, limit: number): Tlv | undefined {
  const tag = der[offset];
  let length = der[offset + 1];
  if (tag === undefined || length === undefined) return undefined;
  let start = offset + 2;
  if (length > 0x80) {
    const count = length - 0x80;
    if (count > 3) return undefined;
    length = 0;
    for (let index = 0; index < count; index += 1) {
      const byte = der[start + index];
      if (byte === undefined) return undefined;
      length = length * 256 + byte;
    }
    start += count;
  } else if (length === 0x80) {
    return undefined;
  }
  const end = start + length;
  return end <= limit ? { tag, start, end } : undefined;
}

function readAll(der: Uint8Array, parent: Tlv): Tlv[] | undefined {
  const children: Tlv[] = [];
  let offset = parent.start;
  while (offset < parent.end) {
    const child = readTlv(der, offset, parent.end);
    if (child === undefined) return undefined;
    children.push(child);
    offset = child.end;
  }
  return children;
}

function hex(der: Uint8Array, tlv: Tlv): string {
  return Array.from(der.subarray(tlv.start, tlv.end), (byte) =>
    byte.toString(16).padStart(2, '0'),
  ).join('');
}

function isCryptoKey(value: object): value is CryptoKey {
  if (typeof CryptoKey === 'function' && value instanceof CryptoKey) return true;
  const candidate = value as { algorithm?: unknown; usages?: unknown; type?: unknown };
  return (
    typeof candidate.algorithm === 'object' &&
    candidate.algorithm !== null &&
    Array.isArray(candidate.usages) &&
    typeof candidate.type === 'string'
  );
}

function checkCryptoKey(key: CryptoKey): CryptoKey {
  const { name, namedCurve } = key.algorithm as { name?: unknown; namedCurve?: unknown };
  if (key.type !== 'private') {
    throw invalidKey(
      `the CryptoKey is a ${String(key.type)} key; signing needs the EC P-256 private key.`,
    );
  }
  if (name !== 'ECDSA') {
    const hint =
      name === 'ECDH' ? " (import it with { name: 'ECDSA', namedCurve: 'P-256' } instead)" : '';
    throw invalidKey(`the CryptoKey is for ${String(name)}, not ECDSA${hint}.`);
  }
  if (namedCurve !== 'P-256') {
    throw invalidKey(
      `the CryptoKey is on curve ${String(namedCurve)}; developer tokens need P-256 (ES256).`,
    );
  }
  return key;
}

function isKeyObjectLike(value: object): value is KeyObjectLike {
  const candidate = value as { type?: unknown; export?: unknown };
  return typeof candidate.type === 'string' && typeof candidate.export === 'function';
}

function inspectKeyObject(key: KeyObjectLike): InspectedPrivateKey {
  if (key.type !== 'private') {
    throw invalidKey(
      `the KeyObject is a ${key.type} key; signing needs the EC P-256 private key (crypto.createPrivateKey).`,
    );
  }
  if (key.asymmetricKeyType !== 'ec') {
    throw invalidKey(
      `the KeyObject is a ${String(key.asymmetricKeyType)} key; developer tokens need an EC P-256 key (ES256).`,
    );
  }
  let jwk: JsonWebKey;
  try {
    jwk = key.export({ format: 'jwk' });
  } catch (error) {
    throw invalidKey('the KeyObject could not be exported as a JWK.', error);
  }
  return inspectJwk(jwk);
}

function inspectJwk(jwk: JsonWebKey): InspectedPrivateKey {
  const { kty, crv, x, y, d } = jwk as Record<string, unknown>;
  if (kty === undefined) {
    throw invalidKey(
      'the object is neither a CryptoKey, a Node.js KeyObject nor a JWK (it has no "kty").',
    );
  }
  if (kty !== 'EC') {
    const what =
      kty === 'RSA'
        ? 'an RSA key'
        : kty === 'oct'
          ? 'a symmetric (oct) key'
          : `a key of type ${JSON.stringify(kty)}`;
    throw invalidKey(
      `the JWK is ${what} ("kty"); developer tokens need an EC P-256 key ("kty": "EC", "crv": "P-256").`,
    );
  }
  if (crv !== 'P-256') {
    throw invalidKey(
      `the JWK is an EC key on curve ${JSON.stringify(crv)}; developer tokens need "crv": "P-256".`,
    );
  }
  if (typeof d !== 'string' || d === '') {
    throw invalidKey('the JWK is a public key (it has no "d"); signing needs the private key.');
  }
  if (typeof x !== 'string' || typeof y !== 'string') {
    throw invalidKey('the JWK lacks its public coordinates "x" and "y".');
  }
  return { kind: 'jwk', jwk: { kty, crv, x, y, d } };
}
