import { type HttpHandler, HttpResponse, http } from 'msw';

/** Path the MusicKit JS v3 stub is served at, as on `js-cdn.music.apple.com`. */
export const MUSICKIT_SCRIPT_PATH = '/musickit/v3/musickit.js';

/**
 * Creates the msw handler serving a stub of MusicKit JS v3 at
 * `GET /musickit/v3/musickit.js` (any origin). The stub talks to the popup
 * at `<origin of the script>/woa`; see {@link renderMusicKitStub}.
 */
export function createMusicKitStubHandlers(): HttpHandler[] {
  return [
    http.get(`*${MUSICKIT_SCRIPT_PATH}`, ({ request }) => {
      const origin = new URL(request.url).origin;
      return new HttpResponse(renderMusicKitStub(origin), {
        headers: {
          'content-type': 'text/javascript; charset=utf-8',
          'cache-control': 'no-store',
          'x-content-type-options': 'nosniff',
          'access-control-allow-origin': '*',
          'cross-origin-resource-policy': 'cross-origin',
        },
      });
    }),
  ];
}

/**
 * The stub's source for a sandbox at `origin`. It defines `window.MusicKit`
 * with `configure({ developerToken, app })` (a promise of the instance) and
 * `getInstance()`. Like MusicKit, `configure` reads the developer token
 * before anything else: one that is not a JWT (three base64url parts, a
 * JSON payload with a numeric `exp`) rejects with an `MKError`
 * `CONFIGURATION_ERROR`, an expired one with `UNAUTHORIZED_ERROR`. The
 * instance's `authorize()` works like MusicKit v3's:
 *
 * - a developer token that has expired since `configure` rejects with
 *   `UNAUTHORIZED_ERROR`, without a popup;
 * - a Music User Token cached in localStorage under
 *   `music.<team id lowercased>.media-user-token` is returned without a popup;
 * - otherwise it synchronously opens `<origin>/woa?a=…&referrer=<location.href>&app=music&p=subscribe`
 *   in a 650x650 window named `apple-music-service-view`, centred on the
 *   opener, answers `thirdPartyInfo` with `thirdPartyName` = `location.host`,
 *   and resolves with the token of `authorize` (caching it), setting
 *   `isRestricted` from its second parameter (`'1'`);
 * - `decline`, `unavailable`, `switchUserId`, or a popup closed without a
 *   result (polled every 500 ms) reject with an `MKError` whose message and
 *   `errorCode` are `AUTHORIZATION_ERROR`;
 * - when `window.open` is blocked it never settles, as MusicKit does.
 *
 * Also `isAuthorized`, `isRestricted`, `musicUserToken`, `developerToken`, `unauthorize()`.
 * `musickitloaded` is dispatched on `document` once the script has run.
 */
export function renderMusicKitStub(origin: string): string {
  return `/* MusicKit JS v3 stub of @apple-music-auth/sandbox: not Apple's MusicKit. */
(function () {
  'use strict';
  var AUTHORIZE_URL = ${JSON.stringify(`${origin}/woa`)};
  var AUTHORIZE_ORIGIN = ${JSON.stringify(origin)};
  ${MUSICKIT_STUB_BODY}
})();
`;
}

const MUSICKIT_STUB_BODY = `
  var POPUP_NAME = 'apple-music-service-view';
  var instance;

  function MKError(code, description) {
    var error = new Error(code);
    error.name = 'MKError';
    error.errorCode = code;
    error.description = description;
    return error;
  }

  var JWT_SHAPE = /^[a-z0-9_-]+\\.([a-z0-9_-]+)\\.[a-z0-9_-]+$/i;

  function readDeveloperToken(token) {
    var match = typeof token === 'string' ? JWT_SHAPE.exec(token) : null;
    if (!match) return undefined;
    try {
      var part = match[1].replace(/-/g, '+').replace(/_/g, '/');
      while (part.length % 4) part += '=';
      var claims = JSON.parse(atob(part));
      if (!claims || typeof claims.exp !== 'number') return undefined;
      return { teamId: typeof claims.iss === 'string' ? claims.iss : undefined, expiresAt: claims.exp * 1000 };
    } catch (error) {
      return undefined;
    }
  }

  function expiredError() {
    return MKError('UNAUTHORIZED_ERROR', 'The developer token has expired.');
  }

  function popupFeatures() {
    var left = Math.round(window.screenX + (window.outerWidth - 650) / 2);
    var top = Math.round(window.screenY + (window.outerHeight - 650) / 2);
    return 'height=650,width=650,menubar=no,resizable=no,scrollbars=no,status=no,toolbar=no,left=' + left + ',top=' + top;
  }

  function Instance(config, tokenInfo) {
    var developerToken = config.developerToken;
    var app = config.app || {};
    var storageKey = 'music.' + (tokenInfo.teamId || 'unknown').toLowerCase() + '.media-user-token';
    var attempt = null;
    var restricted = false;

    function cached() {
      try {
        return window.localStorage.getItem(storageKey) || undefined;
      } catch (error) {
        return undefined;
      }
    }

    function describeApp() {
      var description = {};
      if (typeof app.icon === 'string') description.thirdPartyIconURL = app.icon;
      description.thirdPartyName = location.host;
      description.thirdPartyToken = developerToken;
      return description;
    }

    Object.defineProperties(this, {
      developerToken: { get: function () { return developerToken; }, enumerable: true },
      musicUserToken: { get: cached, enumerable: true },
      isAuthorized: { get: function () { return Boolean(cached()); }, enumerable: true },
      isRestricted: { get: function () { return restricted; }, enumerable: true }
    });

    this.unauthorize = function () {
      try {
        window.localStorage.removeItem(storageKey);
      } catch (error) {
        // Storage unavailable: nothing cached.
      }
      restricted = false;
      return Promise.resolve();
    };

    this.authorize = function () {
      if (tokenInfo.expiresAt <= Date.now()) return Promise.reject(expiredError());
      var cachedToken = cached();
      if (cachedToken) return Promise.resolve(cachedToken);
      if (attempt) {
        attempt.popup.focus();
        return attempt.promise;
      }
      var description = describeApp();
      var query = [
        ['a', btoa(JSON.stringify(description))],
        ['referrer', location.href],
        ['app', 'music'],
        ['p', 'subscribe']
      ].map(function (pair) {
        return encodeURIComponent(pair[0]) + '=' + encodeURIComponent(pair[1]);
      }).join('&');
      var popup = window.open(AUTHORIZE_URL + '?' + query, POPUP_NAME, popupFeatures());
      if (!popup) return new Promise(function () {});
      popup.focus();

      var current = { popup: popup };
      attempt = current;
      current.promise = new Promise(function (resolve, reject) {
        var settled = false;
        function settle(action) {
          if (settled) return;
          settled = true;
          if (attempt === current) attempt = null;
          action();
        }
        function refuse(description) {
          settle(function () { reject(MKError('AUTHORIZATION_ERROR', description)); });
        }
        function onMessage(event) {
          if (event.origin !== AUTHORIZE_ORIGIN || event.source !== popup) return;
          var data = event.data;
          if (!data || typeof data !== 'object' || data.jsonrpc !== '2.0' || typeof data.method !== 'string') return;
          var params = data.params === undefined ? [] : Array.isArray(data.params) ? data.params : [data.params];
          function reply(body) {
            body.jsonrpc = '2.0';
            body.id = data.id;
            popup.postMessage(body, AUTHORIZE_ORIGIN);
          }
          switch (data.method) {
            case 'thirdPartyInfo':
              reply({ result: JSON.stringify({
                thirdPartyIconURL: description.thirdPartyIconURL,
                thirdPartyName: description.thirdPartyName,
                thirdPartyParameters: {},
                thirdPartyToken: description.thirdPartyToken
              }) });
              break;
            case 'authorize':
              reply({ result: null });
              if (typeof params[0] === 'string' && params[0]) {
                var userToken = params[0];
                restricted = params[1] === '1';
                try {
                  window.localStorage.setItem(storageKey, userToken);
                } catch (error) {
                  // Storage unavailable: the token is still returned.
                }
                settle(function () { resolve(userToken); });
              } else {
                refuse('The authorization window sent no user token.');
              }
              break;
            case 'decline':
            case 'unavailable':
            case 'switchUserId':
              reply({ result: null });
              refuse('The authorization window answered ' + data.method + '.');
              break;
            case 'close':
              reply({ result: null });
              break;
            default:
              reply({ error: { code: -32601, message: 'Method not found' } });
          }
        }
        window.addEventListener('message', onMessage);
        var poll = setInterval(function () {
          if (!popup.closed) return;
          clearInterval(poll);
          window.removeEventListener('message', onMessage);
          refuse('The authorization window was closed.');
        }, 500);
      });
      return current.promise;
    };
  }

  window.MusicKit = {
    version: '3.0.0-sandbox',
    errors: {
      AUTHORIZATION_ERROR: 'AUTHORIZATION_ERROR',
      CONFIGURATION_ERROR: 'CONFIGURATION_ERROR',
      UNAUTHORIZED_ERROR: 'UNAUTHORIZED_ERROR'
    },
    configure: function (config) {
      if (!config || typeof config.developerToken !== 'string' || !config.developerToken) {
        return Promise.reject(MKError('CONFIGURATION_ERROR', 'MusicKit.configure needs a developerToken.'));
      }
      var tokenInfo = readDeveloperToken(config.developerToken);
      if (!tokenInfo) {
        return Promise.reject(MKError('CONFIGURATION_ERROR', 'The developer token is not a JWT with an exp claim.'));
      }
      if (tokenInfo.expiresAt <= Date.now()) return Promise.reject(expiredError());
      instance = new Instance(config, tokenInfo);
      return Promise.resolve(instance);
    },
    getInstance: function () {
      return instance;
    }
  };

  document.dispatchEvent(new CustomEvent('musickitloaded'));
`;
