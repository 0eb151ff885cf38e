import { describe, expect, it } from 'vitest';
import {
  AppleMusicAuthError,
  type AppleMusicAuthErrorCode,
  AuthorizationError,
  TokenError,
} from '../../src/errors.js';
import { type RenderedPage, renderErrorPage } from '../../src/pages/failure-page.js';

/** Looks like something that must never reach a browser: a token in an error message. */
const SECRET = 'eyJhbGciOiJFUzI1NiJ9.c2VjcmV0LXRva2Vu.c2lnbmF0dXJl';

const GENERIC_CLIENT_TITLE = 'This sign-in could not be completed';
const GENERIC_SERVER_TITLE = 'Apple Music sign-in is not working right now';

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
    text: 'This sign-in belongs to another attempt',
  },
  {
    error: new AppleMusicAuthError('ERR_CALLBACK_INVALID', `body ${SECRET} too large`, {
      status: 413,
    }),
    status: 413,
    text: 'Sign-in did not complete',
  },
  {
    error: new AppleMusicAuthError('ERR_RATE_LIMITED', `too many calls with ${SECRET}`, {
      status: 429,
    }),
    status: 429,
    text: GENERIC_CLIENT_TITLE,
  },
  {
    error: new AppleMusicAuthError('ERR_UPSTREAM', `Apple answered 500 for ${SECRET}`, {
      cause: new Error(`socket hang up ${SECRET}`),
    }),
    status: 502,
    text: GENERIC_SERVER_TITLE,
  },
  {
    error: new AppleMusicAuthError(
      'ERR_INVALID_OPTIONS',
      `Invalid option \`stateSecret\`: ${SECRET}`,
    ),
    status: 500,
    text: GENERIC_SERVER_TITLE,
  },
];

function styleNonce(body: string): string | undefined {
  return /<style nonce="([^"]+)">/.exec(body)?.[1];
}

function titleOf(page: RenderedPage): string | undefined {
  const title = /<title>([^<]*)<\/title>/.exec(page.body)?.[1];
  const heading = /<h1>(.*)<\/h1>/.exec(page.body)?.[1];
  expect(heading?.replace(/<[^>]*>/g, '')).toBe(title);
  return title;
}

function leadOf(page: RenderedPage): string | undefined {
  return /<p class="lead">(.*)<\/p>/.exec(page.body)?.[1];
}

function linksOf(page: RenderedPage): { className: string; href: string; text: string }[] {
  return [...page.body.matchAll(/<a class="([^"]*)" href="([^"]*)">([^<]*)<\/a>/g)].map(
    ([, className = '', href = '', text = '']) => ({ className, href, text }),
  );
}

describe('renderErrorPage', () => {
  it.each(cases.map((c) => [c.error.code, c] as const))(
    'renders %s',
    (_code, { error, status, text }) => {
      const page = renderErrorPage(error);
      expect(page.status).toBe(status);
      expect(page.status).toBe(error.status);
      expect(page.body).toContain(text);
      expect(page.body).toContain(`Error code: <code>${error.code}</code>`);
      expect(page.body).not.toContain(SECRET);
      expect(page.body).not.toContain(error.message);
      expect(page.body).not.toContain('    at ');
    },
  );

  it('gives every outcome of a login a title of its own', () => {
    const codes: AppleMusicAuthErrorCode[] = [
      'ERR_ACCESS_DENIED',
      'ERR_UNAVAILABLE',
      'ERR_CANCELLED',
      'ERR_POPUP_BLOCKED',
      'ERR_STATE_MISSING',
      'ERR_STATE_MISMATCH',
      'ERR_STATE_EXPIRED',
      'ERR_STATE_MALFORMED',
      'ERR_CALLBACK_INVALID',
      'ERR_INVALID_RETURN_TO',
      'ERR_USER_TOKEN_REJECTED',
    ];
    const titles = codes.map((code) =>
      titleOf(renderErrorPage(new AppleMusicAuthError(code, 'x'))),
    );
    expect(new Set([...titles, GENERIC_CLIENT_TITLE, GENERIC_SERVER_TITLE]).size).toBe(
      codes.length + 2,
    );
  });

  it('says the same thing for every status from 500 up, whatever the code', () => {
    const pages = [
      new AppleMusicAuthError('ERR_DEVELOPER_TOKEN_REJECTED', SECRET),
      new AppleMusicAuthError('ERR_RATE_LIMITED', SECRET),
      new AppleMusicAuthError('ERR_TIMEOUT', SECRET),
      new AppleMusicAuthError('ERR_INVALID_KEY', SECRET),
      new AppleMusicAuthError('ERR_ACCESS_DENIED', SECRET, { status: 500 }),
    ].map((error) => renderErrorPage(error));
    for (const page of pages) {
      expect(titleOf(page)).toBe(GENERIC_SERVER_TITLE);
      expect(leadOf(page)).toBe(leadOf(pages[0] as RenderedPage));
      expect(page.body).not.toContain(SECRET);
    }
  });

  it('takes a bare code and status, as read back on a GET page', () => {
    const page = renderErrorPage({ code: 'ERR_CANCELLED', status: 400 });
    expect(page.status).toBe(400);
    expect(titleOf(page)).toBe('Sign-in was cancelled');
  });

  it.each([
    [{ code: 'ERR_NOT_OURS', status: 400 }, 'error.code'],
    [{ code: '<b>', status: 400 }, 'error.code'],
    [{ code: 'ERR_CANCELLED', status: 200 }, 'error.status'],
    [{ code: 'ERR_CANCELLED', status: 600 }, 'error.status'],
    [{ code: 'ERR_CANCELLED', status: 400.5 }, 'error.status'],
  ])('refuses %o, naming %s', (error, field) => {
    expect(() =>
      renderErrorPage(error as { code: AppleMusicAuthErrorCode; status: number }),
    ).toThrowError(expect.objectContaining({ code: 'ERR_INVALID_OPTIONS', status: 500 }));
    expect(() =>
      renderErrorPage(error as { code: AppleMusicAuthErrorCode; status: number }),
    ).toThrowError(`\`${field}\``);
  });

  it('offers "Try again" as the primary button and "Back to the app" beside it', () => {
    const page = renderErrorPage(new AuthorizationError('ERR_ACCESS_DENIED', 'declined'), {
      tryAgainURL: '/auth/apple-music?returnTo=%2Flibrary',
      backURL: '/library',
    });
    expect(linksOf(page)).toEqual([
      { className: 'button', href: '/auth/apple-music?returnTo=%2Flibrary', text: 'Try again' },
      { className: 'button secondary', href: '/library', text: 'Back to the app' },
    ]);
  });

  it('without links, leads back to / with "Back to the app" as the only button', () => {
    const page = renderErrorPage(new AuthorizationError('ERR_ACCESS_DENIED', 'declined'));
    expect(linksOf(page)).toEqual([{ className: 'button', href: '/', text: 'Back to the app' }]);
  });

  it('escapes the links, after normalizing them as same-site paths', () => {
    const page = renderErrorPage(new AppleMusicAuthError('ERR_CANCELLED', 'closed'), {
      tryAgainURL: '/login?returnTo=%2Fa&x="><script>alert(1)</script>',
      backURL: '/app?q=\'&r=1#"><b>',
    });
    expect(linksOf(page).map((link) => link.href)).toEqual([
      '/login?returnTo=%2Fa&amp;x=%22%3E%3Cscript%3Ealert(1)%3C/script%3E',
      '/app?q=%27&amp;r=1#%22%3E%3Cb%3E',
    ]);
    expect(page.body).not.toContain('<script');
    expect(page.body).not.toContain('<b>');
  });

  it.each([
    'https://evil.example/login',
    '//evil.example/login',
    '/\\evil.example',
    'javascript:alert(1)',
    'login',
    '/login\r\nSet-Cookie: x=1',
    '/%0d%0aSet-Cookie:x=1',
    '',
  ])('refuses the link %j: it is not a same-site path', (url) => {
    for (const field of ['tryAgainURL', 'backURL'] as const) {
      let thrown: unknown;
      try {
        renderErrorPage(new AppleMusicAuthError('ERR_CANCELLED', 'closed'), { [field]: url });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(AppleMusicAuthError);
      expect(thrown).toMatchObject({
        code: 'ERR_INVALID_OPTIONS',
        message: expect.stringContaining(`\`links.${field}\``),
        cause: { code: 'ERR_INVALID_RETURN_TO' },
      });
    }
  });

  it('keeps hyphenated words such as "sign-in" whole when the text wraps', () => {
    const page = renderErrorPage(new AppleMusicAuthError('ERR_STATE_EXPIRED', 'late'));
    expect(page.body).toContain('<h1>This <span class="nowrap">sign-in</span> took too long</h1>');
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
    expect(csp).toContain("form-action 'none'");
    expect(csp).toContain("base-uri 'none'");
    expect(csp).not.toContain('script-src');
    // Images: the inline favicon only.
    expect(csp).toContain('img-src data:;');
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
