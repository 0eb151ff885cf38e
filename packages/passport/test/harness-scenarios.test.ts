import { createMemorySingleUseStore, type LoginResult } from '@apple-music-auth/core';
import { loginScenarios, type Sandbox, startSandbox } from '@apple-music-auth/sandbox';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { limitableUsedStates } from '../../../testing/limitable-used-states.js';
import { Strategy, type VerifyFunctionWithParams } from '../src/index.js';
import { keyId, publicKey, sandboxOptions, stateSecret, teamId } from './support/fixtures.js';
import { runStrategy } from './support/strategy-harness.js';

let sandbox: Sandbox;
let strategy: Strategy;
let clockOffset = 0;
let verifyCalls = 0;
const now = () => Date.now() + clockOffset;
const usedStates = limitableUsedStates((maxEntries) =>
  createMemorySingleUseStore({ maxEntries, now }),
);

beforeAll(async () => {
  sandbox = await startSandbox({ teamId, keyId, publicKey, outcome: 'allow' });
  const verify: VerifyFunctionWithParams = (_at, _rt, params, _profile, done) => {
    verifyCalls += 1;
    done(null, params);
  };
  strategy = new Strategy(
    {
      ...sandboxOptions(sandbox),
      callbackURL: 'https://app.example/auth/apple-music/callback',
      state: { secret: stateSecret, usedStates: usedStates.store },
      now,
    },
    verify,
  );
});
afterAll(async () => {
  await strategy.auth.close();
  await sandbox.close();
});

/**
 * The app the table expects, on the strategy harness alone (no Express, over
 * https): what the strategy rendered, or its `success` as 200 JSON, its
 * `fail` as a 303 to the failure page, its `error` as the error's status.
 * A failure after verify ran answers 500, which the table reports.
 */
async function send(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const before = verifyCalls;
  const { outcome, res } = await runStrategy(strategy, {
    method: request.method,
    url: `${url.pathname}${url.search}`,
    headers: { ...Object.fromEntries(request.headers), host: url.host },
    body: request.method === 'POST' ? await request.text() : undefined,
  });
  const headers = new Headers();
  for (const cookie of res.setCookies) headers.append('set-cookie', cookie);
  if (outcome.action !== 'success' && verifyCalls !== before) {
    return new Response('verify was called on a failed login', { status: 500 });
  }
  switch (outcome.action) {
    case 'rendered':
      for (const [name, value] of Object.entries(res.headers)) headers.set(name, String(value));
      return new Response(res.body, { status: res.statusCode, headers });
    case 'success': {
      const { musicUserToken, restricted, storefront, returnTo } = outcome.user as LoginResult;
      return Response.json({ musicUserToken, restricted, storefront, returnTo }, { headers });
    }
    case 'fail': {
      const { code } = outcome.challenge as { code: string };
      headers.set('location', `/auth/apple-music?error=${code}`);
      return new Response(null, { status: 303, headers });
    }
    case 'error': {
      const { status, code } = outcome.error as Error & { status: number; code: string };
      return new Response(code, { status, headers });
    }
    default:
      throw new Error(`the strategy called ${outcome.action}`);
  }
}

describe('login scenarios through the strategy harness, in-process over https', () => {
  for (const scenario of loginScenarios) {
    it(scenario.name, async () => {
      clockOffset = 0;
      await scenario.run({
        send,
        loginURL: 'https://app.example/auth/apple-music',
        callbackURL: 'https://app.example/auth/apple-music/callback',
        sandbox,
        limitUsedStates: usedStates.limit,
        advanceTime: (ms) => {
          clockOffset += ms;
        },
      });
    });
  }
});
