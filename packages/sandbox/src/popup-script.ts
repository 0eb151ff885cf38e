/**
 * The popup page's browser script (plain ES2020, inlined under the page's CSP
 * nonce). It reads its settings from `#sandbox-config`:
 * `{ mode: 'authorize' | 'error', outcome, restricted, messageShape,
 * referrer, referrerOrigin, authorizeEndpoint, infoTimeoutMs, replyTimeoutMs }`.
 *
 * In `authorize` mode it speaks docs/protocol.md section 2 to `window.opener`:
 * `thirdPartyInfo` first; then, on Allow, it asks the sandbox to issue a
 * Music User Token for the developer token of the reply, sends
 * `authorize [token, '1' | '0', cid]`, then `close`, and closes itself.
 * Decline, Unavailable and Switch account send their method, then `close`.
 * The Close button only closes the window. Replies are matched by id and
 * accepted only from `window.opener` at the referrer's origin. Requests are
 * shaped by `messageShape`: `apple`, ids from 0 and `params` always an array
 * (as MusicKit's dispatcher); `odd`, ids from 1, `params` left out when there
 * are none and an empty object (not an array) for the refusals.
 *
 * A `thirdPartyInfo` token whose `origin` claim does not list the referrer's
 * origin is refused, as Apple refuses it: the page says why and posts nothing more.
 *
 * In scripted mode (outcome other than `manual`) it acts on its own once the
 * reply to `thirdPartyInfo` arrives; on any error it posts nothing more and
 * closes itself, so the opener sees a popup closed without a result. `hang`
 * acts by doing nothing: no message after `thirdPartyInfo`, buttons disabled,
 * the window left open, so only the opener's timeout ends the attempt.
 *
 * The `redirect` outcome (config `thirdPartyToken` from `a`) speaks to no
 * opener: it issues a token at once and navigates this window to
 * `referrer#<base64 of UTF-8 JSON {itre, musicUserToken, cid}>` (docs/protocol.md
 * section 7), or shows the error and stays.
 */
export const POPUP_SCRIPT = `(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('sandbox-config').textContent);
  var scripted = config.outcome !== 'manual';
  var opener = window.opener;
  function $(id) { return document.getElementById(id); }
  function setStatus(text, isError) {
    var element = $('status');
    element.textContent = text;
    element.className = isError ? 'error' : 'muted';
  }

  if (config.mode === 'error') {
    if (scripted && opener) window.close();
    return;
  }
  if (config.outcome === 'redirect') {
    redirectToReferrer();
    return;
  }
  if (!opener) {
    setStatus('This page has no opener: it must be opened with window.open by MusicKit or an Apple Music bridge page. There is nothing to do here.', true);
    return;
  }

  var buttons = ['allow', 'decline', 'unavailable', 'switch'];
  var odd = config.messageShape === 'odd';
  var nextId = odd ? 1 : 0;
  var pending = new Map();
  var info = null;
  var finished = false;

  function enable(on) {
    buttons.forEach(function (id) { $(id).disabled = !on; });
    $('restricted').disabled = !on;
  }

  window.addEventListener('message', function (event) {
    if (event.source !== opener || event.origin !== config.referrerOrigin) return;
    var data = event.data;
    if (!data || typeof data !== 'object' || data.jsonrpc !== '2.0') return;
    var resolve = pending.get(data.id);
    if (!resolve) return;
    pending.delete(data.id);
    resolve(data);
  });

  function request(method, params, timeoutMs) {
    var id = nextId++;
    var message = { jsonrpc: '2.0', id: id, method: method };
    if (!odd) message.params = params || [];
    else if (params !== undefined) message.params = params;
    return new Promise(function (resolve) {
      pending.set(id, resolve);
      setTimeout(function () { if (pending.delete(id)) resolve(null); }, timeoutMs || config.replyTimeoutMs);
      try {
        opener.postMessage(message, config.referrerOrigin);
      } catch (error) {
        pending.delete(id);
        resolve(null);
      }
    });
  }

  function fail(text) {
    finished = true;
    enable(false);
    setStatus(text, true);
    if (scripted) window.close();
  }

  function showApp(description) {
    if (typeof description.thirdPartyName === 'string' && description.thirdPartyName) {
      $('app-name').textContent = description.thirdPartyName;
    }
    var icon = description.thirdPartyIconURL;
    if (typeof icon === 'string') {
      try {
        var url = new URL(icon);
        if (url.protocol === 'https:' || url.protocol === 'http:') {
          $('app-icon').src = url.href;
          $('app-icon').hidden = false;
        }
      } catch (error) {
        // An unreadable icon URL is not shown.
      }
    }
  }

  function originClaimProblem(token) {
    var claims;
    try {
      var part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      claims = JSON.parse(atob(part + '==='.slice((part.length + 3) % 4)));
    } catch (error) {
      return null; // An unreadable token is refused by the sandbox on Allow.
    }
    if (!claims || claims.origin === undefined) return null;
    var listed = Array.isArray(claims.origin) ? claims.origin : [];
    if (listed.indexOf(config.referrerOrigin) !== -1) return null;
    return 'Apple would refuse to authorize here: the developer token of the thirdPartyInfo reply has an origin claim (' +
      (listed.join(', ') || 'not a list') + ') that does not list the opener’s origin ' + config.referrerOrigin +
      '. Sign the browser’s developer token with this origin in its origin claim.';
  }

  // Apple's page without an opener: issue a token for the developer token in
  // \`a\` and hand it back in the referrer's hash, a window redirect, no message.
  function redirectToReferrer() {
    var restricted = config.restricted === true;
    setStatus('Signing in, then returning to ' + config.referrerOrigin + '...', false);
    fetch(config.authorizeEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ thirdPartyToken: config.thirdPartyToken, referrer: config.referrer, restricted: restricted })
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) throw new Error(body && body.error ? body.error : 'The sandbox refused to issue a token.');
        var result = JSON.stringify({ itre: restricted ? '1' : '0', musicUserToken: body.userToken, cid: body.cid });
        var bytes = new TextEncoder().encode(result);
        var binary = '';
        for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
        window.location.href = config.referrer + '#' + btoa(binary);
      });
    }).catch(function (error) {
      setStatus(error && error.message ? error.message : 'Authorization failed.', true);
    });
  }

  function act(outcome) {
    if (finished || !info) return;
    finished = true;
    enable(false);
    if (outcome === 'close') {
      window.close();
      return;
    }
    if (outcome === 'hang') {
      setStatus('This popup will never answer (outcome hang): only the app’s own timeout ends the sign-in.', false);
      return;
    }
    var restricted = $('restricted').checked;
    var step;
    if (outcome === 'allow') {
      setStatus('Signing in...', false);
      step = fetch(config.authorizeEndpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ thirdPartyToken: info.thirdPartyToken, referrer: config.referrer, restricted: restricted })
      }).then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) throw new Error(body && body.error ? body.error : 'The sandbox refused to issue a token.');
          return request('authorize', [body.userToken, restricted ? '1' : '0', body.cid]);
        });
      });
    } else {
      step = request(outcome, odd ? {} : undefined);
    }
    step.then(function () {
      return request('close');
    }).then(function () {
      setStatus('Done: this window closes now.', false);
      window.close();
    }, function (error) {
      fail(error && error.message ? error.message : 'Authorization failed.');
    });
  }

  $('allow').addEventListener('click', function () { act('allow'); });
  $('decline').addEventListener('click', function () { act('decline'); });
  $('unavailable').addEventListener('click', function () { act('unavailable'); });
  $('switch').addEventListener('click', function () { act('switchUserId'); });
  $('close').addEventListener('click', function () { window.close(); });
  $('restricted').checked = config.restricted === true;
  enable(false);

  setStatus('Asking the app who it is (thirdPartyInfo)...', false);
  request('thirdPartyInfo', undefined, config.infoTimeoutMs).then(function (reply) {
    if (!reply) {
      return fail('The opener did not answer thirdPartyInfo. It must be the page at the referrer URL (' + config.referrerOrigin + ') and accept messages from ' + location.origin + '.');
    }
    if (reply.error) return fail('The opener answered thirdPartyInfo with an error.');
    if (typeof reply.result !== 'string') {
      return fail('The opener answered thirdPartyInfo with a ' + typeof reply.result + ' result; it must be a JSON string.');
    }
    var parsed;
    try {
      parsed = JSON.parse(reply.result);
    } catch (error) {
      return fail('The thirdPartyInfo result is not valid JSON.');
    }
    if (!parsed || typeof parsed !== 'object' || typeof parsed.thirdPartyToken !== 'string' || !parsed.thirdPartyToken) {
      return fail('The thirdPartyInfo result has no thirdPartyToken.');
    }
    var originProblem = originClaimProblem(parsed.thirdPartyToken);
    if (originProblem) return fail(originProblem);
    info = parsed;
    showApp(parsed);
    if (scripted) {
      act(config.outcome);
    } else {
      enable(true);
      setStatus('Choose what the user does.', false);
    }
  });
})();
`;
