import assert from 'node:assert/strict';
import { base64url, SignJWT } from 'jose';
import {
  type CallbackRequestBody,
  expectRefusal,
  openLoginPage,
  type StartedLogin,
  sendCallback,
} from './login-requests.js';
import type { BodyParserRefusal, ScenarioTarget } from './scenarios.js';

/**
 * One named hostile request: what it sends and the refusal it must get.
 * Run it as a test: `it(hostile.name, () => hostile.run(target))`.
 */
export interface HostileRequest {
  /** What the attacker tries, as a test name. */
  name: string;
  /** The status the target must answer with (its class, when core's `303` leads to the failure page). */
  status: number;
  /** The error code the answer must name. */
  code: string;
  /**
   * The kind of body an app's own body parser may refuse before the adapter
   * reads it: on a target whose `bodyParserRefuses` lists it, the request
   * expects the parser's `400` instead of `status` and `code`.
   */
  parserRefusal?: BodyParserRefusal;
  /**
   * True for a repeated JSON key: on a target whose `jsonParsedFirst` is
   * set, the parser has dropped the repeat, and the request expects the
   * login to go on with the parser's last value (a success, earned once).
   */
  lostToJsonParser?: boolean;
  /**
   * Sends the request to `target` and checks the refusal: status, code,
   * that no HTML the request carried comes back unescaped, and (with
   * `target.successCount`) that no refused callback reached the app's
   * success hook. Throws an `AssertionError` on a mismatch.
   */
  run(target: ScenarioTarget): Promise<void>;
}

/** Markup that must never come back unescaped. */
const HTML = '<script>alert(1)</script>';
const EVIL = 'evil.example';
const STATE_TYPE = 'apple-music-auth-state+jwt';

interface Attack {
  name: string;
  status: number;
  code: string;
  parserRefusal?: BodyParserRefusal;
  lostToJsonParser?: boolean;
  /** Logins the attack earns on its way (a replay's first, honest callback). */
  earns?: number;
  attack(target: ScenarioTarget): Promise<Response>;
}

/** The nonce a browser keeps in its state cookie. */
function nonceOf(login: StartedLogin): string {
  const pair = login.cookies.split('; ')[0] ?? '';
  return decodeURIComponent(pair.slice(pair.indexOf('=') + 1));
}

/** A state shaped like core's, signed with a secret the target does not have. */
async function foreignState(nonce: string, claims: Record<string, unknown> = {}): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(nonce));
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ nh: base64url.encode(new Uint8Array(digest)), ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: STATE_TYPE })
    .setIssuedAt(now)
    .setExpirationTime(now + 600)
    .sign(new TextEncoder().encode('another-instance-with-its-own-secret-0123456789'));
}

/** Starts a login, then posts `body(login, token)` with the login's cookies. */
function afterLogin(
  body: (login: StartedLogin, token: string) => CallbackRequestBody | Promise<CallbackRequestBody>,
  contentType: string | null = 'application/x-www-form-urlencoded',
): (target: ScenarioTarget) => Promise<Response> {
  return async (target) => {
    const login = await openLoginPage(target);
    const token = target.sandbox.issueToken();
    return sendCallback(target, await body(login, token), login.cookies, contentType);
  };
}

/** Starts a login, then posts a valid body for it with `cookies(login)` instead of its own. */
function withCookies(
  cookies: (login: StartedLogin, other: StartedLogin) => string,
): (target: ScenarioTarget) => Promise<Response> {
  return async (target) => {
    const login = await openLoginPage(target);
    const other = await openLoginPage(target);
    const token = target.sandbox.issueToken();
    const fields = { state: login.state, music_user_token: token, restricted: '0' };
    return sendCallback(target, fields, cookies(login, other));
  };
}

/** Posts a form whose `state` field is `state(login)`. */
function withState(
  state: (login: StartedLogin) => string | Promise<string>,
): (target: ScenarioTarget) => Promise<Response> {
  return afterLogin(async (login, token) => ({
    state: await state(login),
    music_user_token: token,
    restricted: '0',
  }));
}

/** Opens the login page with a raw query string. */
function loginWithQuery(query: string): (target: ScenarioTarget) => Promise<Response> {
  return (target) => target.send(new Request(`${target.loginURL}?${query}`));
}

function nested(depth: number, leaf: string): string {
  return `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}`;
}

const stateAttacks: Attack[] = [
  {
    name: 'a forged state: a JWT with a made-up signature',
    status: 400,
    code: 'ERR_STATE_MALFORMED',
    attack: withState(() => 'eyJhbGciOiJIUzI1NiJ9.eyJuIjoieCJ9.c2lnbmF0dXJl'),
  },
  {
    name: "another instance's state: signed with another secret for this very cookie",
    status: 400,
    code: 'ERR_STATE_MALFORMED',
    attack: withState((login) => foreignState(nonceOf(login))),
  },
  {
    name: 'a state whose payload was altered (returnTo added) under the original signature',
    status: 400,
    code: 'ERR_STATE_MALFORMED',
    attack: withState((login) => {
      const [header, payload, signature] = login.state.split('.');
      const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload ?? '')));
      const altered = base64url.encode(JSON.stringify({ ...claims, rt: `//${EVIL}` }));
      return `${header}.${altered}.${signature}`;
    }),
  },
  {
    name: 'an unsigned state (alg none)',
    status: 400,
    code: 'ERR_STATE_MALFORMED',
    attack: withState((login) => {
      const [, payload] = login.state.split('.');
      return `${base64url.encode(JSON.stringify({ alg: 'none', typ: STATE_TYPE }))}.${payload}.`;
    }),
  },
  {
    name: 'a truncated state',
    status: 400,
    code: 'ERR_STATE_MALFORMED',
    attack: withState((login) => login.state.slice(0, -6)),
  },
  {
    name: 'a state of 8,193 characters',
    status: 400,
    code: 'ERR_STATE_MALFORMED',
    attack: withState((login) => `${login.state}${'A'.repeat(8193 - login.state.length)}`),
  },
  {
    name: 'an expired state',
    status: 400,
    code: 'ERR_STATE_EXPIRED',
    async attack(target) {
      assert.ok(target.advanceTime, 'this hostile request needs target.advanceTime');
      const login = await openLoginPage(target);
      target.advanceTime(60 * 60 * 1000);
      const fields = { state: login.state, music_user_token: target.sandbox.issueToken() };
      return sendCallback(target, fields, login.cookies);
    },
  },
  {
    name: 'a replayed state: the same callback posted after it succeeded',
    status: 403,
    code: 'ERR_STATE_REPLAYED',
    earns: 1,
    async attack(target) {
      const login = await openLoginPage(target);
      const fields = { state: login.state, music_user_token: target.sandbox.issueToken() };
      const first = await sendCallback(target, fields, login.cookies);
      await first.body?.cancel();
      assert.equal(first.status, 200, `the first callback answered ${first.status}`);
      return sendCallback(target, fields, login.cookies);
    },
  },
  {
    name: 'an empty state',
    status: 400,
    code: 'ERR_CALLBACK_INVALID',
    attack: withState(() => ''),
  },
  {
    name: 'a state with CR/LF inside',
    status: 400,
    code: 'ERR_CALLBACK_INVALID',
    attack: withState((login) => `${login.state}\r\nset-cookie: admin=1`),
  },
];

const cookieAttacks: Attack[] = [
  {
    name: 'a valid state without the state cookie',
    status: 400,
    code: 'ERR_STATE_MISSING',
    attack: withCookies(() => ''),
  },
  {
    name: "a state with another browser's cookie",
    status: 400,
    code: 'ERR_STATE_MISMATCH',
    attack: withCookies((_login, other) => other.cookies),
  },
  {
    name: 'a planted state cookie with a nonce the attacker chose',
    status: 400,
    code: 'ERR_STATE_MISMATCH',
    attack: withCookies((login) => `${login.cookieName}=attacker-chosen-nonce`),
  },
  {
    name: 'a planted state cookie sent before the real one',
    status: 400,
    code: 'ERR_STATE_MISMATCH',
    attack: withCookies((login, other) => `${other.cookies}; ${login.cookies}`),
  },
  {
    name: 'a state cookie of 600 characters',
    status: 400,
    code: 'ERR_STATE_MALFORMED',
    attack: withCookies((login) => `${login.cookieName}=${'n'.repeat(600)}`),
  },
];

const bodyAttacks: Attack[] = [
  {
    name: 'a body of 16,385 bytes',
    status: 413,
    code: 'ERR_CALLBACK_INVALID',
    attack: afterLogin(
      (login, token) =>
        `state=${login.state}&music_user_token=${token}&restricted=${'0'.repeat(16_385)}`,
    ),
  },
  {
    name: 'a deeply nested JSON body (3,000 levels)',
    status: 400,
    code: 'ERR_CALLBACK_INVALID',
    attack: afterLogin(
      (login) => `{"state":${JSON.stringify(login.state)},"music_user_token":${nested(3000, '1')}}`,
      'application/json',
    ),
  },
  {
    name: 'deeply nested form keys (state[a][b]...)',
    status: 400,
    code: 'ERR_CALLBACK_INVALID',
    attack: afterLogin(
      (login, token) => `state${'[a]'.repeat(500)}=${login.state}&music_user_token=${token}`,
    ),
  },
  {
    name: 'a text/plain body',
    status: 400,
    code: 'ERR_CALLBACK_INVALID',
    attack: afterLogin(
      (login, token) => ({ state: login.state, music_user_token: token }),
      'text/plain',
    ),
  },
  {
    name: 'a multipart/form-data content type',
    status: 400,
    code: 'ERR_CALLBACK_INVALID',
    attack: afterLogin(
      (login, token) => ({ state: login.state, music_user_token: token }),
      'multipart/form-data; boundary=x',
    ),
  },
  {
    name: 'a form body declared as JSON',
    status: 400,
    code: 'ERR_CALLBACK_INVALID',
    parserRefusal: 'unparsable-json',
    attack: afterLogin(
      (login, token) => ({ state: login.state, music_user_token: token }),
      'application/json',
    ),
  },
  {
    name: 'no content type and a body that is neither form nor JSON',
    status: 400,
    code: 'ERR_CALLBACK_INVALID',
    attack: afterLogin(() => new Uint8Array([1, 2, 3, 0x3d, 0x26]), null),
  },
  {
    name: 'invalid UTF-8 in the body',
    status: 400,
    code: 'ERR_CALLBACK_INVALID',
    attack: afterLogin(
      (login) =>
        new Uint8Array([
          ...new TextEncoder().encode(`state=${login.state}&music_user_token=a`),
          0xff,
          0xfe,
        ]),
    ),
  },
  {
    name: 'a __proto__ key in a form',
    status: 400,
    code: 'ERR_CALLBACK_INVALID',
    attack: afterLogin(
      (login, token) => `__proto__[admin]=1&state=${login.state}&music_user_token=${token}`,
    ),
  },
  {
    name: 'a __proto__ key in JSON',
    status: 400,
    code: 'ERR_CALLBACK_INVALID',
    parserRefusal: 'json-proto-key',
    attack: afterLogin(
      (login, token) =>
        `{"__proto__":{"admin":true},"state":${JSON.stringify(login.state)},"music_user_token":"${token}"}`,
      'application/json',
    ),
  },
  {
    name: 'a constructor key in JSON',
    status: 400,
    code: 'ERR_CALLBACK_INVALID',
    attack: afterLogin(
      (login, token) =>
        JSON.stringify({
          constructor: { prototype: 1 },
          state: login.state,
          music_user_token: token,
        }),
      'application/json',
    ),
  },
  {
    name: 'a duplicated state field',
    status: 400,
    code: 'ERR_CALLBACK_INVALID',
    attack: afterLogin(
      (login, token) => `state=${login.state}&state=${login.state}&music_user_token=${token}`,
    ),
  },
  {
    name: 'a state key repeated in a JSON body, its last value the valid one',
    status: 400,
    code: 'ERR_CALLBACK_INVALID',
    lostToJsonParser: true,
    attack: afterLogin(
      (login, token) =>
        `{"state":"forged","music_user_token":${JSON.stringify(token)},"state":${JSON.stringify(login.state)}}`,
      'application/json',
    ),
  },
  {
    name: 'a multi-valued token in JSON',
    status: 400,
    code: 'ERR_CALLBACK_INVALID',
    attack: afterLogin(
      (login, token) => JSON.stringify({ state: login.state, music_user_token: [token, token] }),
      'application/json',
    ),
  },
  {
    name: 'PHP-style multi-valued fields (state[]=)',
    status: 400,
    code: 'ERR_CALLBACK_INVALID',
    attack: afterLogin(
      (login, token) => `state[]=${login.state}&state[]=x&music_user_token=${token}`,
    ),
  },
  {
    name: 'a token with CR/LF',
    status: 400,
    code: 'ERR_CALLBACK_INVALID',
    attack: afterLogin((login, token) => ({
      state: login.state,
      music_user_token: `${token}\r\nset-cookie: admin=1`,
    })),
  },
  {
    name: 'an error with an unknown value',
    status: 400,
    code: 'ERR_CALLBACK_INVALID',
    attack: afterLogin((login) => ({ state: login.state, error: 'server_error' })),
  },
];

/** Every spelling of an off-site `returnTo` that has fooled a redirect check somewhere. */
const offSiteReturnTos: Array<[what: string, query: string]> = [
  ['https://evil.example/', `returnTo=${encodeURIComponent(`https://${EVIL}/`)}`],
  ['//evil.example', `returnTo=${encodeURIComponent(`//${EVIL}`)}`],
  ['/\\evil.example', `returnTo=${encodeURIComponent(`/\\${EVIL}`)}`],
  ['%2F%2Fevil.example (decoded once by the query)', `returnTo=%2F%2F${EVIL}`],
  ['%252F%252Fevil.example (double-encoded)', `returnTo=%252F%252F${EVIL}`],
  ['/<tab>/evil.example', `returnTo=${encodeURIComponent(`/\t/${EVIL}`)}`],
  ['/<newline>/evil.example', `returnTo=${encodeURIComponent(`/\n/${EVIL}`)}`],
  ['/.//evil.example', `returnTo=${encodeURIComponent(`/.//${EVIL}`)}`],
  ['///evil.example', `returnTo=${encodeURIComponent(`///${EVIL}`)}`],
  ['javascript:alert(1)', `returnTo=${encodeURIComponent('javascript:alert(1)')}`],
  ['two returnTo parameters', `returnTo=%2Flibrary&returnTo=${encodeURIComponent(`//${EVIL}`)}`],
];

const returnToAttacks: Attack[] = offSiteReturnTos.map(([what, query]) => ({
  name: `an off-site returnTo: ${what}`,
  status: 400,
  code: 'ERR_INVALID_RETURN_TO',
  attack: loginWithQuery(query),
}));

const htmlAttacks: Attack[] = [
  {
    name: 'HTML in the state',
    status: 400,
    code: 'ERR_STATE_MALFORMED',
    attack: withState(() => HTML),
  },
  {
    name: 'HTML in the token (refused by Apple, never echoed)',
    status: 401,
    code: 'ERR_USER_TOKEN_REJECTED',
    attack: afterLogin((login) => ({ state: login.state, music_user_token: HTML })),
  },
  {
    name: 'HTML in restricted',
    status: 400,
    code: 'ERR_CALLBACK_INVALID',
    attack: afterLogin((login, token) => ({
      state: login.state,
      music_user_token: token,
      restricted: HTML,
    })),
  },
  {
    name: 'HTML in the error',
    status: 400,
    code: 'ERR_CALLBACK_INVALID',
    attack: afterLogin((login) => ({ state: login.state, error: HTML })),
  },
  {
    name: 'HTML as a field name',
    status: 400,
    code: 'ERR_CALLBACK_INVALID',
    attack: afterLogin((login, token) => ({
      state: login.state,
      music_user_token: token,
      [HTML]: '1',
    })),
  },
  {
    name: 'HTML in the state cookie',
    status: 400,
    code: 'ERR_STATE_MISMATCH',
    attack: withCookies((login) => `${login.cookieName}=${encodeURIComponent(HTML)}`),
  },
  {
    name: 'HTML in returnTo',
    status: 400,
    code: 'ERR_INVALID_RETURN_TO',
    attack: loginWithQuery(`returnTo=${encodeURIComponent(`/"><img src=x onerror=alert(1)>`)}`),
  },
  {
    name: 'HTML in the failure page query',
    status: 400,
    code: 'ERR_INVALID_RETURN_TO',
    attack: loginWithQuery(
      `error=${encodeURIComponent(HTML)}&returnTo=${encodeURIComponent(HTML)}`,
    ),
  },
];

/** Checks the `400` an app's own body parser answers before the adapter sees the body. */
async function expectParserRefusal(answer: Response): Promise<string> {
  const text = await answer.text();
  assert.equal(
    answer.status,
    400,
    `expected the body parser's 400, got ${answer.status}: ${text.slice(0, 300)}`,
  );
  return text;
}

/** Checks the login that goes on when the app's JSON parser dropped a repeated key. */
async function expectParsedLogin(answer: Response): Promise<string> {
  const text = await answer.text();
  assert.equal(
    answer.status,
    200,
    `expected the login to go on with the JSON parser's last value, got ${answer.status}: ${text.slice(0, 300)}`,
  );
  return text;
}

function toHostileRequest(entry: Attack): HostileRequest {
  const { name, status, code, parserRefusal, lostToJsonParser = false, attack } = entry;
  const parsedFirstNote = lostToJsonParser
    ? '; behind a JSON parser that keeps no raw text, the login goes on with its last value'
    : '';
  return {
    name: `refuses ${name} (${status} ${code}${parsedFirstNote})`,
    status,
    code,
    ...(parserRefusal === undefined ? {} : { parserRefusal }),
    ...(lostToJsonParser ? { lostToJsonParser } : {}),
    async run(target) {
      const before = target.successCount?.();
      const answer = await attack(target);
      const parsedFirst = lostToJsonParser && target.jsonParsedFirst === true;
      const text = parsedFirst
        ? await expectParsedLogin(answer)
        : parserRefusal !== undefined && target.bodyParserRefuses?.includes(parserRefusal)
          ? await expectParserRefusal(answer)
          : await expectRefusal(target, answer, status, code);
      const earns = (entry.earns ?? 0) + (parsedFirst ? 1 : 0);
      if (before !== undefined) {
        const earned = (target.successCount?.() ?? before) - before;
        assert.equal(earned, earns, `the app's success hook ran ${earned} times, not ${earns}`);
      }
      assert.ok(!text.includes(HTML), 'the answer echoes the request’s HTML unescaped');
      assert.ok(!/<img src=x/i.test(text), 'the answer echoes the request’s HTML unescaped');
    },
  };
}

/**
 * The catalogue of hostile requests every adapter must refuse, as one table
 * that each framework's tests run through its own request path (the target
 * contract is {@link ScenarioTarget}'s): forged, altered, unsigned,
 * truncated, over-long, expired, replayed and other-instance states; missing,
 * foreign and planted cookies; oversized and deeply nested bodies; wrong and
 * missing content types; invalid UTF-8; `__proto__` and `constructor` keys;
 * duplicate and multi-valued fields, a repeated JSON key included; CR/LF;
 * unknown `error` values; every spelling of an off-site `returnTo`; and HTML
 * in every field.
 */
export const hostileRequests: readonly HostileRequest[] = [
  ...stateAttacks,
  ...cookieAttacks,
  ...bodyAttacks,
  ...returnToAttacks,
  ...htmlAttacks,
].map(toHostileRequest);
