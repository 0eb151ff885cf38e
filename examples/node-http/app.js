// The example app: a home page, the login and callback routes of
// @apple-music-auth/core's web-standard handler, a "Recently played" page
// behind the login guard, the developer-token route and a page that
// configures MusicKit JS with it. Sessions are kept in memory to stay short;
// use your framework's session store in a real app.
import { randomBytes } from 'node:crypto';
import { isAppleMusicAuthError } from '@apple-music-auth/core';
import {
  musicKitPage,
  TOKEN_SOURCE_PATH,
  tokenSourceModule,
} from '@apple-music-auth/example-shared/musickit';
import { accountSummary, homePage, page, recentList } from '@apple-music-auth/example-shared/pages';
import { parse as parseCookie, serialize as serializeCookie } from 'cookie';

/** The example's one name: its pages, its README, the demo's landing page, Apple's popup. */
export const EXAMPLE = 'node:http example';
const SESSION_COOKIE = 'sid';
const TOKEN_ROUTE = '/auth/apple-music/developer-token';

/**
 * Creates the example's web-standard request handler around an `AppleMusicAuth`.
 *
 * @param {import('@apple-music-auth/core').AppleMusicAuth} auth
 * @param {{ musicKitScriptURL?: string }} [options]
 * @returns {(request: Request) => Promise<Response>}
 */
export function createExampleHandler(auth, options = {}) {
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
    if (pathname === TOKEN_ROUTE) return auth.handleDeveloperToken(request);
    if (route === 'POST /auth/apple-music/callback') {
      return auth.handleCallback(request, {
        onSuccess(result) {
          // A new session id on every login: a cookie planted before it reads nothing.
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
    if (route === 'GET /') {
      const login = sessionOf(request)?.login;
      return html(homePage({ example: EXAMPLE, loginPath: '/auth/apple-music', login }));
    }
    if (route === 'GET /recent') return recent(request);
    if (route === 'GET /musickit') {
      return html(
        musicKitPage({
          example: EXAMPLE,
          tokenPath: TOKEN_ROUTE,
          musicKitScriptURL: options.musicKitScriptURL,
        }),
      );
    }
    if (route === `GET ${TOKEN_SOURCE_PATH}`) {
      return new Response(tokenSourceModule, {
        headers: { 'content-type': 'text/javascript' },
      });
    }
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

  /**
   * "Recently played", behind the guard: no login, or a token Apple no
   * longer accepts (403), sends the user to sign in and back here.
   *
   * @param {Request} request
   */
  async function recent(request) {
    const session = sessionOf(request);
    if (!session?.login) return auth.handleLoginRequired(request);
    try {
      /** @type {import('@apple-music-auth/example-shared/pages').Played} */
      const played = await auth.fetchAppleMusic('/v1/me/recent/played', {
        musicUserToken: session.login.musicUserToken,
      });
      return html(
        page({
          title: 'Recently played',
          example: EXAMPLE,
          content: `${accountSummary(session.login)}${recentList(played)}<a class="button secondary" href="/">Home</a>`,
        }),
      );
    } catch (error) {
      if (!isAppleMusicAuthError(error) || error.code !== 'ERR_USER_TOKEN_REJECTED') throw error;
      sessions.delete(session.sid);
      return auth.handleLoginRequired(request);
    }
  }

  return route;
}

/** @param {string} body */
function html(body) {
  return new Response(body, { headers: { 'content-type': 'text/html; charset=utf-8' } });
}
