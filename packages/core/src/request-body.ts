import { AppleMusicAuthError } from './errors.js';

/**
 * Reads a request body as UTF-8 text, refusing bodies over `maxBytes`
 * (413, `ERR_CALLBACK_INVALID`) without buffering more than that.
 */
export async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  if (request.body === null) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (cause) {
    throw new AppleMusicAuthError(
      'ERR_CALLBACK_INVALID',
      'The callback body is not valid UTF-8. Post the form the bridge page builds.',
      { cause },
    );
  }
}

function tooLarge(maxBytes: number): AppleMusicAuthError {
  return new AppleMusicAuthError(
    'ERR_CALLBACK_INVALID',
    `The callback body is larger than ${maxBytes} bytes. Post only the fields the bridge page sends.`,
    { status: 413 },
  );
}
