import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bodyParser } from '@koa/bodyparser';
import { Router } from '@koa/router';
import Koa from 'koa';
import { koaBody } from 'koa-body';
import createSession from 'koa-session';
import Koa2 from 'koa2';
import {
  type AppleMusicKoa,
  type AppleMusicKoaOptions,
  type AppleMusicState,
  appleMusicAuth,
} from '../../src/index.js';

/** How the app under test is put together. */
export interface KoaTestAppOptions {
  /** Which Koa runs it. */
  koa: 'koa2' | 'koa3';
  /** The body parser mounted before the routes, if any. */
  bodyParser?: 'none' | '@koa/bodyparser' | 'koa-body';
  /** Mount with `@koa/router` (`login()`, `callback()`) or `middleware()`. */
  mount?: 'router' | 'middleware';
  /** koa-session with an in-memory external store, and `session: true` (`'state.store'`: `state.store: 'session'` instead). */
  session?: boolean | 'state.store';
  /** Middleware that runs first, e.g. an error middleware. */
  before?: Koa.Middleware;
  /** The middleware after `callback()`; default: answer 200 JSON with the result. */
  downstream?: Koa.Middleware<Partial<AppleMusicState>>;
  /** The adapter's options (its key, sandbox endpoints, clock ...). */
  auth: (origin: string) => AppleMusicKoaOptions;
}

/** A Koa app on loopback whose successful callback answers 200 JSON, as the scenario table wants. */
export interface KoaTestApp {
  origin: string;
  am: AppleMusicKoa;
  /** How many times the middleware after `callback()` ran. */
  readonly downstreamCalls: number;
  close(): Promise<void>;
}

/** Starts the app under test over real loopback HTTP. */
export async function startKoaTestApp(options: KoaTestAppOptions): Promise<KoaTestApp> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const app = options.koa === 'koa2' ? new Koa2() : new Koa();
  app.silent = true;
  app.keys = ['a-session-signing-key-for-the-tests'];
  const am = appleMusicAuth({
    ...options.auth(origin),
    ...(options.session === true ? { session: true } : {}),
    ...(options.session === 'state.store' ? { state: { store: 'session' as const } } : {}),
  });
  let downstreamCalls = 0;

  if (options.before) app.use(options.before);
  if (options.session) app.use(createSession({ store: memorySessionStore() }, app));
  if (options.bodyParser === '@koa/bodyparser') app.use(bodyParser());
  if (options.bodyParser === 'koa-body') app.use(koaBody());
  const answer: Koa.Middleware<Partial<AppleMusicState>> = async (ctx, next) => {
    if (options.downstream) {
      downstreamCalls += 1;
      return options.downstream(ctx, next);
    }
    if (ctx.state.appleMusic === undefined) return;
    downstreamCalls += 1;
    const { musicUserToken, restricted, storefront, returnTo } = ctx.state.appleMusic;
    ctx.body = { musicUserToken, restricted, storefront, returnTo };
  };
  if (options.mount === 'middleware') {
    app.use(am.middleware());
    app.use(answer);
  } else {
    const router = new Router();
    router.get(am.routes.loginPath, am.login());
    router.post(am.routes.callbackPath, am.callback(), answer);
    app.use(router.routes());
  }
  server.on('request', app.callback());

  return {
    origin,
    am,
    get downstreamCalls() {
      return downstreamCalls;
    },
    async close() {
      await am.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A koa-session external store in memory: the cookie holds only the session id, as with Redis. */
function memorySessionStore() {
  const sessions = new Map<string, unknown>();
  return {
    get: async (key: string) => sessions.get(key),
    set: async (key: string, value: unknown) => {
      sessions.set(key, value);
    },
    destroy: async (key: string) => {
      sessions.delete(key);
    },
  };
}
