const STANDARD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * Standard base64 (`+`, `/`, `=` padding) of `bytes`, in plain code so that
 * it runs in browsers and every web-standard runtime (no `Buffer`).
 */
export function encodeBase64(bytes: Uint8Array): string {
  return encode(bytes, STANDARD, '=');
}

/** Base64url of `bytes` without padding, as JWTs and cookies carry it. */
export function encodeBase64URL(bytes: Uint8Array): string {
  return encode(bytes, URL_SAFE, '');
}

function encode(bytes: Uint8Array, alphabet: string, pad: string): string {
  let text = '';
  let index = 0;
  for (; index + 2 < bytes.length; index += 3) {
    const n =
      ((bytes[index] as number) << 16) |
      ((bytes[index + 1] as number) << 8) |
      (bytes[index + 2] as number);
    text += `${alphabet[n >>> 18]}${alphabet[(n >>> 12) & 63]}${alphabet[(n >>> 6) & 63]}${alphabet[n & 63]}`;
  }
  const rest = bytes.length - index;
  if (rest === 0) return text;
  const n = ((bytes[index] as number) << 16) | (rest === 2 ? (bytes[index + 1] as number) << 8 : 0);
  text += `${alphabet[n >>> 18]}${alphabet[(n >>> 12) & 63]}`;
  return rest === 2 ? `${text}${alphabet[(n >>> 6) & 63]}${pad}` : `${text}${pad}${pad}`;
}

/**
 * Bytes of standard or URL-safe base64 text, or `undefined` when the text
 * is not base64 (whitespace must already be removed).
 */
export function decodeBase64(text: string): Uint8Array | undefined {
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
