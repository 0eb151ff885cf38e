// The example app: Fastify 5 with @fastify/secure-session for the app's own
// session, @fastify/formbody for its forms, @apple-music-auth/fastify for the login (its state kept in the
// same session), a profile page and the user's recently played items.
import { isAppleMusicAuthError } from '@apple-music-auth/core';
import { appleMusicAuth } from '@apple-music-auth/fastify';
import fastifyFormbody from '@fastify/formbody';
import fastifySecureSession from '@fastify/secure-session';
import Fastify from 'fastify';

/** @typedef {NonNullable<import('@fastify/secure-session').SessionData['login']>} StoredLogin */

/**
 * Builds the example's Fastify app.
 *
 * @param {{ auth: import('@apple-music-auth/fastify').AppleMusicAuthPluginOptions, sessionKey: Buffer, secureCookies: boolean, logLevel: string }} options
 */
export async function buildApp({ auth, sessionKey, secureCookies, logLevel }) {
  const app = Fastify({ logger: { level: logLevel } });
  // The app's own forms (Disconnect); the plugin parses its callback itself.
  await app.register(fastifyFormbody);
  await app.register(fastifySecureSession, {
    key: sessionKey,
    cookie: { path: '/', httpOnly: true, sameSite: 'lax', secure: secureCookies },
  });
  await app.register(appleMusicAuth, {
    ...auth,
    session: true,
    onSuccess(request, reply, { musicUserToken, restricted, storefront, returnTo }) {
      /** @type {StoredLogin} */
      const login = { musicUserToken, restricted, storefront: storefront ?? null };
      request.session.set('login', login);
      return reply.redirect(returnTo ?? '/', 303);
    },
  });

  /** @param {import('fastify').FastifyRequest} request @returns {StoredLogin | undefined} */
  const loginOf = (request) => request.session.get('login');

  app.get('/', async (request, reply) =>
    reply.type('text/html').send(page(profile(loginOf(request)))),
  );

  app.get('/recent', async (request, reply) => {
    const login = loginOf(request);
    if (!login) return reply.redirect('/', 303);
    try {
      /** @type {{ data: { attributes?: { name?: string, artistName?: string } }[] }} */
      const played = await app.appleMusic.fetchAppleMusic('/v1/me/recent/played', {
        musicUserToken: login.musicUserToken,
      });
      const items = played.data.map(
        (item) =>
          `<li>${escapeHTML(item.attributes?.name ?? 'Untitled')} <small>${escapeHTML(item.attributes?.artistName ?? '')}</small></li>`,
      );
      return reply
        .type('text/html')
        .send(
          page(
            `<h1>Recently played</h1><ul id="recent">${items.join('')}</ul><a href="/">Profile</a>`,
          ),
        );
    } catch (error) {
      if (!isAppleMusicAuthError(error) || error.code !== 'ERR_USER_TOKEN_REJECTED') throw error;
      // Apple no longer accepts the token: ask the user to connect again.
      request.session.set('login', undefined);
      return reply.redirect('/auth/apple-music?returnTo=/recent', 303);
    }
  });

  app.post('/logout', async (request, reply) => {
    // Not session.delete(): in @fastify/secure-session it wipes every value.
    request.session.set('login', undefined);
    return reply.redirect('/', 303);
  });

  return app;
}

/** @param {StoredLogin | undefined} login */
function profile(login) {
  if (!login) {
    return `<h1>Apple Music example</h1>
<p id="status" class="lead">Not connected.</p>
<a id="connect" class="button" href="/auth/apple-music?returnTo=/">Connect Apple Music</a>`;
  }
  const storefront = login.storefront
    ? `${login.storefront.name} (${login.storefront.id})`
    : 'unknown';
  return `<h1>Your Apple Music</h1>
<p id="status" class="lead">Connected. Storefront: <span id="storefront">${escapeHTML(storefront)}</span>${login.restricted ? ' <span id="restricted">restricted</span>' : ''}</p>
<p><a class="button" href="/recent">Recently played</a></p>
<form method="post" action="/logout"><button class="secondary">Disconnect</button></form>`;
}

const CSS = `
:root{color-scheme:light dark;--bg:#f2f2f7;--card:#fff;--text:#1d1d1f;--muted:#5f5f66;--button:#1d1d1f;--button-text:#fff}
@media (prefers-color-scheme:dark){:root{--bg:#000;--card:#1c1c1e;--text:#f5f5f7;--muted:#a8a8ad;--button:#f5f5f7;--button-text:#1d1d1f}}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;padding:24px 16px;background:var(--bg);color:var(--text);font:16px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",system-ui,sans-serif}
.card{width:100%;max-width:440px;padding:36px;background:var(--card);border-radius:22px;box-shadow:0 12px 32px rgba(0,0,0,.08)}
h1{margin:0 0 6px;font-size:1.5rem}.lead{color:var(--muted)}ul{padding-left:1.2em}small{color:var(--muted)}
.button,button{display:block;width:100%;margin:12px 0 0;padding:12px 16px;border:0;border-radius:12px;background:var(--button);color:var(--button-text);font:inherit;font-weight:600;text-align:center;text-decoration:none;cursor:pointer}
button.secondary{background:transparent;color:var(--text);border:1px solid var(--muted)}
`.trim();

/** @param {string} card */
function page(card) {
  return `<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Apple Music example</title><style>${CSS}</style><body><main class="card">${card}</main></body></html>`;
}

/** @param {string} text */
function escapeHTML(text) {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
