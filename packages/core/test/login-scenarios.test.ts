import { generateKeyPairSync } from 'node:crypto';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loginScenarios, type Sandbox, startSandbox } from '@apple-music-auth/sandbox';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type AppleMusicAuth, createAppleMusicAuth } from '../src/index.js';
import { toNodeListener } from '../src/node/index.js';
import { nodeAdapter } from './support/node-adapter.js';

const teamId = 'TEAM123456';
const keyId = 'KEY1234567';
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

let sandbox: Sandbox;
let clockOffset = 0;

beforeAll(async () => {
  sandbox = await startSandbox({ teamId, keyId, publicKey, outcome: 'allow' });
});
afterAll(async () => {
  await sandbox.close();
});

/** The app under test: login and callback on core's web-standard handler. */
function createApp(origin: string): {
  auth: AppleMusicAuth;
  send: (r: Request) => Promise<Response>;
} {
  const auth = createAppleMusicAuth({
    teamId,
    keyId,
    privateKey,
    callbackURL: `${origin}/auth/apple-music/callback`,
    stateSecret: 'a-state-secret-that-is-long-enough-for-hmac',
    app: { name: 'Scenario App' },
    endpoints: { authorize: sandbox.authorizeURL, api: sandbox.apiURL },
    timeoutMs: 500,
    now: () => Date.now() + clockOffset,
  });
  const send = async (request: Request): Promise<Response> => {
    const { pathname } = new URL(request.url);
    if (pathname === '/auth/apple-music') return auth.handleLogin(request);
    if (pathname === '/auth/apple-music/callback') {
      return auth.handleCallback(request, {
        onSuccess: ({ musicUserToken, restricted, storefront, returnTo }) =>
          Response.json({ musicUserToken, restricted, storefront, returnTo }),
      });
    }
    return new Response('Not Found', { status: 404 });
  };
  return { auth, send };
}

function scenarioTable(target: () => Parameters<(typeof loginScenarios)[number]['run']>[0]) {
  for (const scenario of loginScenarios) {
    it(scenario.name, async () => {
      clockOffset = 0;
      await scenario.run(target());
    });
  }
}

describe('login scenarios through handleLogin/handleCallback in-process', () => {
  const origin = 'https://app.example';
  let app: ReturnType<typeof createApp>;
  beforeAll(() => {
    app = createApp(origin);
  });
  afterAll(() => app.auth.close());

  scenarioTable(() => ({
    send: app.send,
    loginURL: `${origin}/auth/apple-music`,
    callbackURL: `${origin}/auth/apple-music/callback`,
    sandbox,
    advanceTime: (ms) => {
      clockOffset += ms;
    },
  }));
});

/** Runs the table over loopback HTTP against the app that `listener` serves. */
function scenarioTableOverLoopback(
  name: string,
  listener: (app: ReturnType<typeof createApp>) => RequestListener,
): void {
  describe(name, () => {
    let server: Server;
    let origin: string;
    let app: ReturnType<typeof createApp>;
    beforeAll(async () => {
      server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      app = createApp(origin);
      server.on('request', listener(app));
    });
    afterAll(async () => {
      await app.auth.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    scenarioTable(() => ({
      send: (request) => fetch(request, { redirect: 'manual' }),
      loginURL: `${origin}/auth/apple-music`,
      callbackURL: `${origin}/auth/apple-music/callback`,
      sandbox,
      advanceTime: (ms) => {
        clockOffset += ms;
      },
    }));
  });
}

scenarioTableOverLoopback('login scenarios over node:http through the /node converters', (app) =>
  toNodeListener(app.send),
);

scenarioTableOverLoopback(
  'login scenarios through the kit-based node:http test adapter (no web converters)',
  (app) =>
    nodeAdapter(app.auth, ({ musicUserToken, restricted, storefront, returnTo }, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ musicUserToken, restricted, storefront, returnTo }));
    }),
);
