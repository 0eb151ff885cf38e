// Core's three request paths as ScenarioTargets, so that a shared table from
// the sandbox (scenarios, hostile requests, fuzzing) runs through each: the
// web handlers in-process, node:http through the /node converters, and the
// kit-based node:http test adapter; each serves the developer-token route too.
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Sandbox, ScenarioTarget } from '@apple-music-auth/sandbox';
import { afterAll, beforeAll, describe } from 'vitest';
import { limitableUsedStates } from '../../../../testing/limitable-used-states.js';
import {
  type AppleMusicAuth,
  createAppleMusicAuth,
  createMemorySingleUseStore,
  type LoginResult,
} from '../../src/index.js';
import { toNodeListener } from '../../src/node/index.js';
import { DEVELOPER_TOKEN_PATH, nodeAdapter } from './node-adapter.js';

/** The team, key and key pair every target signs developer tokens with. */
export const targetKeys = {
  teamId: 'TEAM123456',
  keyId: 'KEY1234567',
  ...generateKeyPairSync('ec', { namedCurve: 'P-256' }),
};

/** A target with the app behind it and every successful login it answered. */
export interface CoreTarget extends ScenarioTarget {
  /** The app's core instance, closed after the describe block. */
  auth: AppleMusicAuth;
  /** Every result `onSuccess` was called with, in order. */
  successes: LoginResult[];
}

const body = ({ musicUserToken, restricted, storefront, returnTo }: LoginResult) =>
  JSON.stringify({ musicUserToken, restricted, storefront, returnTo });

/** The options every test app shares: the keys, a state secret, and the callback on `origin`. */
export function testAuthOptions(origin: string) {
  return {
    teamId: targetKeys.teamId,
    keyId: targetKeys.keyId,
    privateKey: targetKeys.privateKey,
    callbackURL: `${origin}/auth/apple-music/callback`,
    stateSecret: 'a-state-secret-that-is-long-enough-for-hmac',
    app: { name: 'Test App' },
  };
}

/** The app behind a target, and its `limitUsedStates`. */
function createAuth(
  sandbox: Sandbox,
  origin: string,
  now: () => number,
): { auth: AppleMusicAuth; limitUsedStates: (maxEntries: number) => () => void } {
  const usedStates = limitableUsedStates((maxEntries) =>
    createMemorySingleUseStore({ maxEntries, now }),
  );
  const auth = createAppleMusicAuth({
    ...testAuthOptions(origin),
    state: { usedStates: usedStates.store },
    endpoints: { authorize: sandbox.authorizeURL, api: sandbox.apiURL },
    timeoutMs: 2000,
    now,
  });
  return { auth, limitUsedStates: usedStates.limit };
}

type Path = 'in-process' | 'node:http converters' | 'kit node adapter';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * Declares one `describe` per request path of core, each with a fresh app
 * against `sandbox()`, and calls `define` inside it with the target getter.
 */
export function describeCoreTargets(
  sandbox: () => Sandbox,
  define: (target: () => CoreTarget, path: Path) => void,
  paths: readonly Path[] = ['in-process', 'node:http converters', 'kit node adapter'],
): void {
  for (const path of paths) {
    describe(`through ${path}`, () => {
      let clockOffset = 0;
      let server: Server | undefined;
      let target: CoreTarget;
      beforeAll(async () => {
        const successes: LoginResult[] = [];
        const now = () => Date.now() + clockOffset;
        const advanceTime = (ms: number) => {
          clockOffset += ms;
        };
        const handle = (auth: AppleMusicAuth) => async (request: Request) => {
          const { pathname } = new URL(request.url);
          if (pathname === auth.routes.loginPath) return auth.handleLogin(request);
          if (pathname === DEVELOPER_TOKEN_PATH) return auth.handleDeveloperToken(request);
          if (pathname !== auth.routes.callbackPath) return new Response('', { status: 404 });
          return auth.handleCallback(request, {
            onSuccess: (result) => {
              successes.push(result);
              return new Response(body(result), {
                headers: { 'content-type': 'application/json' },
              });
            },
          });
        };
        if (path === 'in-process') {
          const origin = 'https://app.example';
          const { auth, limitUsedStates } = createAuth(sandbox(), origin, now);
          target = {
            auth,
            limitUsedStates,
            successes,
            successCount: () => successes.length,
            send: handle(auth),
            loginURL: `${origin}/auth/apple-music`,
            callbackURL: `${origin}/auth/apple-music/callback`,
            developerTokenURL: `${origin}${DEVELOPER_TOKEN_PATH}`,
            sandbox: sandbox(),
            advanceTime,
          };
          return;
        }
        server = createServer();
        const origin = await listen(server);
        const { auth, limitUsedStates } = createAuth(sandbox(), origin, now);
        server.on(
          'request',
          path === 'node:http converters'
            ? toNodeListener(handle(auth))
            : nodeAdapter(auth, (result, res) => {
                successes.push(result);
                res.setHeader('content-type', 'application/json');
                res.end(body(result));
              }),
        );
        target = {
          auth,
          limitUsedStates,
          successes,
          successCount: () => successes.length,
          send: (request) => fetch(request, { redirect: 'manual' }),
          loginURL: `${origin}/auth/apple-music`,
          callbackURL: `${origin}/auth/apple-music/callback`,
          developerTokenURL: `${origin}${DEVELOPER_TOKEN_PATH}`,
          sandbox: sandbox(),
          advanceTime,
        };
      });
      afterAll(async () => {
        await target.auth.close();
        if (server === undefined) return;
        server.closeAllConnections();
        await new Promise((resolve) => server?.close(resolve));
      });
      define(() => {
        clockOffset = 0;
        return target;
      }, path);
    });
  }
}
