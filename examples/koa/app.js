// The example app on Koa 3: @koa/router mounts the login and callback of
// @apple-music-auth/koa, koa-session keeps both the login state and the
// result, and the home page is a profile with the recently played items.

import { isAppleMusicAuthError } from '@apple-music-auth/koa';
import { Router } from '@koa/router';
import Koa from 'koa';
import createSession from 'koa-session';

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
      ctx.body = page(
        'Apple Music example',
        `<p class="lead" id="status">Not connected.</p>
<a class="button" id="connect" href="${am.routes.loginPath}?returnTo=/">Connect Apple Music</a>`,
      );
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
    ctx.body = page('Your Apple Music', profile(login, /** @type {Played} */ (played)));
  });
  router.post('/logout', (ctx) => {
    ctx.session = null;
    ctx.redirect('/');
  });
  app.use(router.routes()).use(router.allowedMethods());
  return app;
}

/**
 * @typedef {{ musicUserToken: string, storefront?: { id: string, name: string }, restricted: boolean }} Login
 * @typedef {{ data: { type: string, attributes?: { name?: string, artistName?: string, curatorName?: string } }[] }} Played
 */

/**
 * @param {Login} login
 * @param {Played} played
 */
function profile(login, played) {
  const storefront = login.storefront
    ? `${login.storefront.name} (${login.storefront.id})`
    : 'unknown';
  const items = played.data.map((item) => {
    const by = item.attributes?.artistName ?? item.attributes?.curatorName ?? '';
    return `<li><span>${escapeHTML(item.attributes?.name ?? 'Untitled')}</span><small>${escapeHTML(by)}</small></li>`;
  });
  return `<p class="lead" id="status">Connected. Storefront: <span id="storefront">${escapeHTML(storefront)}</span>${login.restricted ? ' <span id="restricted">restricted</span>' : ''}</p>
<h2>Recently played</h2>
<ul id="recent">${items.join('')}</ul>
<form method="post" action="/logout"><button>Disconnect</button></form>`;
}

const CSS = `:root{color-scheme:light dark;--bg:#f2f2f7;--card:#fff;--text:#1d1d1f;--muted:#5f5f66;--line:rgba(0,0,0,.1)}
@media (prefers-color-scheme:dark){:root{--bg:#000;--card:#1c1c1e;--text:#f5f5f7;--muted:#a8a8ad;--line:rgba(255,255,255,.14)}}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;padding:24px 16px;background:var(--bg);color:var(--text);font:16px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",system-ui,sans-serif}
.card{width:100%;max-width:440px;padding:36px;background:var(--card);border:1px solid var(--line);border-radius:22px;text-align:center}
h1{margin:0 0 6px;font-size:1.5rem}h2{font-size:1rem;text-align:left;margin:24px 0 8px}.lead{margin:0 0 24px;color:var(--muted)}
ul{list-style:none;margin:0 0 24px;padding:0;text-align:left}li{display:flex;flex-direction:column;padding:8px 0;border-top:1px solid var(--line)}small{color:var(--muted)}
button,.button{display:block;width:100%;padding:12px 16px;border:0;border-radius:12px;background:var(--text);color:var(--card);font:inherit;font-weight:600;text-decoration:none;cursor:pointer}`;

/**
 * @param {string} title
 * @param {string} card
 */
function page(title, card) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHTML(title)}</title><style>${CSS}</style></head><body><main class="card"><h1>${escapeHTML(title)}</h1>${card}</main></body></html>`;
}

/** @param {string} text */
function escapeHTML(text) {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
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
