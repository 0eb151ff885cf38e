import { loginScenarios, type Sandbox, startSandbox } from '@apple-music-auth/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expressVersions, type RunningApp, startExpressApp } from './support/express-app.js';
import { keyId, publicKey, teamId } from './support/fixtures.js';

let sandbox: Sandbox;
let clockOffset = 0;

beforeAll(async () => {
  sandbox = await startSandbox({ teamId, keyId, publicKey, outcome: 'allow' });
});
afterAll(() => sandbox.close());

/**
 * Scenarios about the cookie store itself (its clearing cookie, its
 * `__Host-` scope, its signed state's format): the session store has no
 * cookie and no signed state, so session mode runs its own checks instead.
 */
const COOKIE_STORE_ONLY = new Set([
  'clears the state cookie when the callback answers',
  'clears the state cookie when a login fails too',
  'ignores a state cookie planted without the __Host- prefix over https',
  'refuses a forged state (ERR_STATE_MALFORMED)',
]);

for (const [version, express] of Object.entries(expressVersions)) {
  for (const mode of ['cookie', 'session'] as const) {
    for (const bodyParser of [false, true]) {
      describe(`${version}, ${mode} mode, ${bodyParser ? 'with' : 'without'} a body parser`, () => {
        let app: RunningApp;
        beforeAll(async () => {
          app = await startExpressApp({
            express,
            bodyParser,
            mode,
            sandbox,
            now: () => Date.now() + clockOffset,
          });
        });
        afterAll(() => app.close());

        for (const scenario of loginScenarios) {
          if (mode === 'session' && COOKIE_STORE_ONLY.has(scenario.name)) continue;
          it(scenario.name, async () => {
            clockOffset = 0;
            await scenario.run({
              send: (request) => fetch(request, { redirect: 'manual' }),
              loginURL: `${app.origin}/auth/apple-music`,
              callbackURL: `${app.origin}/auth/apple-music/callback`,
              sandbox,
              advanceTime: (ms) => {
                clockOffset += ms;
              },
            });
          });
        }

        if (mode === 'session') {
          it('keeps the state in the session: no state cookie, a forged state is a mismatch', async () => {
            const page = await fetch(`${app.origin}/auth/apple-music`);
            await page.body?.cancel();
            const cookies = page.headers.getSetCookie();
            expect(cookies).toEqual([expect.stringMatching(/^connect\.sid=/)]);
            const callback = await fetch(`${app.origin}/auth/apple-music/callback`, {
              method: 'POST',
              redirect: 'manual',
              headers: {
                'content-type': 'application/x-www-form-urlencoded',
                cookie: cookies.map((cookie) => cookie.split(';')[0]).join('; '),
              },
              body: new URLSearchParams({ state: 'forged', music_user_token: 'x' }).toString(),
            });
            expect(callback.status).toBe(303);
            expect(callback.headers.get('location')).toBe(
              '/auth/apple-music?error=ERR_STATE_MISMATCH',
            );
          });
        }
      });
    }
  }
}
