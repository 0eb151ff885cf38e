// The body readers under the callback: a declared length over the limit is
// refused before reading, a stream is cut as soon as it passes the limit, and
// text chunks count in bytes, as UTF-8.
import { describe, expect, it } from 'vitest';
import { decodeBodyBytes, readBodyText, readStreamText } from '../../src/http/request-body.js';
import { rejectionOf, thrownBy } from '../support/errors.js';

const URL = 'https://app.example/auth/apple-music/callback';
const encoder = new TextEncoder();

/** An async iterable over `chunks` with no `return()`, recording how many were pulled. */
function chunksWithoutReturn(chunks: Array<Uint8Array | string>) {
  let pulled = 0;
  const iterable: AsyncIterable<Uint8Array | string> = {
    [Symbol.asyncIterator]: () => ({
      next: async () =>
        pulled < chunks.length
          ? { done: false, value: chunks[pulled++] as Uint8Array | string }
          : { done: true, value: undefined },
    }),
  };
  return { iterable, pulled: () => pulled };
}

describe('readBodyText', () => {
  it('reads a request without a body as the empty text', async () => {
    await expect(readBodyText(new Request(URL, { method: 'POST' }), 10)).resolves.toBe('');
  });

  it('reads a body whose declared Content-Length is within the limit', async () => {
    const request = new Request(URL, {
      method: 'POST',
      body: 'state=s',
      headers: { 'content-length': '7' },
    });
    await expect(readBodyText(request, 7)).resolves.toBe('state=s');
  });

  it('refuses a declared Content-Length over the limit with 413 before reading', async () => {
    const request = new Request(URL, {
      method: 'POST',
      body: 'state=s',
      headers: { 'content-length': '8' },
    });
    const error = await rejectionOf(readBodyText(request, 7));
    expect(error.status).toBe(413);
    expect(error.message).toContain('larger than 7 bytes');
    expect(request.bodyUsed).toBe(false);
  });
});

describe('readStreamText', () => {
  it('reads past a declared length that is not a finite number, within the limit', async () => {
    const stream = chunksWithoutReturn(['state=s']).iterable;
    await expect(readStreamText(stream, 'Infinity', 7)).resolves.toBe('state=s');
  });

  it('counts text chunks in UTF-8 bytes', async () => {
    // Two characters, four bytes: within 4, over 3.
    await expect(readStreamText(chunksWithoutReturn(['éé']).iterable, null, 4)).resolves.toBe('éé');
    const error = await rejectionOf(readStreamText(chunksWithoutReturn(['éé']).iterable, null, 3));
    expect(error.status).toBe(413);
  });

  it('stops pulling at the chunk that passes the limit, even from a stream without return()', async () => {
    const stream = chunksWithoutReturn([encoder.encode('abc'), encoder.encode('def'), 'ghi']);
    const error = await rejectionOf(readStreamText(stream.iterable, undefined, 5));
    expect(error.code).toBe('ERR_CALLBACK_INVALID');
    expect(error.status).toBe(413);
    expect(stream.pulled()).toBe(2);
  });
});

describe('decodeBodyBytes', () => {
  it('refuses bytes over the limit with 413', () => {
    const error = thrownBy(() => decodeBodyBytes(encoder.encode('abcd'), 3));
    expect(error.status).toBe(413);
    expect(decodeBodyBytes(encoder.encode('abc'), 3)).toBe('abc');
  });

  it('refuses invalid UTF-8 with 400, keeping the decoder error as its cause', () => {
    const error = thrownBy(() => decodeBodyBytes(new Uint8Array([0x61, 0xff]), 10));
    expect(error.code).toBe('ERR_CALLBACK_INVALID');
    expect(error.status).toBe(400);
    expect(error.cause).toBeInstanceOf(TypeError);
  });
});
