import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import { delay, HttpResponse, http } from 'msw';
import { openLoginPage, readFailure, readLoginPage, sendCallback } from './login-requests.js';
import { sendRawGet } from './raw-request.js';
import type { Sandbox } from './start-sandbox.js';

/**
 * An app under test, as the login scenarios see it.
 *
 * The app must be configured against `sandbox` (its `authorizeURL` and
 * `apiURL` as endpoints), answer a successful callback with `200` and the
 * JSON `{ musicUserToken, restricted, storefront, returnTo }`, and a failed
 * one either with the error's status and a body that contains the error's
 * code, or with core's default: a `303` to the login route's failure page
 * (`?error=<code>`), which answers with that status and names the code.
 */
export interface ScenarioTarget {
  /** Sends one request to the app, e.g. `fetch` over loopback, or an inject function. */
  send(request: Request): Promise<Response>;
  /** Absolute URL of the app's login route. */
  loginURL: string;
  /** Absolute URL of the app's callback route. */
  callbackURL: string;
  /** The sandbox the app talks to. */
  sandbox: Sandbox;
  /** Moves the app's clock forward (its `now` option), for the expiry scenario. */
  advanceTime?: (ms: number) => void;
  /**
   * Where the app keeps the login state: `'cookie'` (default, core's signed
   * state and nonce cookie) or `'session'` (the framework's session, which
   * sets no state cookie and reports a forged state as a mismatch).
   */
  stateStore?: 'cookie' | 'session';
  /**
   * How many successful logins the app has handed to its success hook
   * (`onSuccess`, Passport's verify, the middleware after `callback()`) so
   * far. With it, the hostile requests and the fuzzer also check that no
   * refused callback reached that hook.
   */
  successCount?: () => number;
  /**
   * What the app's own body parser, mounted before the callback route (e.g.
   * `express.json()`, `@koa/bodyparser`, `koa-body`), refuses itself with a
   * `400` of its own: such a body never reaches the adapter, so a hostile
   * request of that kind expects the parser's `400`, which names none of
   * core's codes. Default: none.
   */
  bodyParserRefuses?: readonly BodyParserRefusal[];
  /**
   * True when the app's own JSON parser turns the callback body into an
   * object before the adapter reads it and keeps no raw text
   * (`express.json()`, `koa-body`): a repeated JSON key is gone by then (the
   * parser kept its last value), so the hostile request with a repeated key
   * expects the login to go on with that value. `@koa/bodyparser` keeps the
   * raw text, and core refuses the repeat. Default: false.
   */
  jsonParsedFirst?: boolean;
  /**
   * True when the app's own form parser turns the callback body into an
   * object before the adapter reads it, keeps no raw text, and drops
   * `__proto__` fields (qs under Express 5's `express.urlencoded()`,
   * `koa-body`): the hostile body with such a field then reaches core
   * without it, so the login goes on. Default: false.
   */
  formParsedFirst?: boolean;
  /**
   * Gives the app's used-state store (its `state.usedStates`) room for
   * `maxEntries` unexpired states only, e.g. a fresh
   * `createMemorySingleUseStore({ maxEntries })`, until the returned function
   * puts the app's own store back: for the eviction flood.
   */
  limitUsedStates?: (maxEntries: number) => () => void;
  /**
   * Absolute URL of the app's developer-token route, when it serves one: the
   * spoofed-host scenario checks that it signs nothing for another origin either.
   */
  developerTokenURL?: string;
}

/** A kind of callback body an app's own body parser may refuse before the adapter reads it. */
export type BodyParserRefusal =
  /** A body declared as JSON that is not JSON. */
  | 'unparsable-json'
  /** JSON with a `__proto__` key (co-body's default, under `@koa/bodyparser` and `koa-body`). */
  | 'json-proto-key';

/** True when the target keeps the state in its session: no state cookie exists. */
function sessionStore(target: ScenarioTarget): boolean {
  return target.stateStore === 'session';
}

/** Asserts that nothing sets a state cookie (the session store keeps the state server-side). */
function assertNoStateCookie(...responses: Response[]): void {
  for (const response of responses) {
    const stateCookies = response.headers
      .getSetCookie()
      .filter((cookie) => /^(__Host-)?apple_music_auth_state=/.test(cookie));
    assert.deepEqual(stateCookies, [], 'the session store must not set a state cookie');
  }
}

/** How many unexpired states the eviction flood's small store holds. */
const FLOOD_STORE_SIZE = 8;

/** How many callbacks the concurrent replay sends at once with one state. */
const CONCURRENT_CALLBACKS = 5;

/** One named login outcome and how to check it. */
export interface LoginScenario {
  /** What the scenario proves, as a test name. */
  name: string;
  /** Runs the scenario against the app; throws an `AssertionError` on a mismatch. */
  run(target: ScenarioTarget): Promise<void>;
}

/** Cookies a response clears (`Max-Age=0` or an expiry in 1970). */
function clearedCookies(response: Response): string[] {
  return response.headers
    .getSetCookie()
    .filter((cookie) => /max-age=0|expires=thu, 01 jan 1970/i.test(cookie));
}

/**
 * Checks a failed answer: the status and code, directly or on the failure
 * page a `303` leads to (`readFailure`), whose status has the same class.
 */
/**
 * Checks the refusal of a used state sent again with the cookies from before
 * its login: `ERR_STATE_REPLAYED`, or, with a session store whose session got
 * a new id at that login (its old session destroyed on the server), the
 * `ERR_STATE_MISSING` of a session that no longer exists.
 */
async function expectReplayRefused(target: ScenarioTarget, answer: Response): Promise<void> {
  if (sessionStore(target) && (await refusalCode(answer)) === 'ERR_STATE_MISSING') {
    return expectFailure(target, answer, 400, 'ERR_STATE_MISSING');
  }
  return expectFailure(target, answer, 403, 'ERR_STATE_REPLAYED');
}

/** The code a failed answer names: in its `303`'s `?error=`, else in its body (read from a clone). */
async function refusalCode(answer: Response): Promise<string | undefined> {
  if (answer.status === 303) {
    return (
      new URL(answer.headers.get('location') ?? '', 'http://x').searchParams.get('error') ??
      undefined
    );
  }
  return /ERR_[A-Z_]+/.exec(await answer.clone().text())?.[0];
}

async function expectFailure(
  target: ScenarioTarget,
  answer: Response,
  status: number,
  code: string,
): Promise<void> {
  const followed = answer.status === 303;
  const failure = await readFailure(target, answer, code);
  const shown = `got ${failure.status}: ${failure.text.slice(0, 300)}`;
  if (followed) {
    assert.equal(
      Math.floor(failure.status / 100),
      Math.floor(status / 100),
      `expected a ${status} failure page for ${code}, ${shown}`,
    );
  } else {
    assert.equal(failure.status, status, `expected ${status} ${code}, ${shown}`);
  }
  assert.ok(failure.text.includes(code), `the answer does not name ${code}: ${shown}`);
}

interface SuccessBody {
  musicUserToken: string;
  restricted: boolean;
  storefront?: { id: string; name: string } | null;
  returnTo?: string | null;
}

async function expectSuccess(response: Response): Promise<SuccessBody> {
  const text = await response.text();
  assert.equal(
    response.status,
    200,
    `expected a successful login, got ${response.status}: ${text.slice(0, 300)}`,
  );
  return JSON.parse(text) as SuccessBody;
}

/** A `Cookie` header: `cookies` with what `response` set or cleared, as a browser keeps them. */
function cookiesAfter(cookies: string, response: Response): string {
  const jar = new Map(
    cookies
      .split('; ')
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair] as const),
  );
  for (const line of response.headers.getSetCookie()) {
    const pair = line.split(';')[0] ?? '';
    const name = pair.slice(0, pair.indexOf('='));
    if (pair === `${name}=`) jar.delete(name);
    else jar.set(name, pair);
  }
  return [...jar.values()].join('; ');
}

/** Logs in with a fresh sandbox token and returns the callback's response. */
async function loginWith(
  target: ScenarioTarget,
  extra: Record<string, string> = {},
  query = '',
): Promise<{ response: Response; token: string }> {
  const { state, cookies } = await openLoginPage(target, query);
  const token = target.sandbox.issueToken();
  const response = await sendCallback(
    target,
    { state, music_user_token: token, restricted: '0', ...extra },
    cookies,
  );
  return { response, token };
}

function withApple(
  target: ScenarioTarget,
  answer: () => Response | Promise<Response>,
  run: () => Promise<void>,
): Promise<void> {
  target.sandbox.use(http.get('*/v1/me/storefront', answer));
  return run().finally(() => target.sandbox.resetHandlers());
}

/** The hostile body whose extra field a qs-based form parser drops before core sees it. */
const PROTO_FIELD = 'a __proto__ key';

const hostileBodies: Array<[name: string, body: (state: string, token: string) => string]> = [
  ['a body over 16 KiB', (state) => `state=${state}&music_user_token=${'a'.repeat(17 * 1024)}`],
  [
    'a duplicated field',
    (state, token) => `state=${state}&music_user_token=${token}&music_user_token=${token}`,
  ],
  ['an unknown field', (state, token) => `state=${state}&music_user_token=${token}&admin=1`],
  [
    'both a token and an error',
    (state, token) => `state=${state}&music_user_token=${token}&error=access_denied`,
  ],
  ['neither a token nor an error', (state) => `state=${state}`],
  [PROTO_FIELD, (state, token) => `state=${state}&music_user_token=${token}&__proto__=x`],
  ['a control character in the token', (state) => `state=${state}&music_user_token=abc%00def`],
  ['a token over 4 KiB', (state) => `state=${state}&music_user_token=${'a'.repeat(4097)}`],
  ['an unknown error value', (state) => `state=${state}&error=teapot`],
];

/** The host an attacker names in the spoofed-host scenario. */
const SPOOFED_HOST = 'evil.example';

/**
 * Requests for `url` that name another origin: `Host` and `X-Forwarded-*` of
 * `evil.example`, and, where the app listens on loopback http (`fetch` can
 * send neither), an absolute-form target `https://evil.example/...` with the
 * app's own `Host`. Each is sent and answered.
 */
function spoofedRequests(
  target: ScenarioTarget,
  url: string,
): Array<[string, () => Promise<Response>]> {
  const { protocol, hostname, host, origin, pathname, search } = new URL(url);
  const path = `${pathname}${search}`;
  const spoofed = {
    host: SPOOFED_HOST,
    'x-forwarded-host': SPOOFED_HOST,
    'x-forwarded-proto': 'https',
    origin: `https://${SPOOFED_HOST}`,
  };
  if (protocol !== 'http:' || !['127.0.0.1', 'localhost', '[::1]'].includes(hostname)) {
    return [[`Host: ${SPOOFED_HOST}`, () => target.send(new Request(url, { headers: spoofed }))]];
  }
  return [
    [`Host: ${SPOOFED_HOST}`, () => sendRawGet({ server: origin, target: path, headers: spoofed })],
    [
      `GET https://${SPOOFED_HOST}${path}`,
      () =>
        sendRawGet({
          server: origin,
          target: `https://${SPOOFED_HOST}${path}`,
          headers: { host, origin: `https://${SPOOFED_HOST}` },
        }),
    ],
  ];
}

/**
 * Asserts that an answer signed nothing for the spoofed host: either a 4xx
 * with no developer token and no state cookie, or an answer for the app's own
 * origin (no token whose `origin` claim, no page, no header names the host).
 */
async function expectNothingSignedForSpoofedHost(what: string, answer: Response): Promise<void> {
  const text = await answer.text();
  const shown = `${what} answered ${answer.status}: ${text.slice(0, 300)}`;
  const tokens = text.match(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/g) ?? [];
  if (answer.status !== 200) {
    // 400 from core's origin check; an adapter that routes on the raw target may say 404.
    assert.ok(answer.status >= 400 && answer.status < 500, shown);
    assert.deepEqual(tokens, [], `${what}: a refusal carries a developer token`);
    const stateCookies = answer.headers
      .getSetCookie()
      .filter((cookie) => /^(__Host-)?apple_music_auth/.test(cookie));
    assert.deepEqual(stateCookies, [], `${what}: a refusal sets a state cookie`);
    return;
  }
  for (const token of tokens) {
    const claim = decodeJwt(token).origin;
    const origins = Array.isArray(claim) ? claim : [claim];
    assert.ok(
      !origins.some((origin) => String(origin).includes(SPOOFED_HOST)),
      `${what}: a developer token for ${String(claim)}`,
    );
  }
  assert.ok(!text.includes(SPOOFED_HOST), `${what}: the page names ${SPOOFED_HOST}: ${shown}`);
  answer.headers.forEach((value, name) => {
    assert.ok(!value.includes(SPOOFED_HOST), `${what}: the ${name} header names ${SPOOFED_HOST}`);
  });
}

/**
 * Every login outcome an adapter must handle, as one table that each
 * framework's tests run through its own request path: the page, success,
 * each refusal, each state failure, hostile bodies, and Apple's failures.
 */
export const loginScenarios: readonly LoginScenario[] = [
  {
    name: 'serves the bridge page with a state, a state cookie and strict headers',
    async run(target) {
      const { page, html, cookies } = await openLoginPage(target);
      assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
      assert.equal(page.headers.get('cache-control'), 'no-store');
      assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(page.headers.get('cross-origin-opener-policy'), 'same-origin-allow-popups');
      const csp = page.headers.get('content-security-policy') ?? '';
      assert.match(csp, /script-src[^;]*'nonce-/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.notEqual(page.headers.get('referrer-policy'), 'no-referrer');
      assert.ok(cookies.length > 0, 'the login page set no cookie');
      assert.match(html, /Continue with Apple Music/);
    },
  },
  {
    name: 'completes a login with a token the sandbox issued, checked against Apple',
    async run(target) {
      const { response, token } = await loginWith(target);
      const result = await expectSuccess(response);
      assert.equal(result.musicUserToken, token);
      assert.equal(result.restricted, false);
      assert.equal(result.storefront?.id, 'us');
    },
  },
  {
    name: 'leaves no state cookie behind when the callback answers',
    async run(target) {
      const { response } = await loginWith(target);
      await response.body?.cancel();
      if (sessionStore(target)) return assertNoStateCookie(response);
      assert.ok(
        clearedCookies(response).length > 0,
        'the callback does not clear the state cookie',
      );
    },
  },
  {
    name: 'leaves no state cookie behind when a login fails too',
    async run(target) {
      const { state, cookies, page } = await openLoginPage(target);
      const response = await sendCallback(target, { state, error: 'access_denied' }, cookies);
      await response.body?.cancel();
      if (sessionStore(target)) return assertNoStateCookie(page, response);
      assert.ok(
        clearedCookies(response).length > 0,
        'a failed callback does not clear the state cookie',
      );
    },
  },
  {
    name: 'refuses a state used twice (ERR_STATE_REPLAYED)',
    async run(target) {
      const { state, cookies } = await openLoginPage(target);
      const token = target.sandbox.issueToken();
      const fields = { state, music_user_token: token, restricted: '0' };
      const first = await sendCallback(target, fields, cookies);
      await expectSuccess(first);
      // A session store gives the session a new id on login (session
      // fixation), so the browser posts again with the cookie it now holds.
      const replayCookies = sessionStore(target) ? cookiesAfter(cookies, first) : cookies;
      const replay = await sendCallback(target, fields, replayCookies);
      await expectFailure(target, replay, 403, 'ERR_STATE_REPLAYED');
    },
  },
  {
    name: 'ignores a planted state cookie (a __Host- cookie over https)',
    async run(target) {
      const attacker = await openLoginPage(target);
      if (sessionStore(target)) {
        // Nothing to plant: the state is in the attacker's session, not in a cookie.
        assertNoStateCookie(attacker.page);
        const victim = await openLoginPage(target);
        const token = target.sandbox.issueToken();
        const response = await sendCallback(
          target,
          { state: attacker.state, music_user_token: token },
          victim.cookies,
        );
        return expectFailure(target, response, 400, 'ERR_STATE_MISMATCH');
      }
      const [attackerCookie = ''] = attacker.page.headers.getSetCookie();
      const [pair = ''] = attackerCookie.split(';');
      const equals = pair.indexOf('=');
      const name = pair.slice(0, equals);
      const value = pair.slice(equals + 1);
      if (new URL(target.callbackURL).protocol === 'https:') {
        assert.match(name, /^__Host-/, 'the state cookie over https has no __Host- prefix');
        assert.match(attackerCookie, /;\s*Secure/i);
        assert.match(attackerCookie, /;\s*Path=\/(;|$)/i);
        assert.doesNotMatch(attackerCookie, /;\s*Domain=/i);
        // What a sibling subdomain can set: the same name without the prefix.
        const planted = `${name.replace(/^__Host-/, '')}=${value}`;
        const token = target.sandbox.issueToken();
        const response = await sendCallback(
          target,
          { state: attacker.state, music_user_token: token },
          planted,
        );
        await expectFailure(target, response, 400, 'ERR_STATE_MISSING');
      } else {
        // Plain http is for loopback development only: no prefix is possible there.
        assert.doesNotMatch(name, /^__Host-/);
        assert.match(
          attackerCookie,
          new RegExp(`;\\s*Path=${new URL(target.callbackURL).pathname}`, 'i'),
        );
      }
    },
  },
  {
    name: 'passes restricted accounts through',
    async run(target) {
      const { response } = await loginWith(target, { restricted: '1' });
      assert.equal((await expectSuccess(response)).restricted, true);
    },
  },
  {
    name: 'honours a same-site returnTo',
    async run(target) {
      const { response } = await loginWith(target, {}, '?returnTo=%2Flibrary%3Ftab%3Drecent');
      assert.equal((await expectSuccess(response)).returnTo, '/library?tab=recent');
    },
  },
  {
    name: 'refuses an off-site returnTo',
    async run(target) {
      const page = await target.send(
        new Request(`${target.loginURL}?returnTo=${encodeURIComponent('https://evil.example/')}`),
      );
      await expectFailure(target, page, 400, 'ERR_INVALID_RETURN_TO');
    },
  },
  ...(
    [
      ['access_denied', 403, 'ERR_ACCESS_DENIED'],
      ['unavailable', 403, 'ERR_UNAVAILABLE'],
      ['cancelled', 400, 'ERR_CANCELLED'],
      ['popup_blocked', 400, 'ERR_POPUP_BLOCKED'],
    ] as const
  ).map(
    ([error, status, code]): LoginScenario => ({
      name: `reports ${error} from the popup as ${code}`,
      async run(target) {
        const { state, cookies } = await openLoginPage(target);
        await expectFailure(
          target,
          await sendCallback(target, { state, error }, cookies),
          status,
          code,
        );
      },
    }),
  ),
  {
    name: 'refuses a callback without state (ERR_STATE_MISSING)',
    async run(target) {
      const { cookies } = await openLoginPage(target);
      const token = target.sandbox.issueToken();
      const response = await sendCallback(target, { music_user_token: token }, cookies);
      await expectFailure(target, response, 400, 'ERR_STATE_MISSING');
    },
  },
  {
    name: 'refuses a callback without the state cookie (ERR_STATE_MISSING)',
    async run(target) {
      const { state } = await openLoginPage(target);
      const token = target.sandbox.issueToken();
      const response = await sendCallback(target, { state, music_user_token: token }, '');
      await expectFailure(target, response, 400, 'ERR_STATE_MISSING');
    },
  },
  {
    name: "refuses another browser's state (ERR_STATE_MISMATCH)",
    async run(target) {
      const attacker = await openLoginPage(target);
      const victim = await openLoginPage(target);
      const token = target.sandbox.issueToken();
      const response = await sendCallback(
        target,
        { state: attacker.state, music_user_token: token },
        victim.cookies,
      );
      await expectFailure(target, response, 400, 'ERR_STATE_MISMATCH');
    },
  },
  {
    name: 'refuses a forged state (ERR_STATE_MALFORMED; a mismatch for the session store)',
    async run(target) {
      const { cookies } = await openLoginPage(target);
      const token = target.sandbox.issueToken();
      const response = await sendCallback(
        target,
        { state: 'eyJhbGciOiJIUzI1NiJ9.eyJuIjoieCJ9.c2lnbmF0dXJl', music_user_token: token },
        cookies,
      );
      const code = sessionStore(target) ? 'ERR_STATE_MISMATCH' : 'ERR_STATE_MALFORMED';
      await expectFailure(target, response, 400, code);
    },
  },
  {
    name: 'refuses an expired state (ERR_STATE_EXPIRED)',
    async run(target) {
      assert.ok(target.advanceTime, 'this scenario needs target.advanceTime');
      const { state, cookies } = await openLoginPage(target);
      target.advanceTime(60 * 60 * 1000);
      const token = target.sandbox.issueToken();
      const response = await sendCallback(target, { state, music_user_token: token }, cookies);
      await expectFailure(target, response, 400, 'ERR_STATE_EXPIRED');
    },
  },
  ...hostileBodies.map(
    ([what, body]): LoginScenario => ({
      name: `refuses ${what} (ERR_CALLBACK_INVALID)`,
      async run(target) {
        const { state, cookies } = await openLoginPage(target);
        const token = target.sandbox.issueToken();
        const response = await sendCallback(
          target,
          body(encodeURIComponent(state), encodeURIComponent(token)),
          cookies,
        );
        if (what === PROTO_FIELD && target.formParsedFirst === true) {
          await expectSuccess(response);
          return;
        }
        const status = what.includes('16 KiB') ? 413 : 400;
        await expectFailure(target, response, status, 'ERR_CALLBACK_INVALID');
      },
    }),
  ),
  {
    name: 'maps Apple 401 to ERR_DEVELOPER_TOKEN_REJECTED',
    run: (target) =>
      withApple(
        target,
        () =>
          HttpResponse.json(
            { errors: [{ status: '401', title: 'Unauthorized' }] },
            { status: 401 },
          ),
        async () => {
          await expectFailure(
            target,
            (await loginWith(target)).response,
            502,
            'ERR_DEVELOPER_TOKEN_REJECTED',
          );
        },
      ),
  },
  {
    name: 'maps a revoked Music User Token (Apple 403) to ERR_USER_TOKEN_REJECTED',
    async run(target) {
      const { state, cookies } = await openLoginPage(target);
      const token = target.sandbox.issueToken();
      target.sandbox.revokeToken(token);
      const response = await sendCallback(target, { state, music_user_token: token }, cookies);
      await expectFailure(target, response, 401, 'ERR_USER_TOKEN_REJECTED');
    },
  },
  {
    name: 'maps Apple 429 after retries to ERR_RATE_LIMITED',
    run: (target) =>
      withApple(
        target,
        () => new HttpResponse(null, { status: 429, headers: { 'retry-after': '0' } }),
        async () => {
          await expectFailure(target, (await loginWith(target)).response, 503, 'ERR_RATE_LIMITED');
        },
      ),
  },
  {
    name: 'maps Apple 5xx to ERR_UPSTREAM',
    run: (target) =>
      withApple(
        target,
        () => new HttpResponse('oops', { status: 500 }),
        async () => {
          await expectFailure(target, (await loginWith(target)).response, 502, 'ERR_UPSTREAM');
        },
      ),
  },
  {
    name: 'maps an Apple that never answers to ERR_TIMEOUT',
    run: (target) =>
      withApple(
        target,
        async () => {
          await delay('infinite');
          return new HttpResponse(null, { status: 500 });
        },
        async () => {
          await expectFailure(target, (await loginWith(target)).response, 504, 'ERR_TIMEOUT');
        },
      ),
  },
  {
    name: 'the concurrent replay: of 5 callbacks sent at once with one state, exactly one succeeds',
    async run(target) {
      const { state, cookies } = await openLoginPage(target);
      const fields = { state, music_user_token: target.sandbox.issueToken(), restricted: '0' };
      const before = target.successCount?.();
      const answers = await Promise.all(
        Array.from({ length: CONCURRENT_CALLBACKS }, () => sendCallback(target, fields, cookies)),
      );
      const [winner, ...others] = [...answers].sort(
        (a, b) => Number(b.status === 200) - Number(a.status === 200),
      );
      await expectSuccess(winner as Response);
      for (const answer of others) await expectReplayRefused(target, answer);
      if (before !== undefined) assert.equal(target.successCount?.(), before + 1);
    },
  },
  {
    name: 'the eviction flood (small store): a full store refuses logins and callbacks (503), and still a used state',
    async run(target) {
      assert.ok(target.limitUsedStates, 'this scenario needs target.limitUsedStates');
      const restore = target.limitUsedStates(FLOOD_STORE_SIZE);
      try {
        const victim = await openLoginPage(target);
        const token = target.sandbox.issueToken();
        const fields = { state: victim.state, music_user_token: token, restricted: '0' };
        await expectSuccess(await sendCallback(target, fields, victim.cookies));
        const pending = await openLoginPage(target);
        // Anonymous logins, each cancelled at once: every one uses up a state.
        let refused: Response | undefined;
        for (let pair = 0; pair < FLOOD_STORE_SIZE && refused === undefined; pair += 1) {
          const page = await target.send(new Request(target.loginURL));
          if (page.status !== 200) {
            refused = page;
            break;
          }
          const { state, cookies } = await readLoginPage(page);
          const cancel = await sendCallback(target, { state, error: 'cancelled' }, cookies);
          await expectFailure(target, cancel, 400, 'ERR_CANCELLED');
        }
        assert.ok(refused, `${FLOOD_STORE_SIZE} logins went through: the store forgot used states`);
        await expectFailure(target, refused, 503, 'ERR_USED_STATES_FULL');
        // A login started before the flood cannot be remembered, so it cannot finish.
        const late = await sendCallback(
          target,
          { state: pending.state, music_user_token: target.sandbox.issueToken() },
          pending.cookies,
        );
        await expectFailure(target, late, 503, 'ERR_USED_STATES_FULL');
        // The victim's captured state and cookie, now with another account's token.
        const replay = await sendCallback(
          target,
          { ...fields, music_user_token: target.sandbox.issueToken() },
          victim.cookies,
        );
        await expectReplayRefused(target, replay);
      } finally {
        restore();
      }
    },
  },
  {
    name: 'the spoofed host: signs nothing for a request made to another origin',
    async run(target) {
      const routes = [target.loginURL, target.developerTokenURL].filter(
        (url): url is string => url !== undefined,
      );
      for (const url of routes) {
        for (const [how, send] of spoofedRequests(target, url)) {
          await expectNothingSignedForSpoofedHost(
            `${how} (${new URL(url).pathname})`,
            await send(),
          );
        }
      }
    },
  },
];
