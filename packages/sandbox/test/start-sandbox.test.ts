import { Script } from 'node:vm';
import { exportPKCS8, exportSPKI } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  SANDBOX_DESCRIPTION_PATH,
  type SandboxDescription,
  type SandboxOptions,
  startSandbox,
} from '../src/index.js';
import { createKeyPair, KEY_ID, TEAM_ID } from './support/developer-tokens.js';

const keys = await createKeyPair();
const valid: SandboxOptions = { teamId: TEAM_ID, keyId: KEY_ID, publicKey: keys.publicKey };

describe('startSandbox', () => {
  it('serves on loopback and reports the URLs core needs', async () => {
    const sandbox = await startSandbox({ ...valid, publicKey: await exportPKCS8(keys.privateKey) });
    try {
      expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(sandbox.authorizeURL).toBe(`${sandbox.url}/woa`);
      expect(sandbox.authorizeOrigin).toBe(sandbox.url);
      expect(sandbox.apiURL).toBe(sandbox.url);
      expect(sandbox.musicKitScriptURL).toBe(`${sandbox.url}/musickit/v3/musickit.js`);
    } finally {
      await sandbox.close();
    }
    await expect(fetch(`${sandbox.url}/`)).rejects.toThrow();
  });

  it('describes itself at /.well-known/apple-music-sandbox: ids, public key, endpoints', async () => {
    const sandbox = await startSandbox({ ...valid, publicKey: await exportPKCS8(keys.privateKey) });
    try {
      const response = await fetch(`${sandbox.url}${SANDBOX_DESCRIPTION_PATH}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      const description = (await response.json()) as SandboxDescription;
      expect(description).toEqual({
        url: sandbox.url,
        teamId: TEAM_ID,
        keyId: KEY_ID,
        publicKey: `${await exportSPKI(keys.publicKey)}\n`,
        authorizeURL: sandbox.authorizeURL,
        authorizeOrigin: sandbox.authorizeOrigin,
        apiURL: sandbox.apiURL,
        musicKitScriptURL: sandbox.musicKitScriptURL,
      });
    } finally {
      await sandbox.close();
    }
  });

  it('shows an index page that explains the endpoints', async () => {
    const sandbox = await startSandbox({ ...valid, outcome: 'allow' });
    try {
      const response = await fetch(`${sandbox.url}/`);
      expect(response.status).toBe(200);
      const html = await response.text();
      for (const path of [
        '/woa?',
        '/v1/me/storefront',
        '/v1/me/recent/played',
        '/musickit/v3/musickit.js',
        '/.well-known/apple-music-sandbox',
      ]) {
        expect(html).toContain(`${sandbox.url}${path}`);
      }
      expect(html).toContain('popup outcome <code>allow</code>');
      expect(html).toContain(`Team ID <code>${TEAM_ID}</code>`);
    } finally {
      await sandbox.close();
    }
  });

  it('serves the MusicKit stub with the sandbox origin templated in, as valid JavaScript', async () => {
    const sandbox = await startSandbox(valid);
    try {
      const response = await fetch(sandbox.musicKitScriptURL);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      const source = await response.text();
      expect(source).toContain(`var AUTHORIZE_URL = ${JSON.stringify(sandbox.authorizeURL)};`);
      expect(source).toContain(
        `var AUTHORIZE_ORIGIN = ${JSON.stringify(sandbox.authorizeOrigin)};`,
      );
      expect(() => new Script(source)).not.toThrow();
    } finally {
      await sandbox.close();
    }
  });

  it.each([
    [{ teamId: 'abcde12345' }, /startSandbox: teamId must be 10 uppercase letters or digits/],
    [{ teamId: undefined }, /teamId must be/],
    [{ keyId: 'KEY' }, /startSandbox: keyId must be 10 uppercase letters or digits/],
    [{ publicKey: undefined }, /startSandbox: publicKey is required/],
    [{ publicKey: 'hello' }, /startSandbox: publicKey: a string key must be PEM text/],
    [{ outcome: 'accept' }, /startSandbox: outcome must be one of "allow", "decline"/],
    [{ restricted: 'yes' }, /startSandbox: restricted must be true or false/],
    [{ messageShape: 'musickit' }, /startSandbox: messageShape must be one of "apple", "odd"/],
    [{ port: 70_000 }, /startSandbox: port must be an integer from 0 to 65535/],
    [{ host: '' }, /startSandbox: host must be a non-empty string/],
    [{ storefront: 'zz' }, /startSandbox: storefront "zz" is not one the sandbox knows/],
    [{ storefront: { id: 'US' } }, /startSandbox: storefront must be a known id/],
    [{ subscription: 'no' }, /startSandbox: subscription must be true or false/],
    [{ now: 5 }, /startSandbox: now must be a function/],
  ])('refuses %o', async (override, message) => {
    await expect(startSandbox({ ...valid, ...override } as SandboxOptions)).rejects.toThrow(
      message,
    );
  });

  it('refuses a bad outcome or restricted flag at runtime', async () => {
    const sandbox = await startSandbox(valid);
    try {
      expect(() => sandbox.setOutcome('yes' as 'allow')).toThrow(/outcome must be one of/);
      expect(() => sandbox.setRestricted(1 as unknown as boolean)).toThrow(/restricted must be/);
      expect(() => sandbox.setMessageShape('v1' as 'odd')).toThrow(/messageShape must be one of/);
      sandbox.setOutcome('switchUserId');
    } finally {
      await sandbox.close();
    }
  });
});
