// Koa 3 with @koa/router: ours is @apple-music-auth/koa's login() and
// callback() (state in a signed cookie, the default 303 after the callback,
// a failure thrown to Koa, which answers with its status),
// beside bare Koa routes; Koa has no body parser, so the bare callback reads
// the form itself.
import { createServer } from 'node:http';
import { appleMusicAuth } from '@apple-music-auth/koa';
import { Router } from '@koa/router';
import Koa from 'koa';
import { benchAuthOptions, CALLBACK_PATH, LOGIN_PATH } from '../bench-options.mjs';
import { BARE_CALLBACK_PATH, BARE_LOGIN_PATH, barePage, readFormBody } from './bare-routes.mjs';

/** Creates the Koa app's server (not listening yet). */
export function createApp() {
  const am = appleMusicAuth({ ...benchAuthOptions(), throwErrors: true });
  const router = new Router();
  router.get(LOGIN_PATH, am.login());
  router.post(CALLBACK_PATH, am.callback());
  router.get(BARE_LOGIN_PATH, (ctx) => {
    ctx.set('cache-control', 'no-store');
    ctx.type = barePage.contentType;
    ctx.body = barePage.body;
  });
  router.post(BARE_CALLBACK_PATH, async (ctx) => {
    await readFormBody(ctx.req);
    ctx.redirect('/');
    ctx.status = 303;
  });
  const app = new Koa();
  app.use(router.routes()).use(router.allowedMethods());
  return createServer(app.callback());
}
