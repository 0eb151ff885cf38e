import { describe, expect, it } from 'vitest';
import { resolveRequestOrigin } from '../src/request-origin.js';
import { thrownBy } from './support/errors.js';

const overTLS = (host: string) => ({ url: '/login', headers: { host }, encrypted: true });

describe('resolveRequestOrigin', () => {
  it('normalizes the host the same way on every call', () => {
    for (let round = 0; round < 3; round += 1) {
      expect(resolveRequestOrigin(overTLS('App.Example:443'), false)).toBe('https://app.example');
      expect(resolveRequestOrigin(overTLS('app.example:8443'), false)).toBe(
        'https://app.example:8443',
      );
    }
  });

  it('refuses plain http to a public host every time it is asked, not only the first', () => {
    for (let round = 0; round < 3; round += 1) {
      const error = thrownBy(() =>
        resolveRequestOrigin({ url: '/login', headers: { host: 'app.example' } }, false),
      );
      expect(error.code).toBe('ERR_INVALID_OPTIONS');
      expect(error.message).toContain('http://app.example');
    }
  });

  it('reads the forwarded scheme and host only with trustProxy', () => {
    const request = {
      url: '/login',
      headers: {
        host: '127.0.0.1:3000',
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'app.example',
      },
    };
    expect(resolveRequestOrigin(request, true)).toBe('https://app.example');
    expect(resolveRequestOrigin(request, false)).toBe('http://127.0.0.1:3000');
  });

  it('refuses a malformed host with a 400', () => {
    const error = thrownBy(() => resolveRequestOrigin(overTLS('app.example/evil'), false));
    expect(error).toMatchObject({ code: 'ERR_CALLBACK_INVALID', status: 400 });
  });
});
