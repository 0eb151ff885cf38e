const encoder = new TextEncoder();

/**
 * The UTF-8 bytes of `text`. ASCII, which states, nonces and JWTs are, is
 * copied in plain code: a `TextEncoder` call costs more than the copy.
 */
export function utf8Bytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code > 0x7f) return encoder.encode(text);
    bytes[index] = code;
  }
  return bytes;
}

/** How many bytes `text` takes in UTF-8 (a lone surrogate counts as U+FFFD's 3), without encoding it. */
export function utf8Length(text: string): number {
  let length = text.length;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code <= 0x7f) continue;
    if (code <= 0x7ff) {
      length += 1;
    } else if (code >= 0xd800 && code <= 0xdbff && isLowSurrogate(text.charCodeAt(index + 1))) {
      length += 2;
      index += 1;
    } else {
      length += 2;
    }
  }
  return length;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
