import { AppleMusicAuthError } from '../errors.js';

/**
 * Reads a request body as UTF-8 text, refusing bodies over `maxBytes`
 * (413, `ERR_CALLBACK_INVALID`) without buffering more than that.
 */
export async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  if (request.body === null) {
    checkDeclaredLength(request.headers.get('content-length'), maxBytes);
    return '';
  }
  return readStreamText(request.body, request.headers.get('content-length'), maxBytes);
}

/**
 * Reads a byte stream (a web `ReadableStream` or a Node stream) as UTF-8
 * text, refusing a declared `Content-Length` or a body over `maxBytes` (413,
 * `ERR_CALLBACK_INVALID`) without buffering more than that.
 */
export async function readStreamText(
  stream: AsyncIterable<Uint8Array | string>,
  declaredLength: string | null | undefined,
  maxBytes: number,
): Promise<string> {
  checkDeclaredLength(declaredLength, maxBytes);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const iterator = stream[Symbol.asyncIterator]();
  for (;;) {
    const { done, value } = await iterator.next();
    if (done) break;
    const chunk = typeof value === 'string' ? encoder.encode(value) : value;
    size += chunk.byteLength;
    if (size > maxBytes) {
      await iterator.return?.();
      throw bodyTooLarge(maxBytes);
    }
    chunks.push(chunk);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return decodeBodyBytes(bytes, maxBytes);
}

/** Decodes a whole body as UTF-8, refusing one over `maxBytes` or not valid UTF-8. */
export function decodeBodyBytes(bytes: Uint8Array, maxBytes: number): string {
  if (bytes.byteLength > maxBytes) throw bodyTooLarge(maxBytes);
  try {
    return utf8Decoder.decode(bytes);
  } catch (cause) {
    throw new AppleMusicAuthError(
      'ERR_CALLBACK_INVALID',
      'The callback body is not valid UTF-8. Post the form the bridge page builds.',
      { cause },
    );
  }
}

/** `ERR_CALLBACK_INVALID` with status 413: the body is over `maxBytes`. */
export function bodyTooLarge(maxBytes: number): AppleMusicAuthError {
  return new AppleMusicAuthError(
    'ERR_CALLBACK_INVALID',
    `The callback body is larger than ${maxBytes} bytes. Post only the fields the bridge page sends.`,
    { status: 413 },
  );
}

const encoder = new TextEncoder();

/** Throws on bytes that are not UTF-8; without `stream`, each `decode` starts afresh. */
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** Refuses a declared `Content-Length` over `maxBytes` (413) before a byte is read. */
export function checkDeclaredLength(value: string | null | undefined, maxBytes: number): void {
  const declared = Number(value);
  // Stryker disable next-line ConditionalExpression, LogicalOperator: Number(null) is 0 and Number(undefined) is NaN, so neither passes `Number.isFinite(declared) && declared > maxBytes` on its own
  if (value !== null && value !== undefined && Number.isFinite(declared) && declared > maxBytes) {
    throw bodyTooLarge(maxBytes);
  }
}
