// The example app on Koa 3: @koa/router mounts the login, callback and
// developer-token routes of @apple-music-auth/koa, koa-session keeps both the
// login state and the result, "Recently played" sits behind the guard, and a
// page configures MusicKit JS with the developer-token route.

import {
  musicKitPage,
  TOKEN_SOURCE_PATH,
  tokenSourceModule,
} from '@apple-music-auth/example-shared/musickit';
import { accountSummary, homePage, page, recentList } from '@apple-music-auth/example-shared/pages';
import { Router } from '@koa/router';
import Koa from 'koa';
import createSession from 'koa-session';

/** The example's one name: its pages, its README, the demo's landing page, Apple's popup. */
export const EXAMPLE = 'Koa example';

/**
 * Creates the Koa app around an `AppleMusicKoa`.
 *
 * @param {import('@apple-music-auth/koa').AppleMusicKoa} am
 * @param {{ sessionKeys: string[], musicKitScriptURL?: string }} options
 */
export function createExampleApp(am, { sessionKeys, musicKitScriptURL }) {
  const app = new Koa();
  app.keys = sessionKeys;
  // The session lives on the server; the browser's cookie holds only its id,
  // so the Music User Token never travels in a cookie. Use Redis or your
  // database in a real app.
  app.use(createSession({ store: memoryStore(), sameSite: 'lax' }, app));

  // No login, or a token Apple no longer accepts (403): sign in, then back here.
  const requireLogin = am.requireLogin({
    read: (ctx) => ctx.session?.login?.musicUserToken,
    clear: (ctx) => {
      if (ctx.session) ctx.session.login = undefined;
    },
  });

  const router = new Router();
  router.get(am.routes.loginPath, am.login());
  router.post(am.routes.callbackPath, am.callback(), (ctx) => {
    // With `session: true`, callback() gave the session a new id already
    // (koa-session's regenerate(), values kept): a session cookie planted
    // before the login cannot read what is stored now. Without it, call
    // `await ctx.session.regenerate()` here first.
    const { musicUserToken, storefront, restricted } = ctx.state.appleMusic;
    ctx.session.login = {
      musicUserToken,
      storefront,
      restricted,
    };
  });
  router.all(am.routes.developerTokenPath, am.developerToken());
  router.get('/', (ctx) => {
    ctx.body = homePage({
      example: EXAMPLE,
      loginPath: am.routes.loginPath,
      login: ctx.session?.login,
    });
  });
  router.get('/recent', requireLogin, async (ctx) => {
    /** @type {import('@apple-music-auth/example-shared/pages').Played} */
    const played = await am.fetchAppleMusic('/v1/me/recent/played', {
      musicUserToken: ctx.state.musicUserToken,
    });
    ctx.body = page({
      title: 'Recently played',
      example: EXAMPLE,
      content: `${accountSummary(ctx.session?.login)}${recentList(played)}<a class="button secondary" href="/">Home</a>`,
    });
  });
  router.get('/musickit', (ctx) => {
    ctx.body = musicKitPage({
      example: EXAMPLE,
      tokenPath: am.routes.developerTokenPath,
      musicKitScriptURL,
    });
  });
  router.get(TOKEN_SOURCE_PATH, (ctx) => {
    ctx.type = 'text/javascript';
    ctx.body = tokenSourceModule;
  });
  router.post('/logout', (ctx) => {
    ctx.session = null;
    ctx.redirect('/');
  });
  app.use(router.routes()).use(router.allowedMethods());
  return app;
}

/** A koa-session store in memory: enough for one process. */
function memoryStore() {
  /** @type {Map<string, unknown>} */
  const sessions = new Map();
  return {
    /** @param {string} key */
    get: async (key) => sessions.get(key),
    /** @param {string} key @param {unknown} value */
    set: async (key, value) => {
      sessions.set(key, value);
    },
    /** @param {string} key */
    destroy: async (key) => {
      sessions.delete(key);
    },
  };
}
