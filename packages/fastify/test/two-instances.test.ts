import type { Sandbox } from '@apple-music-auth/sandbox';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppleMusicDecorator } from '../src/index.js';
import { appleMusicAuth } from '../src/index.js';
import { injectBrowser } from './support/inject-browser.js';
import { sandboxOptions, startTestSandbox } from './support/scenario-app.js';

declare module 'fastify' {
  interface FastifyInstance {
    appleMusicTeamB: AppleMusicDecorator;
  }
}

let sandbox: Sandbox;
let app: FastifyInstance;
const B = { login: '/team-b/login', callback: '/team-b/callback' };

beforeAll(async () => {
  sandbox = await startTestSandbox();
  app = Fastify();
  const answer = (team: string) => ({
    onSuccess: () => ({ team }),
  });
  await app.register(appleMusicAuth, { ...sandboxOptions(sandbox), ...answer('A') });
  await app.register(appleMusicAuth, {
    ...sandboxOptions(sandbox, { app: { name: 'Team B App' } }),
    decorator: 'appleMusicTeamB',
    loginPath: B.login,
    callbackPath: B.callback,
    ...answer('B'),
  });
});
afterAll(async () => {
  await app.close();
  await sandbox.close();
});

it('gives each instance its own decorator and routes', () => {
  expect(app.appleMusic.routes.loginPath).toBe('/auth/apple-music');
  expect(app.appleMusicTeamB.routes.loginPath).toBe(B.login);
  expect(app.appleMusicTeamB.routes.developerTokenPath).toBe(`${B.login}/developer-token`);
  expect(app.appleMusicTeamB).not.toBe(app.appleMusic);
});

it('lets one browser run both logins at once without one state clobbering the other', async () => {
  const browser = injectBrowser(app);
  const stateA = await browser.openLogin('/auth/apple-music');
  const stateB = await browser.openLogin(B.login);
  expect(browser.jar.size).toBe(2);
  const token = () => sandbox.issueToken();
  const finishedA = await browser.postCallback('/auth/apple-music/callback', {
    state: stateA,
    music_user_token: token(),
  });
  const finishedB = await browser.postCallback(B.callback, {
    state: stateB,
    music_user_token: token(),
  });
  expect(finishedA.json()).toMatchObject({ team: 'A' });
  expect(finishedB.json()).toMatchObject({ team: 'B' });
});

it("refuses one instance's state at the other's callback", async () => {
  const browser = injectBrowser(app);
  const state = await browser.openLogin('/auth/apple-music');
  const crossed = await browser.postCallback(B.callback, {
    state,
    music_user_token: sandbox.issueToken(),
  });
  expect(crossed.statusCode).toBe(303);
  expect(crossed.headers.location).toBe(`${B.login}?error=ERR_STATE_MISSING`);
});

it("names each instance's app on its own bridge page", async () => {
  const page = await app.inject({ url: B.login });
  expect(page.body).toContain('Team B App');
  expect((await app.inject({ url: '/auth/apple-music' })).body).toContain('Fastify Scenario App');
});
