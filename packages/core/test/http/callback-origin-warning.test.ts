// The one warning line for an absolute callbackURL used from another origin
// (issue 21: the README's https://app.example/... run on http://127.0.0.1:3000
// hung in the popup with nothing in the server's log).
import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCallbackOriginWarning } from '../../src/http/callback-origin-warning.js';
import { createAppleMusicAuth } from '../../src/index.js';

const CALLBACK = new URL('https://app.example/auth/apple-music/callback');
const login = (host: string, headers: Record<string, string> = {}) => ({
  url: '/auth/apple-music',
  headers: { host, ...headers },
});

describe('createCallbackOriginWarning', () => {
  it('warns once, at the first login from another origin, naming both origins and the options', () => {
    const lines: string[] = [];
    const note = createCallbackOriginWarning({
      callbackURL: CALLBACK,
      trustProxy: false,
      warn: (line) => lines.push(line),
    });
    note(login('app.example', {}));
    expect(lines).toEqual([]);
    note(login('127.0.0.1:3000'));
    note(login('127.0.0.1:3000'));
    note(login('localhost:4000'));
    expect(lines).toHaveLength(1);
    const [line] = lines as [string];
    expect(line).not.toContain('\n');
    expect(line).toContain('http://127.0.0.1:3000');
    expect(line).toContain(CALLBACK.href);
    expect(line).toContain('callbackURL');
    expect(line).toContain('appOrigins');
    expect(line).toContain('trustProxy');
  });

  it('says nothing for the callback host, spelled any way, nor for a malformed Host', () => {
    const lines: string[] = [];
    const note = createCallbackOriginWarning({
      callbackURL: CALLBACK,
      trustProxy: true,
      warn: (line) => lines.push(line),
    });
    note(
      login('10.0.0.5:8080', {
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'App.Example:443',
      }),
    );
    // Plain http to the callback's host: a proxy that terminates TLS.
    note(login('app.example'));
    note(login('bad host\r\nInjected: yes'));
    note({ url: '/auth/apple-music', headers: {} });
    expect(lines).toEqual([]);
  });

  it('does not judge a proxied request without trustProxy (its Host may be the upstream name)', () => {
    const lines: string[] = [];
    const note = createCallbackOriginWarning({
      callbackURL: CALLBACK,
      trustProxy: false,
      warn: (line) => lines.push(line),
    });
    note(login('127.0.0.1:3000', { 'x-forwarded-for': '203.0.113.9' }));
    note(login('backend:3000', { forwarded: 'for=203.0.113.9;host=app.example;proto=https' }));
    expect(lines).toEqual([]);
    note(login('127.0.0.1:3000'));
    expect(lines).toHaveLength(1);
  });
});

describe('createAppleMusicAuth with an absolute callbackURL', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('prints one console.warn line, without any token, however many logins come from another origin', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const auth = createAppleMusicAuth({
      teamId: 'TEAM123456',
      keyId: 'KEY1234567',
      privateKey,
      callbackURL: CALLBACK.href,
      stateSecret: 'a-state-secret-that-is-long-enough-for-hmac',
    });
    try {
      const bodies: string[] = [];
      for (let round = 0; round < 3; round += 1) {
        const page = await auth.handleLogin(new Request('http://127.0.0.1:3000/auth/apple-music'));
        expect(page.status).toBe(200);
        bodies.push(await page.text());
      }
      expect(warn).toHaveBeenCalledTimes(1);
      const line = String(warn.mock.calls[0]?.[0]);
      expect(line).toContain('http://127.0.0.1:3000');
      const developerToken = await auth.getDeveloperToken();
      const browserToken = /"developerToken":"([^"]+)"/.exec(bodies[0] ?? '')?.[1];
      expect(browserToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      for (const token of [developerToken, browserToken as string]) {
        expect(line).not.toContain(token);
        expect(line).not.toContain(token.split('.')[2] as string);
      }
      // A login from the callback's own origin after that prints nothing either.
      await auth.handleLogin(new Request('https://app.example/auth/apple-music'));
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      await auth.close();
    }
  });

  it('prints nothing for logins from the callback origin', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const auth = createAppleMusicAuth({
      teamId: 'TEAM123456',
      keyId: 'KEY1234567',
      privateKey,
      callbackURL: CALLBACK.href,
      stateSecret: 'a-state-secret-that-is-long-enough-for-hmac',
    });
    try {
      await auth.handleLogin(new Request('https://app.example/auth/apple-music'));
      await auth.handleLogin(new Request('https://app.example/auth/apple-music?returnTo=%2Fx'));
      expect(warn).not.toHaveBeenCalled();
    } finally {
      await auth.close();
    }
  });
});
