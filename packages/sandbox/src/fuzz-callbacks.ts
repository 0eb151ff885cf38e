import assert from 'node:assert/strict';
import fc from 'fast-check';
import { openLoginPage, type StartedLogin } from './login-requests.js';
import type { BodyParserRefusal, ScenarioTarget } from './scenarios.js';

/** Options of {@link fuzzCallbacks}. */
export interface FuzzCallbacksOptions {
  /** Generated callbacks to send (default 10,000). */
  runs?: number;
  /** fast-check's seed; default a random one. Printed when the property fails. */
  seed?: number;
}

/** What a fuzzing run saw. */
export interface FuzzReport {
  /** The seed the run used: pass it back as `seed` to replay the run. */
  seed: number;
  /** Callbacks sent. */
  runs: number;
  /** Logins that succeeded, each earned with a fresh state, its own cookie and an issued token. */
  successes: number;
  /** How many refusals named each error code. */
  refusals: Record<string, number>;
  /** Callbacks the app's own body parser refused before the adapter (see `bodyParserRefuses`). */
  parserRefusals: number;
}

/** Codes of the refusals a callback may earn: the client's fault or the user's, never a 5xx. */
const CLIENT_ERROR_CODES: ReadonlySet<string> = new Set([
  'ERR_STATE_MISSING',
  'ERR_STATE_MISMATCH',
  'ERR_STATE_EXPIRED',
  'ERR_STATE_MALFORMED',
  'ERR_STATE_REPLAYED',
  'ERR_CALLBACK_INVALID',
  'ERR_ACCESS_DENIED',
  'ERR_UNAVAILABLE',
  'ERR_CANCELLED',
  'ERR_POPUP_BLOCKED',
  'ERR_USER_TOKEN_REJECTED',
]);

/** Headers that fetch or HTTP framing own; the rest are fair game. */
const RESERVED_HEADERS: ReadonlySet<string> = new Set([
  'host',
  'cookie',
  'content-type',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'expect',
  'upgrade',
  'te',
  'trailer',
]);

const printable = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
  maxLength: 80,
});
const anyText = fc.oneof(printable, fc.string({ unit: 'binary', maxLength: 80 }));
const base64urlPart = fc.string({
  unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'),
  minLength: 1,
  maxLength: 60,
});

type Choice<T extends string> = { kind: T; value: string; at: number };

const choice = <T extends string>(
  kinds: readonly T[],
  value: fc.Arbitrary<string> = anyText,
): fc.Arbitrary<Choice<T>> =>
  fc.record({ kind: fc.constantFrom(...kinds), value, at: fc.nat({ max: 1000 }) });

const stateChoice = choice(
  ['own', 'own', 'own', 'other', 'none', 'flipped', 'truncated', 'jwt-like', 'text'] as const,
  fc.oneof(
    anyText,
    fc.tuple(base64urlPart, base64urlPart, base64urlPart).map((p) => p.join('.')),
  ),
);
const cookieChoice = choice(
  ['own', 'own', 'own', 'other', 'none', 'value', 'header'] as const,
  printable,
);
const tokenChoice = choice(['issued', 'issued', 'issued', 'none', 'text'] as const);
const errorChoice = choice(['none', 'none', 'none', 'known', 'text'] as const);
const restrictedChoice = fc.oneof(fc.constantFrom(undefined, '0', '1', 'true', 'false'), anyText);
const fieldName = fc.oneof(
  fc.constantFrom('state', 'music_user_token', 'error', 'restricted', '__proto__', 'constructor'),
  anyText,
);
const headerName = fc
  .stringMatching(/^[a-z][a-z0-9-]{0,24}$/)
  .filter((name) => !RESERVED_HEADERS.has(name));

const anyCase = fc.record({
  state: stateChoice,
  cookie: cookieChoice,
  token: tokenChoice,
  error: errorChoice,
  restricted: restrictedChoice,
  extras: fc.oneof(
    { weight: 4, arbitrary: fc.constant([] as Array<[string, unknown]>) },
    fc.array(fc.tuple(fieldName, fc.oneof(anyText, fc.jsonValue({ maxDepth: 3 }))), {
      maxLength: 3,
    }),
  ),
  encoding: fc.constantFrom('form', 'form', 'json', 'json', 'text', 'bytes'),
  rawText: anyText,
  rawBytes: fc.uint8Array({ maxLength: 120 }),
  contentType: fc.oneof(
    { weight: 6, arbitrary: fc.constant('matching') },
    fc.constantFrom(
      'none',
      'text/plain',
      'application/json',
      'application/x-www-form-urlencoded; charset=utf-8',
      'multipart/form-data',
    ),
    printable,
  ),
  headers: fc.dictionary(headerName, printable, { maxKeys: 3 }),
});

type CallbackCase = typeof anyCase extends fc.Arbitrary<infer T> ? T : never;

/** A case turned into the bridge page's honest callback, its stray headers kept. */
function honest(c: CallbackCase): CallbackCase {
  return {
    ...c,
    state: { ...c.state, kind: 'own' },
    cookie: { ...c.cookie, kind: 'own' },
    token: { ...c.token, kind: 'issued' },
    error: { ...c.error, kind: 'none' },
    restricted: c.restricted === '1' ? '1' : undefined,
    extras: [],
    encoding: c.encoding === 'json' ? 'json' : 'form',
    contentType: 'matching',
  };
}

/** The bridge page's callback after the popup refused: a known `error` and no token. */
function declined(c: CallbackCase): CallbackCase {
  return {
    ...honest(c),
    token: { ...c.token, kind: 'none' },
    error: { ...c.error, kind: 'known' },
  };
}

/** The honest callback with a made-up token, which Apple refuses. */
function madeUpToken(c: CallbackCase): CallbackCase {
  return { ...honest(c), token: { ...c.token, kind: 'text' } };
}

/**
 * One callback in four and a half is honest, so that the earned side of the
 * property is exercised too; one in eighteen each is declined or carries a
 * made-up token, so that even a short run meets the refusals that need a
 * valid state and cookie (the popup's errors, Apple's 401).
 */
const callbackCase = fc.oneof(
  { weight: 4, arbitrary: anyCase.map(honest) },
  { weight: 1, arbitrary: anyCase.map(declined) },
  { weight: 1, arbitrary: anyCase.map(madeUpToken) },
  { weight: 12, arbitrary: anyCase },
);

const KNOWN_ERRORS = ['access_denied', 'unavailable', 'cancelled', 'popup_blocked'];

function pick<T extends string>(
  c: Choice<T>,
  own: () => string,
  other: () => string,
): string | undefined {
  switch (c.kind) {
    case 'own':
      return own();
    case 'other':
      return other();
    case 'none':
      return undefined;
    case 'flipped': {
      const value = own();
      const at = c.at % value.length;
      const flipped = value[at] === 'A' ? 'B' : 'A';
      return `${value.slice(0, at)}${flipped}${value.slice(at + 1)}`;
    }
    case 'truncated': {
      const value = own();
      return value.slice(0, c.at % value.length);
    }
    default:
      return c.value;
  }
}

/** Whether the state and the cookie come from one login (this browser's, or another's). */
function isPair(c: CallbackCase): boolean {
  return (
    (c.state.kind === 'own' && c.cookie.kind === 'own') ||
    (c.state.kind === 'other' && c.cookie.kind === 'other')
  );
}

/** Whether this case, if sent as generated, is the bridge page's honest callback. */
function isHonest(c: CallbackCase): boolean {
  return (
    isPair(c) &&
    c.token.kind === 'issued' &&
    c.error.kind === 'none' &&
    (c.restricted === undefined || ['0', '1', 'true', 'false'].includes(c.restricted)) &&
    c.extras.length === 0 &&
    (c.encoding === 'form' || c.encoding === 'json') &&
    c.contentType === 'matching' &&
    !Object.keys(c.headers).some((name) => name === 'origin' || name.startsWith('sec-fetch'))
  );
}

interface Sent {
  request: Request;
  token: string | undefined;
  /** What a body parser in front of the adapter may refuse of this request. */
  parserRefusal: BodyParserRefusal | undefined;
}

/** Whether a parsed JSON value holds a `__proto__` key at any depth. */
function hasProtoKey(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (Object.hasOwn(value, '__proto__')) return true;
  return Object.values(value).some(hasProtoKey);
}

/**
 * What a strict JSON body parser (body-parser's, co-body's) refuses of a
 * body declared as JSON: anything but an object or array, and, under
 * co-body, a `__proto__` key. An empty body parses as `{}`.
 */
function jsonParserRefusal(
  body: string | Uint8Array,
  contentType: string | undefined,
): BodyParserRefusal | undefined {
  if (!/^application\/json\s*(;|$)/i.test(contentType ?? '')) return undefined;
  const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
  if (text === '') return undefined;
  if (!/^[ \t\n\r]*[[{]/.test(text)) return 'unparsable-json';
  try {
    return hasProtoKey(JSON.parse(text)) ? 'json-proto-key' : undefined;
  } catch {
    return 'unparsable-json';
  }
}

async function buildRequest(target: ScenarioTarget, c: CallbackCase): Promise<Sent> {
  const login = await openLoginPage(target);
  let other: StartedLogin | undefined;
  const otherLogin = async () => {
    other ??= await openLoginPage(target);
    return other;
  };
  if (c.state.kind === 'other' || c.cookie.kind === 'other') await otherLogin();
  const state = pick(
    c.state,
    () => login.state,
    () => other?.state ?? '',
  );
  const issued = c.token.kind === 'issued' ? target.sandbox.issueToken() : undefined;
  const token = c.token.kind === 'text' ? c.token.value : issued;
  const error =
    c.error.kind === 'known'
      ? KNOWN_ERRORS[c.error.at % KNOWN_ERRORS.length]
      : c.error.kind === 'text'
        ? c.error.value
        : undefined;
  const fields: Array<[string, unknown]> = [];
  if (state !== undefined) fields.push(['state', state]);
  if (token !== undefined) fields.push(['music_user_token', token]);
  if (error !== undefined) fields.push(['error', error]);
  if (c.restricted !== undefined) fields.push(['restricted', c.restricted]);
  fields.push(...c.extras);

  const headers = new Headers(c.headers);
  let body: string | Uint8Array<ArrayBuffer>;
  let matching: string | undefined;
  if (c.encoding === 'form') {
    const form = new URLSearchParams();
    for (const [name, value] of fields)
      form.append(name, typeof value === 'string' ? value : JSON.stringify(value));
    body = form.toString();
    matching = 'application/x-www-form-urlencoded';
  } else if (c.encoding === 'json') {
    body = `{${fields.map(([name, value]) => `${JSON.stringify(name)}:${JSON.stringify(value) ?? 'null'}`).join(',')}}`;
    matching = 'application/json';
  } else if (c.encoding === 'text') {
    body = c.rawText;
  } else {
    body = new Uint8Array(c.rawBytes);
  }
  const contentType =
    c.contentType === 'matching' ? matching : c.contentType === 'none' ? undefined : c.contentType;
  // A string body gets text/plain from fetch unless a type is set: send bytes to send none.
  if (contentType === undefined && typeof body === 'string') body = new TextEncoder().encode(body);
  if (contentType !== undefined) headers.set('content-type', contentType);
  const cookie = pick(
    c.cookie,
    () => login.cookies,
    () => other?.cookies ?? '',
  );
  if (cookie !== undefined && cookie !== '') {
    headers.set('cookie', c.cookie.kind === 'value' ? `${login.cookieName}=${cookie}` : cookie);
  }
  return {
    request: new Request(target.callbackURL, { method: 'POST', headers, body }),
    token: issued,
    parserRefusal: jsonParserRefusal(body, contentType),
  };
}

/** The error code a refusal names: in core's `303` to the failure page, or in the body. */
async function refusalCode(answer: Response): Promise<string | undefined> {
  if (answer.status === 303) {
    await answer.body?.cancel();
    const location = answer.headers.get('location') ?? '';
    return new URL(location, 'https://app.invalid').searchParams.get('error') ?? undefined;
  }
  const text = await answer.text();
  return /ERR_[A-Z_]+/.exec(text)?.[0];
}

async function checkCase(
  target: ScenarioTarget,
  c: CallbackCase,
  report: FuzzReport,
): Promise<void> {
  const { request, token, parserRefusal } = await buildRequest(target, c);
  const before = target.successCount?.();
  const answer = await target.send(request);
  const called =
    target.successCount === undefined ? undefined : target.successCount() - (before ?? 0);
  if (answer.status === 200) {
    const result = (await answer.json()) as { musicUserToken?: unknown };
    const form = c.encoding === 'form' || c.encoding === 'json';
    assert.ok(
      isPair(c) && token !== undefined && form,
      "a callback without a fresh state, that state's own cookie and an issued token logged in",
    );
    assert.equal(
      result.musicUserToken,
      token,
      'the login carries another token than the one posted',
    );
    if (called !== undefined) assert.equal(called, 1, 'onSuccess did not run once for a success');
    report.successes += 1;
    return;
  }
  if (called !== undefined) assert.equal(called, 0, 'onSuccess ran for a refused callback');
  const code = await refusalCode(answer);
  assert.ok(!isHonest(c), `the honest callback was refused with ${answer.status} (${code})`);
  if (
    answer.status === 400 &&
    code === undefined &&
    parserRefusal !== undefined &&
    target.bodyParserRefuses?.includes(parserRefusal)
  ) {
    report.parserRefusals += 1;
    return;
  }
  assert.ok(
    answer.status === 303 || (answer.status >= 400 && answer.status < 500),
    `answered ${answer.status} (${code}): a callback gets a 4xx or core's 303 to the failure page`,
  );
  assert.ok(
    code !== undefined && CLIENT_ERROR_CODES.has(code),
    `the refusal names no client error code: ${code}`,
  );
  report.refusals[code] = (report.refusals[code] ?? 0) + 1;
}

/**
 * Sends `runs` generated callbacks to `target` (fast-check, seeded): bodies
 * in every encoding and content type, states and cookies of this browser,
 * another browser, altered or made up, tokens issued or not, stray fields
 * and headers. Each must get a 4xx refusal naming a client error code (or
 * core's `303` to the failure page), or a success it earned: a fresh state
 * with the cookie of the same login and an issued token, whose result carries that very
 * token; the honest callback must succeed. No answer may be a 5xx and no
 * promise may be left rejected unhandled. A body the target's own body
 * parser refuses (`target.bodyParserRefuses`) may get that parser's `400`.
 *
 * Needs `fast-check` installed beside the sandbox (a peer dependency).
 *
 * @throws Error naming the seed and the counterexample when the property fails.
 */
export async function fuzzCallbacks(
  target: ScenarioTarget,
  options: FuzzCallbacksOptions = {},
): Promise<FuzzReport> {
  const seed = options.seed ?? (Math.random() * 2 ** 31) | 0;
  const runs = options.runs ?? 10_000;
  const report: FuzzReport = { seed, runs, successes: 0, refusals: {}, parserRefusals: 0 };
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    await fc.assert(
      fc.asyncProperty(callbackCase, (c) => checkCase(target, c, report)),
      { numRuns: runs, seed, endOnFailure: true },
    );
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(unhandled, [], 'a callback left a promise rejected unhandled');
  } catch (error) {
    throw new Error(
      `fuzzCallbacks failed with seed ${seed}; replay it with { seed: ${seed} }.\n${(error as Error).message}`,
      { cause: error },
    );
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
  return report;
}
