// Cold starts (issue 25): on Node, core imports undici at the first call to
// Apple, not at start-up, so a serverless process that only answers a login
// page never loads it. A real process imports the built package, creates the
// auth object, answers a login, and reports whether undici's modules are in
// the CommonJS cache (where Node keeps undici even when ESM imports it).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { generateP256 } from '../support/generated-keys.js';

const CORE_DIST = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

const APP = `
import { createRequire } from 'node:module';
import { sep } from 'node:path';
const cache = createRequire(import.meta.url).cache;
const undiciLoaded = () => Object.keys(cache).some((file) => file.includes(sep + 'undici' + sep));
const { createAppleMusicAuth } = await import(${JSON.stringify(CORE_DIST)});
const auth = createAppleMusicAuth({
  teamId: 'ABCDE12345',
  keyId: 'KEY1234567',
  privateKey: process.env.TEST_PRIVATE_KEY,
  callbackURL: 'http://127.0.0.1:3000/auth/apple-music/callback',
  state: { secret: 'a-state-secret-of-at-least-32-characters' },
  // Nothing listens on port 9 (discard): the call fails fast, after undici is loaded.
  endpoints: { api: 'http://127.0.0.1:9' },
  timeoutMs: 1000,
});
const login = await auth.handleLogin(new Request('http://127.0.0.1:3000/auth/apple-music'));
const afterLogin = undiciLoaded();
const failed = await auth.fetchAppleMusic('/v1/me/storefront', { musicUserToken: 'x' }).then(
  () => 'answered',
  (error) => error.code,
);
const afterCall = undiciLoaded();
await auth.close();
process.stdout.write(JSON.stringify({ status: login.status, afterLogin, failed, afterCall }));
`;

it('loads undici at the first call to Apple, not to answer a login', () => {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', APP], {
    env: { ...process.env, TEST_PRIVATE_KEY: generateP256().pem, APPLE_MUSIC_SANDBOX_URL: '' },
    encoding: 'utf8',
  });
  expect(JSON.parse(out)).toEqual({
    status: 200,
    afterLogin: false,
    failed: 'ERR_UPSTREAM',
    afterCall: true,
  });
});
