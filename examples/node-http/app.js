// The example app: a home page, the login and callback routes of
// @apple-music-auth/core's web-standard handler, a "Recently played" page
// behind the login guard, the developer-token route and a page that
// configures MusicKit JS with it. Sessions are kept in memory to stay short;
// use your framework's session store in a real app.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { isAppleMusicAuthError } from '@apple-music-auth/core';
import {
  accountSummary,
  connectPage,
  disconnectForm,
  escapeHTML,
  page,
  recentList,
} from '@apple-music-auth/example-shared/pages';
import { parse as parseCookie, serialize as serializeCookie } from 'cookie';

const EXAMPLE = 'node:http example';
const SESSION_COOKIE = 'sid';
const TOKEN_ROUTE = '/auth/apple-music/developer-token';

/** core/browser's createDeveloperTokenSource, served to the MusicKit page as a module. */
const tokenSourceModule = readFileSync(
  join(
    dirname(createRequire(import.meta.url).resolve('@apple-music-auth/core/browser')),
    'developer-token-source.js',
  ),
  'utf8',
);

/**
 * Creates the example's web-standard request handler around an `AppleMusicAuth`.
 *
 * @param {import('@apple-music-auth/core').AppleMusicAuth} auth
 * @param {{ musicKitScriptURL?: string }} [options]
 * @returns {(request: Request) => Promise<Response>}
 */
export function createExampleHandler(auth, options = {}) {
  const musicKitScriptURL =
    options.musicKitScriptURL ?? 'https://js-cdn.music.apple.com/musickit/v3/musickit.js';
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
    if (route === 'GET /recent') return recent(request);
    if (route === 'GET /musickit') return html(musicKitPage());
    if (route === 'GET /developer-token-source.js') {
      return new Response(tokenSourceModule, { headers: { 'content-type': 'text/javascript' } });
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

  function musicKitPage() {
    return page({
      title: 'MusicKit in the page',
      example: EXAMPLE,
      content: `<p class="lead">This page configures MusicKit JS with a developer token from <code>${TOKEN_ROUTE}</code>; it plays nothing.</p>
<p id="musickit-status" role="status">Loading MusicKit…</p>
<a class="button secondary" href="/">Home</a>
<script type="module">
import { createDeveloperTokenSource } from '/developer-token-source.js';
const status = document.getElementById('musickit-status');
const tokens = createDeveloperTokenSource({ url: '${TOKEN_ROUTE}' });
const ready = window.MusicKit ? Promise.resolve() : new Promise((resolve) => document.addEventListener('musickitloaded', resolve, { once: true }));
ready
  .then(async () => MusicKit.configure({ developerToken: await tokens.getToken(), app: { name: 'Example Playlist Tool', build: '1.0.0' } }))
  .then(() => { status.textContent = 'MusicKit is configured.'; status.dataset.state = 'configured'; })
  .catch((error) => { status.textContent = 'MusicKit could not be configured: ' + (error?.message ?? error); status.dataset.state = 'failed'; });
</script>
<script src="${escapeHTML(musicKitScriptURL)}" async></script>`,
    });
  }

  return route;
}

/** @param {import('@apple-music-auth/core').LoginResult | undefined} login */
function home(login) {
  if (!login) return connectPage({ example: EXAMPLE, loginPath: '/auth/apple-music' });
  return page({
    title: 'Your Apple Music',
    example: EXAMPLE,
    content: `${accountSummary(login)}
<a class="button" href="/recent">Recently played</a>
<a class="button secondary" href="/musickit">MusicKit in the page</a>
${disconnectForm}`,
  });
}

/** @param {string} body */
function html(body) {
  return new Response(body, { headers: { 'content-type': 'text/html; charset=utf-8' } });
}
