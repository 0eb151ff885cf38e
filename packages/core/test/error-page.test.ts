import { describe, expect, it } from 'vitest';
import { renderErrorPage } from '../src/error-page.js';
import {
  AppleMusicAuthError,
  type AppleMusicAuthErrorCode,
  AuthorizationError,
  TokenError,
} from '../src/errors.js';

/** Looks like something that must never reach a browser: a token in an error message. */
const SECRET = 'eyJhbGciOiJFUzI1NiJ9.c2VjcmV0LXRva2Vu.c2lnbmF0dXJl';

const cases: {
  error: AppleMusicAuthError;
  status: number;
  text: string;
}[] = [
  {
    error: new AuthorizationError('ERR_ACCESS_DENIED', `declined with ${SECRET}`),
    status: 403,
    text: 'Apple Music access was declined',
  },
  {
    error: new AuthorizationError('ERR_UNAVAILABLE', `no subscription for ${SECRET}`),
    status: 403,
    text: 'Apple Music is not available',
  },
  {
    error: new AppleMusicAuthError('ERR_STATE_EXPIRED', `state ${SECRET} expired`),
    status: 400,
    text: 'This sign-in took too long',
  },
  {
    error: new TokenError('ERR_USER_TOKEN_REJECTED', `Apple refused ${SECRET}`),
    status: 401,
    text: 'Please sign in to Apple Music again.',
  },
  {
    error: new AppleMusicAuthError('ERR_STATE_MISMATCH', `cookie ${SECRET} does not match`),
    status: 400,
    text: 'This sign-in could not be completed',
  },
  {
    error: new AppleMusicAuthError('ERR_CALLBACK_INVALID', `body ${SECRET} too large`, {
      status: 413,
    }),
    status: 413,
    text: 'This sign-in could not be completed',
  },
  {
    error: new AppleMusicAuthError('ERR_UPSTREAM', `Apple answered 500 for ${SECRET}`, {
      cause: new Error(`socket hang up ${SECRET}`),
    }),
    status: 502,
    text: 'Apple Music sign-in is not working right now',
  },
  {
    error: new AppleMusicAuthError(
      'ERR_INVALID_OPTIONS',
      `Invalid option \`stateSecret\`: ${SECRET}`,
    ),
    status: 500,
    text: 'Apple Music sign-in is not working right now',
  },
];

function styleNonce(body: string): string | undefined {
  return /<style nonce="([^"]+)">/.exec(body)?.[1];
}

describe('renderErrorPage', () => {
  it.each(cases.map((c) => [c.error.code, c] as const))(
    'renders %s',
    (_code, { error, status, text }) => {
      const page = renderErrorPage(error);
      expect(page.status).toBe(status);
      expect(page.status).toBe(error.status);
      expect(page.body).toContain(text);
      expect(page.body).toContain(`Error code: ${error.code}`);
      expect(page.body).not.toContain(SECRET);
      expect(page.body).not.toContain(error.message);
      expect(page.body).not.toContain('    at ');
    },
  );

  it('gives each code its own title for the codes people meet most', () => {
    const codes: AppleMusicAuthErrorCode[] = [
      'ERR_ACCESS_DENIED',
      'ERR_UNAVAILABLE',
      'ERR_CANCELLED',
      'ERR_POPUP_BLOCKED',
      'ERR_STATE_EXPIRED',
      'ERR_USER_TOKEN_REJECTED',
    ];
    const titles = codes.map(
      (code) =>
        /<title>([^<]*)<\/title>/.exec(
          renderErrorPage(new AppleMusicAuthError(code, 'x')).body,
        )?.[1],
    );
    expect(new Set(titles).size).toBe(codes.length);
  });

  it('sends no-store, nosniff and a CSP whose nonce is the style tag’s', () => {
    const page = renderErrorPage(new AppleMusicAuthError('ERR_STATE_MISSING', 'no cookie'));
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    const nonce = styleNonce(page.body);
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{16,}={0,2}$/);
    const csp = page.headers['content-security-policy'];
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`style-src 'nonce-${nonce}'`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('script-src');
    expect(page.body).not.toContain('<script');
  });

  it('uses a fresh nonce for every page', () => {
    const error = new AppleMusicAuthError('ERR_CANCELLED', 'closed');
    const nonces = new Set(
      Array.from({ length: 5 }, () => {
        const page = renderErrorPage(error);
        expect(page.headers['content-security-policy']).toContain(
          `'nonce-${styleNonce(page.body)}'`,
        );
        return styleNonce(page.body);
      }),
    );
    expect(nonces.size).toBe(5);
  });
});
