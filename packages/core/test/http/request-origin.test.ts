import { describe, expect, it } from 'vitest';
import {
  createOriginResolver,
  headerValue,
  requestedOrigin,
} from '../../src/http/request-origin.js';
import { thrownBy } from '../support/errors.js';

const overTLS = (host: string) => ({ url: '/login', headers: { host }, encrypted: true });
const listing = (...appOrigins: string[]) =>
  createOriginResolver({ appOrigins, trustProxy: false });
const loopbackOnly = createOriginResolver({ appOrigins: undefined, trustProxy: false });

describe('createOriginResolver', () => {
  it('normalizes the host the same way on every call', () => {
    const origins = listing('https://app.example', 'https://app.example:8443');
    for (let round = 0; round < 3; round += 1) {
      expect(origins.ofRequest(overTLS('App.Example:443'))).toBe('https://app.example');
      expect(origins.ofRequest(overTLS('app.example:8443'))).toBe('https://app.example:8443');
    }
  });

  it('refuses a Host that is not listed, with a 400 naming appOrigins, every time', () => {
    const origins = listing('https://app.example');
    for (let round = 0; round < 3; round += 1) {
      const error = thrownBy(() => origins.ofRequest(overTLS('evil.example')));
      expect(error).toMatchObject({ code: 'ERR_ORIGIN_NOT_ALLOWED', status: 400 });
      expect(error.message).toContain('https://evil.example');
      expect(error.message).toContain('`appOrigins`');
    }
  });

  it('refuses plain http to a listed https host (a proxy that terminates TLS needs trustProxy)', () => {
    const error = thrownBy(() =>
      listing('https://app.example').ofRequest({ url: '/login', headers: { host: 'app.example' } }),
    );
    expect(error).toMatchObject({ code: 'ERR_ORIGIN_NOT_ALLOWED', status: 400 });
    expect(error.message).toContain('http://app.example');
    expect(error.message).toContain('trustProxy');
  });

  it('answers loopback origins only without a list', () => {
    expect(loopbackOnly.ofRequest({ url: '/', headers: { host: '127.0.0.1:3000' } })).toBe(
      'http://127.0.0.1:3000',
    );
    expect(loopbackOnly.ofRequest({ url: '/', headers: { host: 'LOCALHOST:5173' } })).toBe(
      'http://localhost:5173',
    );
    expect(loopbackOnly.ofRequest({ url: '/', headers: { host: '[::1]:8080' } })).toBe(
      'http://[::1]:8080',
    );
    for (const host of ['app.example', 'foo.localhost', '127.0.0.2', '10.0.0.1']) {
      const error = thrownBy(() => loopbackOnly.ofRequest({ url: '/', headers: { host } }));
      expect(error).toMatchObject({ code: 'ERR_ORIGIN_NOT_ALLOWED', status: 400 });
      expect(error.message).toContain('`appOrigins`');
    }
  });

  it('reads the forwarded scheme and host only with trustProxy, and then their last values', () => {
    const request = {
      url: '/login',
      headers: {
        host: '127.0.0.1:3000',
        'x-forwarded-proto': 'http, https',
        'x-forwarded-host': 'evil.example, app.example',
      },
    };
    const appOrigins = ['https://app.example', 'http://127.0.0.1:3000'];
    expect(createOriginResolver({ appOrigins, trustProxy: true }).ofRequest(request)).toBe(
      'https://app.example',
    );
    expect(createOriginResolver({ appOrigins, trustProxy: false }).ofRequest(request)).toBe(
      'http://127.0.0.1:3000',
    );
    const repeated = {
      url: '/login',
      headers: {
        host: 'internal:8080',
        'x-forwarded-proto': ['https', 'https'],
        'x-forwarded-host': ['evil.example', 'app.example'],
      },
    };
    expect(createOriginResolver({ appOrigins, trustProxy: true }).ofRequest(repeated)).toBe(
      'https://app.example',
    );
  });

  it('never lets a first X-Forwarded-Host value choose the origin', () => {
    const origins = createOriginResolver({
      appOrigins: ['https://app.example', 'https://evil.example'],
      trustProxy: true,
    });
    // The client wrote the first value; the proxy appended the one it saw.
    const request = {
      url: '/',
      headers: { host: 'internal', 'x-forwarded-host': 'evil.example, app.example' },
      encrypted: true,
    };
    expect(origins.ofRequest(request)).toBe('https://app.example');
  });

  it('takes the host from Host, never from an absolute-form target', () => {
    const origins = listing('https://app.example');
    expect(
      origins.ofRequest({
        url: 'https://evil.example/auth/apple-music',
        headers: { host: 'app.example' },
        encrypted: true,
      }),
    ).toBe('https://app.example');
    const error = thrownBy(() =>
      origins.ofRequest({
        url: 'https://app.example/auth/apple-music',
        headers: { host: 'evil.example' },
        encrypted: true,
      }),
    );
    expect(error.message).toContain('https://evil.example');
  });

  it("reads a web Request's URL when it has no Host header", () => {
    expect(
      listing('https://app.example').ofRequest({
        url: 'https://app.example/auth/apple-music',
        headers: new Headers(),
      }),
    ).toBe('https://app.example');
  });

  it('refuses a malformed host with a 400', () => {
    for (const host of ['app.example/evil', 'app.example:99999', 'a b', '']) {
      const error = thrownBy(() => listing('https://app.example').ofRequest(overTLS(host)));
      expect(error).toMatchObject({ code: 'ERR_ORIGIN_NOT_ALLOWED', status: 400 });
    }
  });

  it('checks an origin the caller names against the same list', () => {
    const origins = listing('https://app.example');
    expect(origins.check('https://app.example')).toBe('https://app.example');
    expect(origins.check('https://APP.example:443')).toBe('https://app.example');
    for (const origin of ['https://evil.example', 'https://app.example/path', 'app.example']) {
      expect(thrownBy(() => origins.check(origin))).toMatchObject({
        code: 'ERR_ORIGIN_NOT_ALLOWED',
        status: 400,
      });
    }
  });

  it('says a request with no usable Host has none, rather than naming an origin', () => {
    const noValidHost =
      'The request has no valid Host (or X-Forwarded-Host/-Proto behind a trusted proxy), so it was made to none of `appOrigins`: nothing is signed for it.';
    const behindProxy = createOriginResolver({
      appOrigins: ['https://app.example'],
      trustProxy: true,
    });
    for (const [resolver, request] of [
      [listing('https://app.example'), { url: '/login', headers: {} }],
      [
        behindProxy,
        {
          url: '/login',
          headers: {
            host: 'app.example',
            'x-forwarded-proto': 'ftp',
            'x-forwarded-host': 'app.example',
          },
        },
      ],
    ] as const) {
      const error = thrownBy(() => resolver.ofRequest(request));
      expect(error).toMatchObject({ code: 'ERR_ORIGIN_NOT_ALLOWED', message: noValidHost });
    }
  });

  it('tells an unlisted origin from a missing list in its message', () => {
    const unlisted = thrownBy(() =>
      listing('https://app.example').ofRequest(overTLS('evil.example')),
    );
    expect(unlisted.message).toContain('which is not listed in `appOrigins`');
    const noList = thrownBy(() =>
      loopbackOnly.ofRequest({ url: '/', headers: { host: 'app.example' } }),
    );
    expect(noList.message).toContain(
      'without `appOrigins` a path callbackURL answers loopback origins only',
    );
  });

  it('names at most 100 characters of an origin it cannot read', () => {
    const origin = `x${'y'.repeat(300)}`;
    const error = thrownBy(() => listing('https://app.example').check(origin));
    expect(error.message).toBe(
      `The origin ${JSON.stringify(origin.slice(0, 100))} is not an http(s) origin such as "https://app.example".`,
    );
  });

  it("takes the scheme from the connection, not from an absolute-form target, when it knows the connection's", () => {
    const error = thrownBy(() =>
      listing('https://app.example').ofRequest({
        url: 'https://app.example/login',
        headers: { host: 'app.example' },
        encrypted: false,
      }),
    );
    expect(error.message).toContain('http://app.example');
  });

  it('ignores an empty last X-Forwarded value and keeps the Host', () => {
    const behindProxy = createOriginResolver({
      appOrigins: ['https://app.example'],
      trustProxy: true,
    });
    expect(
      behindProxy.ofRequest({
        url: '/login',
        headers: {
          host: 'app.example',
          'x-forwarded-proto': 'https',
          'x-forwarded-host': 'evil.example, ',
        },
      }),
    ).toBe('https://app.example');
  });
});

describe('headerValue', () => {
  it('finds a header in a plain object whatever its case, the lower-case key first', () => {
    expect(headerValue({ Host: 'app.example' }, 'host')).toBe('app.example');
    expect(headerValue({ HOST: 'b.example', host: 'a.example' }, 'Host')).toBe('a.example');
    expect(headerValue({ 'X-Forwarded-Proto': ['http', 'https'] }, 'x-forwarded-proto')).toBe(
      'http, https',
    );
    expect(headerValue({ other: 'x' }, 'host')).toBeUndefined();
    expect(headerValue(new Headers({ Host: 'app.example' }), 'host')).toBe('app.example');
  });
});

describe('requestedOrigin (for messages only)', () => {
  it('normalizes the origin a request names, or gives undefined for one it cannot read', () => {
    expect(requestedOrigin(overTLS('App.Example:443'), false)).toBe('https://app.example');
    expect(requestedOrigin({ url: '/', headers: { host: '127.0.0.1:3000' } }, false)).toBe(
      'http://127.0.0.1:3000',
    );
    expect(requestedOrigin({ url: '/', headers: {} }, false)).toBeUndefined();
    expect(requestedOrigin(overTLS('a b'), false)).toBeUndefined();
    const viaProxy = (proto: string) => ({
      url: '/',
      headers: {
        host: 'internal:8080',
        'x-forwarded-proto': proto,
        'x-forwarded-host': 'app.example',
      },
    });
    expect(requestedOrigin(viaProxy('https'), true)).toBe('https://app.example');
    expect(requestedOrigin(viaProxy('http'), true)).toBe('http://app.example');
    expect(requestedOrigin(viaProxy('ftp'), true)).toBeUndefined();
    expect(requestedOrigin(viaProxy('https'), false)).toBe('http://internal:8080');
  });
});
