import { randomBytes } from 'node:crypto';
import { HttpResponse } from 'msw';

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** One entry of the `errors` array of an Apple Music API error body. */
export interface AppleErrorInit {
  status: number;
  title: string;
  code: string;
  detail: string;
  /** The query parameter at fault, as Apple names it (`{"parameter":"limit"}`). */
  source?: { parameter: string };
  /** Why the sandbox answers so, in the {@link SANDBOX_REASON_HEADER} header (never a token). */
  reason?: string;
}

/** Headers every sandbox API response carries: Apple's content type and an open CORS policy. */
export const API_HEADERS = {
  'content-type': 'application/json;charset=utf-8',
  'access-control-allow-origin': '*',
} as const;

/**
 * Response header in which the sandbox says why it answered 401. Apple's 401
 * has an empty body and says nothing; this header is the sandbox's only addition.
 */
export const SANDBOX_REASON_HEADER = 'x-apple-music-sandbox-reason';

/**
 * A 401 as Apple sends it: an empty body. `reason` (never a token) goes into
 * the {@link SANDBOX_REASON_HEADER} header, for people debugging their setup.
 */
export function unauthorizedResponse(reason: string): HttpResponse<null> {
  return new HttpResponse(null, {
    status: 401,
    headers: {
      'access-control-allow-origin': '*',
      'access-control-expose-headers': SANDBOX_REASON_HEADER,
      [SANDBOX_REASON_HEADER]: reason,
    },
  });
}

/**
 * An Apple Music API error response:
 * `{"errors":[{"id","title","detail","status","code"}]}` with a fresh
 * 26-character uppercase id like Apple's, and `source` when given.
 */
export function appleErrorResponse(init: AppleErrorInit): HttpResponse<string> {
  const body = {
    errors: [
      {
        id: randomId(),
        title: init.title,
        detail: init.detail,
        status: String(init.status),
        code: init.code,
        ...(init.source === undefined ? {} : { source: init.source }),
      },
    ],
  };
  const headers =
    init.reason === undefined
      ? API_HEADERS
      : {
          ...API_HEADERS,
          'access-control-expose-headers': SANDBOX_REASON_HEADER,
          [SANDBOX_REASON_HEADER]: init.reason,
        };
  return new HttpResponse(JSON.stringify(body), { status: init.status, headers });
}

/**
 * Apple's 403 for a Music User Token it refuses (missing, invalid, expired,
 * or revoked by an Apple ID password change), exactly as Apple words it:
 * title `Forbidden`, detail `Invalid authentication`, code `40300`. The
 * sandbox's `reason` goes into the {@link SANDBOX_REASON_HEADER} header.
 */
export function forbiddenResponse(reason: string): HttpResponse<string> {
  return appleErrorResponse({
    status: 403,
    title: 'Forbidden',
    detail: 'Invalid authentication',
    code: '40300',
    reason,
  });
}

/**
 * Apple's 429 as observed: title `Too Many Requests`, detail `Request is
 * forbidden`, code `42900`, and no `Retry-After` header.
 */
export function tooManyRequestsResponse(reason: string): HttpResponse<string> {
  return appleErrorResponse({
    status: 429,
    title: 'Too Many Requests',
    detail: 'Request is forbidden',
    code: '42900',
    reason,
  });
}

function randomId(): string {
  return Array.from(randomBytes(26), (byte) => ID_ALPHABET[byte % ID_ALPHABET.length]).join('');
}
