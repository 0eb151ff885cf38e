import { describe, expect, it } from 'vitest';
import { isLoopbackHost, parseHttpURLOption, parseOriginOption } from '../../src/http/http-url.js';
import { thrownBy } from '../support/errors.js';

function refusal(run: () => unknown, field: string): string {
  const error = thrownBy(run);
  expect(error.code).toBe('ERR_INVALID_OPTIONS');
  expect(error.message).toContain(`\`${field}\``);
  return error.message;
}

describe('parseHttpURLOption', () => {
  it('allows a query and refuses a fragment by default', () => {
    expect(parseHttpURLOption('u', 'https://app.example/cb?x=1', 'https-or-loopback').search).toBe(
      '?x=1',
    );
    expect(
      refusal(() => parseHttpURLOption('u', 'https://app.example/#top', 'https-or-loopback'), 'u'),
    ).toContain('must not have a fragment');
  });

  it.each([
    'https://api.example/?x=1',
    'https://api.example/?',
    'https://api.example/#',
    'https://api.example/#x',
  ])('refuses %s where neither a query nor a fragment may be', (url) => {
    const message = refusal(
      () => parseHttpURLOption('api', url, 'https-or-loopback', { query: false }),
      'api',
    );
    expect(message).toContain('must not have a query or a fragment');
  });

  it('keeps a fragment where it is allowed (a page URL used as referrer)', () => {
    const url = parseHttpURLOption('referrer', 'https://app.example/login#step', 'http-or-https', {
      fragment: true,
    });
    expect(url.hash).toBe('#step');
  });

  it('allows http only on loopback hosts for https-or-loopback, anywhere for http-or-https', () => {
    expect(parseHttpURLOption('u', 'http://127.0.0.1:3000/', 'https-or-loopback').port).toBe(
      '3000',
    );
    expect(
      refusal(() => parseHttpURLOption('u', 'http://app.example/', 'https-or-loopback'), 'u'),
    ).toContain('must use https');
    expect(parseHttpURLOption('u', 'http://app.example/', 'http-or-https').protocol).toBe('http:');
  });

  it.each(['app.example/cb', 'ftp://app.example/', 42, undefined, 'https://user:pw@app.example/'])(
    'refuses %s',
    (value) => {
      refusal(() => parseHttpURLOption('u', value, 'http-or-https'), 'u');
    },
  );
});

describe('isLoopbackHost and parseOriginOption', () => {
  it('knows the loopback hosts: the three that origin claims and request origins accept', () => {
    for (const host of ['localhost', '127.0.0.1', '[::1]']) {
      expect(isLoopbackHost(host)).toBe(true);
    }
    const others = ['app.localhost', '127.0.0.2', '127.8.9.10', 'localhost.example', '128.0.0.1'];
    for (const host of [...others, '10.0.0.1', 'example.com']) {
      expect(isLoopbackHost(host)).toBe(false);
    }
  });

  it('accepts an origin exactly and refuses anything with a path', () => {
    expect(parseOriginOption('origin', 'https://app.example:8443')).toBe(
      'https://app.example:8443',
    );
    refusal(() => parseOriginOption('origin', 'https://app.example/'), 'origin');
  });
});
