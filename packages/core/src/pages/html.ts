import { randomBytes } from '../crypto/random-bytes.js';

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes text for HTML element content and quoted attribute values. Other
 * characters than ASCII become numeric references, so that pages stay
 * one-byte strings, which Node writes without re-encoding.
 */
export function escapeHTML(text: string): string {
  return text.replace(
    /[&<>"']|[^\0-\x7f]/gu,
    (char) => HTML_ESCAPES[char] ?? `&#x${(char.codePointAt(0) as number).toString(16)};`,
  );
}

/** A fresh CSP nonce: 16 random bytes, base64. */
export function createCSPNonce(): string {
  return btoa(String.fromCharCode(...randomBytes(16)));
}
