// The example app on Express 5: express-session, Passport with the
// apple-music strategy, a home page, and a profile page that lists the
// user's recently played items with the tokens kept in the session.
import { isAppleMusicAuthError } from '@apple-music-auth/core';
import express from 'express';
import session from 'express-session';
import passport from 'passport';

/**
 * What the session keeps about the user: the Music User Token and what Apple
 * said about the account. A Music User Token is not a user id (Apple issues a
 * new one on every authorization); key your own accounts by your own id.
 *
 * @typedef {{ musicUserToken: string, storefront: string | undefined, restricted: boolean }} ExampleUser
 */

/** The verify function: the user is the token and the profile; `info` carries where to return. */
/** @type {import('@apple-music-auth/passport').VerifyFunctionWithParams} */
export const verify = (accessToken, _refreshToken, params, profile, done) => {
  /** @type {ExampleUser} */
  const user = {
    musicUserToken: accessToken,
    storefront: profile.storefront?.name,
    restricted: profile.restricted,
  };
  done(null, user, { returnTo: params.returnTo });
};

/**
 * Creates the Express app around a strategy built with {@link verify}.
 *
 * @param {{ strategy: import('@apple-music-auth/passport').Strategy, sessionSecret: string }} options
 * @returns {import('express').Express}
 */
export function createExampleApp({ strategy, sessionSecret }) {
  const app = express();
  const authenticator = new passport.Passport();
  authenticator.use(strategy);
  authenticator.serializeUser((user, done) => done(null, user));
  authenticator.deserializeUser((/** @type {Express.User} */ user, done) => done(null, user));

  app.use(session({ secret: sessionSecret, resave: false, saveUninitialized: false }));
  app.use(authenticator.initialize(), authenticator.session());

  app.get('/', (req, res) => {
    if (req.user) return res.redirect('/profile');
    res.send(
      page(
        'Apple Music example',
        `<p class="lead" id="status">Not connected.</p>
<a class="button" id="connect" href="/auth/apple-music?returnTo=/profile">Connect Apple Music</a>`,
      ),
    );
  });
  app.get('/auth/apple-music', authenticator.authenticate('apple-music'));
  app.post(
    '/auth/apple-music/callback',
    authenticator.authenticate('apple-music', {
      failureRedirect: '/login-failed',
      failureMessage: true,
    }),
    (req, res) => {
      const info = /** @type {{ returnTo?: string } | undefined} */ (req.authInfo);
      res.redirect(303, info?.returnTo ?? '/profile');
    },
  );
  app.get('/login-failed', (req, res) => {
    const sessionData = /** @type {{ messages?: string[] }} */ (req.session);
    const message = sessionData.messages?.pop() ?? 'The login did not complete.';
    res.status(401).send(
      page(
        'Not connected',
        `<p class="lead" id="failure">${escapeHTML(message)}</p>
<a class="button" href="/auth/apple-music?returnTo=/profile">Try again</a>`,
      ),
    );
  });
  app.get('/profile', async (req, res, next) => {
    const user = /** @type {ExampleUser | undefined} */ (req.user);
    if (!user) return res.redirect('/');
    try {
      /** @type {{ data: { attributes?: { name?: string, artistName?: string } }[] }} */
      const played = await strategy.auth.fetchAppleMusic('/v1/me/recent/played', {
        musicUserToken: user.musicUserToken,
      });
      const items = played.data.map(
        (item) =>
          `<li>${escapeHTML(item.attributes?.name ?? 'Untitled')} <small>${escapeHTML(item.attributes?.artistName ?? '')}</small></li>`,
      );
      res.send(
        page(
          'Recently played',
          `<p class="lead" id="status">Connected. Storefront: <span id="storefront">${escapeHTML(user.storefront ?? 'unknown')}</span>${user.restricted ? ' <span id="restricted">restricted</span>' : ''}</p>
<ul id="recent">${items.join('')}</ul>
<form method="post" action="/logout"><button>Disconnect</button></form>`,
        ),
      );
    } catch (error) {
      // Apple refused the Music User Token (403): the user signs in again.
      if (isAppleMusicAuthError(error) && error.code === 'ERR_USER_TOKEN_REJECTED') {
        return req.logout(() => res.redirect('/auth/apple-music?returnTo=/profile'));
      }
      next(error);
    }
  });
  app.post('/logout', (req, res, next) => {
    req.logout((error) => (error ? next(error) : res.redirect(303, '/')));
  });
  app.use(
    /**
     * @param {unknown} error
     * @param {import('express').Request} _req
     * @param {import('express').Response} res
     * @param {import('express').NextFunction} _next
     */
    (error, _req, res, _next) => {
      const known = isAppleMusicAuthError(error);
      res
        .status(known ? error.status : 500)
        .send(
          page(
            'Something went wrong',
            `<p class="lead">${known && error.expose ? escapeHTML(error.message) : 'Please try again later.'}</p><p><small>${known ? error.code : ''}</small></p>`,
          ),
        );
    },
  );
  return app;
}

const CSS = `:root{color-scheme:light dark;--bg:#f2f2f7;--card:#fff;--text:#1d1d1f;--muted:#5f5f66;--button:#1d1d1f;--button-text:#fff}
@media (prefers-color-scheme:dark){:root{--bg:#000;--card:#1c1c1e;--text:#f5f5f7;--muted:#a8a8ad;--button:#f5f5f7;--button-text:#1d1d1f}}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;padding:24px 16px;background:var(--bg);color:var(--text);font:16px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",system-ui,sans-serif}
.card{width:100%;max-width:440px;padding:40px 36px 28px;background:var(--card);border-radius:22px;box-shadow:0 12px 32px rgba(0,0,0,.08);text-align:center}
h1{margin:0 0 6px;font-size:1.5rem}.lead{margin:0 0 24px;color:var(--muted)}ul{text-align:left;padding-left:1.2em}small{color:var(--muted)}
button,.button{display:block;width:100%;padding:12px 16px;border:0;border-radius:12px;background:var(--button);color:var(--button-text);font:inherit;font-weight:600;text-decoration:none;cursor:pointer}`;

/**
 * A page in the bridge page's look: one card.
 *
 * @param {string} title
 * @param {string} body HTML, already escaped
 */
function page(title, body) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHTML(title)}</title><style>${CSS}</style></head><body><main class="card"><h1>${escapeHTML(title)}</h1>${body}</main></body></html>`;
}

/** @param {string} text */
function escapeHTML(text) {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
