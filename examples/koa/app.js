// The example app on Koa 3: @koa/router mounts the login and callback of
// @apple-music-auth/koa, koa-session keeps both the login state and the
// result, and the home page is a profile with the recently played items.

import {
  accountSummary,
  connectPage,
  disconnectForm,
  page,
  recentList,
} from '@apple-music-auth/example-shared/pages';
import { isAppleMusicAuthError } from '@apple-music-auth/koa';
import { Router } from '@koa/router';
import Koa from 'koa';
import createSession from 'koa-session';

const EXAMPLE = 'Koa example';

/**
 * Creates the Koa app around an `AppleMusicKoa`.
 *
 * @param {import('@apple-music-auth/koa').AppleMusicKoa} am
 * @param {{ sessionKeys: string[] }} options
 */
export function createExampleApp(am, { sessionKeys }) {
  const app = new Koa();
  app.keys = sessionKeys;
  // The session lives on the server; the browser's cookie holds only its id,
  // so the Music User Token never travels in a cookie. Use Redis or your
  // database in a real app.
  app.use(createSession({ store: memoryStore(), sameSite: 'lax' }, app));

  const router = new Router();
  router.get(am.routes.loginPath, am.login());
  router.post(am.routes.callbackPath, am.callback(), (ctx) => {
    const { musicUserToken, storefront, restricted } = ctx.state.appleMusic;
    ctx.session.login = {
      musicUserToken,
      storefront,
      restricted,
    };
  });
  router.get('/', async (ctx) => {
    /** @type {Login | undefined} */
    const login = ctx.session?.login;
    if (!login) {
      ctx.body = connectPage({ example: EXAMPLE, loginPath: am.routes.loginPath });
      return;
    }
    let played;
    try {
      played = await am.fetchAppleMusic('/v1/me/recent/played', {
        musicUserToken: login.musicUserToken,
      });
    } catch (error) {
      if (!isAppleMusicAuthError(error) || error.code !== 'ERR_USER_TOKEN_REJECTED') throw error;
      // Apple no longer accepts this token: ask the user to sign in again.
      ctx.redirect(`${am.routes.loginPath}?returnTo=/`);
      return;
    }
    ctx.body = page({
      title: 'Your Apple Music',
      example: EXAMPLE,
      content: `${accountSummary(login)}<h2>Recently played</h2>${recentList(/** @type {import('@apple-music-auth/example-shared/pages').Played} */ (played))}${disconnectForm}`,
    });
  });
  router.post('/logout', (ctx) => {
    ctx.session = null;
    ctx.redirect('/');
  });
  app.use(router.routes()).use(router.allowedMethods());
  return app;
}

/** @typedef {{ musicUserToken: string, storefront?: { id: string, name: string }, restricted: boolean }} Login */

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
