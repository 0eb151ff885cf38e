import { randomBytes } from 'node:crypto';
import { HttpResponse } from 'msw';

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** One entry of the `errors` array of an Apple Music API error body. */
export interface AppleErrorInit {
  status: number;
  title: string;
  code: string;
  detail: string;
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
 * 26-character uppercase id like Apple's.
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
      },
    ],
  };
  return new HttpResponse(JSON.stringify(body), { status: init.status, headers: API_HEADERS });
}

function randomId(): string {
  return Array.from(randomBytes(26), (byte) => ID_ALPHABET[byte % ID_ALPHABET.length]).join('');
}
