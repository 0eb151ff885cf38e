// passport-apple-music's README code, with exactly the changes that
// packages/passport/README.md's migration section lists, logs in through
// the sandbox's popup in Chromium. Each change is marked "MIGRATION".
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Sandbox, startSandbox } from '@apple-music-auth/sandbox';
import type { NextFunction, Request, Response } from 'express';
import express from 'express5';
import passport from 'passport';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithChromium, launchChromium } from '../../../testing/chromium.js';
// MIGRATION 1: the import (was 'passport-apple-music').
import { Strategy as AppleMusicStrategy } from '../src/index.js';
import { keyId, privateKey, publicKey, stateSecret, teamId } from './support/fixtures.js';

describeWithChromium("passport-apple-music's README code, migrated", () => {
  let sandbox: Sandbox;
  let server: Server;
  let origin: string;
  let browser: Browser;
  let strategy: AppleMusicStrategy;

  beforeAll(async () => {
    sandbox = await startSandbox({ teamId, keyId, publicKey, outcome: 'allow' });
    const keyFile = join(mkdtempSync(join(tmpdir(), 'migration-')), `AuthKey_${keyId}.p8`);
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const app = express();

    strategy = new AppleMusicStrategy(
      {
        teamID: teamId,
        keyID: keyId,
        callbackURL: `${origin}/auth`,
        privateKeyLocation: keyFile,
        passReqToCallback: true,
        // MIGRATION 3: a state secret (or express-session and `state: true`).
        stateSecret,
        // Not a migration step: the test talks to the sandbox instead of Apple.
        endpoints: { authorize: sandbox.authorizeURL, api: sandbox.apiURL },
      },
      (_req, accessToken, _refreshToken, profile, cb) => {
        // MIGRATION 4: the developer token (was req.query.id_token_hint).
        const devToken = profile.developerToken;
        // accessToken is the music user token. There is no refreshToken.
        const musicUserToken = accessToken;
        cb(null, { devToken, musicUserToken });
      },
    );
    passport.use(strategy);

    app.get('/login', passport.authenticate('apple-music'));

    // MIGRATION 2: the callback route answers POST: the token arrives in the
    // bridge page's POST body, never in a URL (the README's route already was app.post).
    app.post('/auth', (req: Request, res: Response, next: NextFunction) => {
      passport.authenticate('apple-music', (err: unknown, user: unknown) => {
        if (err) {
          // biome-ignore lint/suspicious/noDoubleEquals: the README's own comparison, kept as it was.
          if (err == 'AuthorizationError') {
            res.send("Oops! Looks like you didn't allow the app to proceed. Please sign in again!");
            // biome-ignore lint/suspicious/noDoubleEquals: the README's own comparison, kept as it was.
          } else if (err == 'TokenError') {
            res.send("Oops! Couldn't get a valid token for Apple Music!");
          }
        } else {
          res.json(user);
        }
      })(req, res, next);
    });

    server.on('request', app);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    passport.unuse('apple-music');
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await strategy?.auth.close();
    await sandbox?.close();
  });

  it('logs in: /login renders the bridge page, the popup allows, POST /auth answers the user', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const login = await page.goto(`${origin}/login`);
      expect(login?.status()).toBe(200);
      const popup = page.waitForEvent('popup');
      await page.getByRole('button', { name: 'Continue with Apple Music' }).click();
      await popup;
      await page.waitForURL(`${origin}/auth`);
      const user = JSON.parse((await page.locator('body').textContent()) ?? '') as Record<
        string,
        unknown
      >;
      expect(user).toEqual({
        devToken: expect.stringMatching(/^ey[\w-]+\.[\w-]+\.[\w-]+$/),
        musicUserToken: expect.any(String),
      });
      // The sandbox's API accepts both tokens together, as Apple's would.
      const played = await strategy.auth.fetchAppleMusic<{ data: unknown[] }>(
        '/v1/me/recent/played',
        {
          musicUserToken: user.musicUserToken as string,
        },
      );
      expect(played.data.length).toBeGreaterThan(0);
    } finally {
      await context.close();
    }
  });
});
