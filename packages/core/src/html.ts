import { encodeBase64 } from './base64.js';

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHTML(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] as string);
}

/** A fresh CSP nonce: 16 random bytes, base64. */
export function createCSPNonce(): string {
  return encodeBase64(crypto.getRandomValues(new Uint8Array(16)));
}
