import type { IncomingMessage } from 'node:http';
import { bodyTooLarge, checkDeclaredLength, decodeBodyBytes } from '../http/request-body.js';
import { MAX_CALLBACK_BODY_BYTES } from '../protocol/callback-payload.js';
import type { CallbackBody } from '../routes/login-steps.js';

/** What a body parser may have left on the request (Express) or beside it (Koa's `ctx.request`). */
export interface ParsedBody {
  /** The parsed body (`req.body`, `ctx.request.body`). */
  body?: unknown;
  /** The raw text a parser kept (`req.rawBody`, `ctx.request.rawBody`). */
  rawBody?: unknown;
}

/**
 * Reads a callback body from a Node request, whether or not a body parser
 * ran: the raw text when a parser kept it; the parsed body only when the
 * stream was actually consumed (body-parser and `@koa/bodyparser` set
 * `body = {}` without reading a stream whose content type they skip); else
 * the stream itself. Over core's limit it throws 413 `ERR_CALLBACK_INVALID`.
 * `parsed` defaults to the request's own `body`/`rawBody` (Express); Koa
 * passes `ctx.request`.
 */
export async function readCallbackBody(
  req: IncomingMessage,
  parsed: ParsedBody = req as IncomingMessage & ParsedBody,
): Promise<CallbackBody> {
  const { rawBody, body } = parsed;
  if (typeof rawBody === 'string') return checkTextSize(rawBody);
  if (rawBody instanceof Uint8Array) return decodeBodyBytes(rawBody, MAX_CALLBACK_BODY_BYTES);
  if (!req.readableEnded) return readRequestText(req, MAX_CALLBACK_BODY_BYTES);
  if (typeof body === 'string') return checkTextSize(body);
  if (body instanceof Uint8Array) return decodeBodyBytes(body, MAX_CALLBACK_BODY_BYTES);
  if (typeof body === 'object' && body !== null) return body as Record<string, unknown>;
  return undefined;
}

function checkTextSize(text: string): string {
  if (Buffer.byteLength(text) > MAX_CALLBACK_BODY_BYTES) {
    throw bodyTooLarge(MAX_CALLBACK_BODY_BYTES);
  }
  return text;
}

/**
 * The request's body as UTF-8 text, read with `data` and `end` events
 * (a Node stream's async iterator costs several promises per request),
 * refusing more than `maxBytes` (413) without buffering it.
 */
function readRequestText(req: IncomingMessage, maxBytes: number): Promise<string> {
  checkDeclaredLength(req.headers['content-length'], maxBytes);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (finish: () => void): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      finish();
    };
    const onData = (chunk: Buffer | string): void => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += bytes.length;
      if (size > maxBytes) {
        settle(() => reject(bodyTooLarge(maxBytes)));
        req.resume();
        return;
      }
      chunks.push(bytes);
    };
    const onEnd = (): void =>
      settle(() => {
        try {
          resolve(decodeBodyBytes(Buffer.concat(chunks, size), maxBytes));
        } catch (error) {
          reject(error);
        }
      });
    const onError = (error: Error): void => settle(() => reject(error));
    const onClose = (): void =>
      settle(() => reject(new Error('The request closed before its body was read to the end.')));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
