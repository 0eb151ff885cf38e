// The example app: a home page, the login and callback routes of
// @apple-music-auth/core's web-standard handler, and a page that lists the
// user's recently played items. Sessions are kept in memory to stay short;
// use your framework's session store in a real app.
import { randomBytes } from 'node:crypto';
import { isAppleMusicAuthError } from '@apple-music-auth/core';
import { parse as parseCookie, serialize as serializeCookie } from 'cookie';

const SESSION_COOKIE = 'sid';

/**
 * Creates the example's web-standard request handler around an `AppleMusicAuth`.
 *
 * @param {import('@apple-music-auth/core').AppleMusicAuth} auth
 * @returns {(request: Request) => Promise<Response>}
 */
export function createExampleHandler(auth) {
  /** @type {Map<string, import('@apple-music-auth/core').LoginResult>} */
  const sessions = new Map();

  /** @param {Request} request */
  const sessionOf = (request) => {
    const sid = parseCookie(request.headers.get('cookie') ?? '')[SESSION_COOKIE];
    return sid === undefined ? undefined : { sid, login: sessions.get(sid) };
  };

  /** @param {Request} request */
  async function route(request) {
    const { pathname } = new URL(request.url);
    const route = `${request.method} ${pathname}`;
    if (route === 'GET /auth/apple-music') return auth.handleLogin(request);
    if (route === 'POST /auth/apple-music/callback') {
      return auth.handleCallback(request, {
        onSuccess(result) {
          const sid = randomBytes(24).toString('base64url');
          sessions.set(sid, result);
          return new Response(null, {
            status: 303,
            headers: {
              location: result.returnTo ?? '/',
              'set-cookie': serializeCookie(SESSION_COOKIE, sid, {
                path: '/',
                httpOnly: true,
                sameSite: 'lax',
              }),
            },
          });
        },
      });
    }
    if (route === 'GET /') return html(home(sessionOf(request)?.login));
    if (route === 'GET /recent') return recent(sessionOf(request)?.login);
    if (route === 'POST /logout') {
      const session = sessionOf(request);
      if (session) sessions.delete(session.sid);
      return new Response(null, {
        status: 303,
        headers: {
          location: '/',
          'set-cookie': serializeCookie(SESSION_COOKIE, '', { path: '/', maxAge: 0 }),
        },
      });
    }
    return new Response('Not Found', { status: 404 });
  }

  /** @param {import('@apple-music-auth/core').LoginResult | undefined} login */
  async function recent(login) {
    if (!login) return new Response(null, { status: 303, headers: { location: '/' } });
    try {
      /** @type {{ data: { attributes?: { name?: string, artistName?: string } }[] }} */
      const played = await auth.fetchAppleMusic('/v1/me/recent/played', {
        musicUserToken: login.musicUserToken,
      });
      const items = played.data.map(
        (item) =>
          `<li>${escapeHTML(item.attributes?.name ?? 'Untitled')} <small>${escapeHTML(item.attributes?.artistName ?? '')}</small></li>`,
      );
      return html(
        `<h1>Recently played</h1><ul id="recent">${items.join('')}</ul><a href="/">Home</a>`,
      );
    } catch (error) {
      if (isAppleMusicAuthError(error) && error.code === 'ERR_USER_TOKEN_REJECTED') {
        return new Response(null, {
          status: 303,
          headers: { location: '/auth/apple-music?returnTo=/recent' },
        });
      }
      throw error;
    }
  }

  return route;
}

/** @param {import('@apple-music-auth/core').LoginResult | undefined} login */
function home(login) {
  if (!login) {
    return `<h1>Apple Music example</h1>
<p id="status">Not connected.</p>
<a id="connect" href="/auth/apple-music?returnTo=/">Connect Apple Music</a>`;
  }
  const storefront = login.storefront
    ? `${login.storefront.name} (${login.storefront.id})`
    : 'unknown';
  return `<h1>Apple Music example</h1>
<p id="status">Connected. Storefront: <span id="storefront">${escapeHTML(storefront)}</span>${login.restricted ? ' <span id="restricted">restricted</span>' : ''}</p>
<p><a href="/recent">Recently played</a></p>
<form method="post" action="/logout"><button>Disconnect</button></form>`;
}

/** @param {string} body */
function html(body) {
  return new Response(
    `<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Apple Music example</title><body>${body}</body></html>`,
    { headers: { 'content-type': 'text/html; charset=utf-8' } },
  );
}

/** @param {string} text */
function escapeHTML(text) {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
