import { describeValue } from '../checks/describe-value.js';
import { AppleMusicAuthError, AuthorizationError, type AuthorizationErrorCode } from '../errors.js';
import { jsonObjectKeys } from '../http/json-object-keys.js';

/**
 * The field names of the callback body that the bridge page posts. On
 * success: `music_user_token`, `restricted` (`'1'` or `'0'`) and `state`; on
 * failure: `error` (`access_denied`, `unavailable`, `cancelled` or `popup_blocked`) and `state`. Send it as
 * `application/x-www-form-urlencoded` built with `URLSearchParams`, which
 * percent-encodes the `+`, `/` and `=` of the token (a raw `+` would arrive
 * as a space), or as `application/json`.
 */
export const CALLBACK_FIELDS = Object.freeze({
  musicUserToken: 'music_user_token',
  restricted: 'restricted',
  state: 'state',
  error: 'error',
} as const);

/** The `error` values a callback may carry, as the bridge page reports them. */
export const CALLBACK_ERRORS = Object.freeze([
  'access_denied',
  'unavailable',
  'cancelled',
  'popup_blocked',
] as const);

/** One of `CALLBACK_ERRORS`: `access_denied`, `unavailable`, `cancelled`, `popup_blocked`. */
export type CallbackErrorValue = (typeof CALLBACK_ERRORS)[number];

/** The largest callback body accepted, in bytes (UTF-8). */
export const MAX_CALLBACK_BODY_BYTES = 16_384;

/** The longest Music User Token accepted, in characters. */
export const MAX_MUSIC_USER_TOKEN_LENGTH = 4_096;

/** A callback that carries a Music User Token. */
export interface CallbackTokenPayload {
  type: 'token';
  /** The Music User Token. Not a stable user id: it changes on every authorization. */
  musicUserToken: string;
  /** True when the account has parental content restrictions. */
  restricted: boolean;
  /** The state to check; `undefined` when the body had none. */
  state: string | undefined;
}

/** A callback that reports why no token came. */
export interface CallbackErrorPayload {
  type: 'error';
  /** What happened, as the bridge page reports it; the callback turns it into an `AuthorizationError`. */
  error: CallbackErrorValue;
  /** The state to check; `undefined` when the body had none. */
  state: string | undefined;
}

/** The parsed callback body. */
export type CallbackPayload = CallbackTokenPayload | CallbackErrorPayload;

/** Options of {@link parseCallback}. */
export interface ParseCallbackOptions {
  /** The request's `Content-Type`, for string bodies. */
  contentType?: string | null | undefined;
}

type FieldName = (typeof CALLBACK_FIELDS)[keyof typeof CALLBACK_FIELDS];

const KNOWN_FIELDS: ReadonlySet<string> = new Set(Object.values(CALLBACK_FIELDS));
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/u;
const VISIBLE_ASCII = /^[\u0021-\u007e]+$/u;

function invalidCallback(problem: string, status = 400): AppleMusicAuthError {
  return new AppleMusicAuthError(
    'ERR_CALLBACK_INVALID',
    `Invalid Apple Music callback body: ${problem}. The callback expects what the bridge page ` +
      // Stryker disable next-line StringLiteral: message wording only
      `posts: ${CALLBACK_FIELDS.musicUserToken}, ${CALLBACK_FIELDS.restricted} and ` +
      `${CALLBACK_FIELDS.state}, or ${CALLBACK_FIELDS.error} and ${CALLBACK_FIELDS.state}; start ` +
      'the login again from the login route.',
    { status },
  );
}

/** A field name fit for a message: quoted, escaped, shortened. */
function describeKey(key: string): string {
  return JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key);
}

const encoder = new TextEncoder();

/**
 * Where a body is encoded to be measured: 4 bytes (the longest UTF-8
 * character) more than the limit, so a body over the limit fills it past the
 * limit even when it does not fit, and a long one is not encoded to its end.
 */
const sizeProbe = new Uint8Array(MAX_CALLBACK_BODY_BYTES + 4);

/** Refuses `text` when its UTF-8 form is over {@link MAX_CALLBACK_BODY_BYTES}. */
function checkSize(text: string): void {
  if (encoder.encodeInto(text, sizeProbe).written > MAX_CALLBACK_BODY_BYTES) {
    throw invalidCallback(`it is larger than ${MAX_CALLBACK_BODY_BYTES} bytes`, 413);
  }
}

function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function parseJson(text: string): Readonly<Record<string, unknown>> {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    throw invalidCallback('it is not valid JSON');
  }
  if (!isPlainObject(root)) throw invalidCallback('its JSON root is not an object');
  return root;
}

/** The body as a list of fields, duplicates kept so that they can be refused. */
function toEntries(
  body: unknown,
  options: ParseCallbackOptions,
): { entries: Array<[string, unknown]>; json: boolean } {
  if (typeof body === 'string') {
    checkSize(body);
    // Stryker disable next-line OptionalChaining: split always returns at least one element, so [0] is never undefined
    const contentType = options.contentType?.split(';')[0]?.trim().toLowerCase() || undefined;
    const json =
      contentType === 'application/json' ||
      (contentType === undefined && body.trimStart().startsWith('{'));
    if (!json && contentType !== undefined && contentType !== 'application/x-www-form-urlencoded') {
      throw invalidCallback(
        `its content type ${describeKey(contentType)} is not supported; send ` +
          // Stryker disable next-line StringLiteral: message wording only
          'application/x-www-form-urlencoded (as the bridge page does) or application/json',
      );
    }
    if (json) {
      // Every key as the text gives it: JSON.parse keeps only a repeated key's last value.
      const root = parseJson(body);
      return { entries: jsonObjectKeys(body).map((key) => [key, root[key]]), json: true };
    }
    // Stryker disable next-line BooleanLiteral: the json flag only lets `restricted` be a boolean, and a form (text or URLSearchParams) only has string values
    return { entries: [...new URLSearchParams(body)], json: false };
  }
  if (body instanceof URLSearchParams) {
    checkSize(body.toString());
    // Stryker disable next-line BooleanLiteral: the json flag only lets `restricted` be a boolean, and a form (text or URLSearchParams) only has string values
    return { entries: [...body], json: false };
  }
  if (body === undefined || body === null) {
    throw invalidCallback(
      'there is none; make sure a body parser (urlencoded) runs before the callback route, or pass the raw body as a string',
    );
  }
  if (!isPlainObject(body)) {
    throw invalidCallback('expected a string, URLSearchParams or a plain object of fields');
  }
  let serialized: string;
  try {
    serialized = JSON.stringify(body);
  } catch {
    throw invalidCallback('it cannot be serialized to measure its size');
  }
  checkSize(serialized);
  const entries = Object.entries(body).filter(([, value]) => value !== undefined);
  return { entries, json: true };
}

/** Checks names and value types, refuses duplicates, and returns the fields by name. */
function collectFields(entries: Array<[string, unknown]>, json: boolean): Map<FieldName, unknown> {
  const fields = new Map<FieldName, unknown>();
  for (const [key, value] of entries) {
    if (FORBIDDEN_KEYS.has(key))
      throw invalidCallback(`the field name ${describeKey(key)} is forbidden`);
    if (!KNOWN_FIELDS.has(key)) throw invalidCallback(`the field ${describeKey(key)} is unknown`);
    const name = key as FieldName;
    if (fields.has(name))
      throw invalidCallback(`the field ${describeKey(key)} appears more than once`);
    if (Array.isArray(value)) {
      throw invalidCallback(
        `the field ${describeKey(key)} is a list (was it sent twice?), not a string`,
      );
    }
    const booleanAllowed = json && name === CALLBACK_FIELDS.restricted;
    if (typeof value !== 'string' && !(booleanAllowed && typeof value === 'boolean')) {
      throw invalidCallback(
        `the field ${describeKey(key)} is ${describeValue(value)}, not a string`,
      );
    }
    // Stryker disable next-line ConditionalExpression: the only other value that gets here is a boolean restricted, whose text (true or false) has no control character
    if (typeof value === 'string' && CONTROL_CHARACTER.test(value)) {
      throw invalidCallback(`the field ${describeKey(key)} contains control characters`);
    }
    fields.set(name, value);
  }
  return fields;
}

function readToken(value: string): string {
  if (value === '') throw invalidCallback(`${CALLBACK_FIELDS.musicUserToken} is empty`);
  if (value.length > MAX_MUSIC_USER_TOKEN_LENGTH) {
    throw invalidCallback(
      `${CALLBACK_FIELDS.musicUserToken} is longer than ${MAX_MUSIC_USER_TOKEN_LENGTH} characters`,
    );
  }
  if (value.includes(' ')) {
    throw invalidCallback(
      `${CALLBACK_FIELDS.musicUserToken} contains a space: a '+' of the token was probably sent ` +
        'without percent-encoding; build the form body with URLSearchParams',
    );
  }
  if (!VISIBLE_ASCII.test(value)) {
    throw invalidCallback(`${CALLBACK_FIELDS.musicUserToken} is not printable ASCII`);
  }
  return value;
}

function readRestricted(value: unknown): boolean {
  if (value === undefined || value === false || value === '0' || value === 'false') return false;
  if (value === true || value === '1' || value === 'true') return true;
  throw invalidCallback(`${CALLBACK_FIELDS.restricted} must be '1' or '0'`);
}

function readErrorValue(value: string): CallbackErrorValue {
  const known = CALLBACK_ERRORS.find((candidate) => candidate === value);
  if (known === undefined) {
    throw invalidCallback(
      // Stryker disable next-line StringLiteral: message wording only
      `the error ${describeKey(value)} is unknown; expected one of ${CALLBACK_ERRORS.join(', ')}`,
    );
  }
  return known;
}

/**
 * Parses and checks the body the bridge page posts to the callback.
 *
 * `body` is the raw body (a string: JSON when `contentType` is
 * `application/json`, or when no content type is given and it starts with
 * `{`; otherwise `application/x-www-form-urlencoded`), `URLSearchParams`, or
 * the object a framework's body parser made. `restricted` accepts `'1'`,
 * `'0'`, `'true'`, `'false'` (and booleans in JSON) and defaults to false.
 *
 * The state is returned unchecked: pass it to a state store's `consume`.
 *
 * A field given twice is refused, in a form and in JSON text alike. An
 * object that a body parser made from JSON has lost a repeated key already
 * (the parser kept its last value): pass the raw text to have it refused.
 *
 * @throws AppleMusicAuthError `ERR_CALLBACK_INVALID`: status 413 for a body
 *   over {@link MAX_CALLBACK_BODY_BYTES}; status 400 for invalid JSON or a
 *   non-object root, an unsupported content type, unknown, forbidden
 *   (`__proto__`, `constructor`, `prototype`) or repeated fields, a list,
 *   object or number where a string belongs, control characters, both a
 *   token and an error or neither, an empty, over-long
 *   (4,096 characters) or non-printable token (a space
 *   included: it is what an unencoded `+` becomes), an unknown error value,
 *   an empty state, or `restricted` without a token.
 */
export function parseCallback(
  body: string | URLSearchParams | Readonly<Record<string, unknown>>,
  options: ParseCallbackOptions = {},
): CallbackPayload {
  const { entries, json } = toEntries(body, options);
  const fields = collectFields(entries, json);
  const token = fields.get(CALLBACK_FIELDS.musicUserToken) as string | undefined;
  const error = fields.get(CALLBACK_FIELDS.error) as string | undefined;
  const state = fields.get(CALLBACK_FIELDS.state) as string | undefined;
  const restricted = fields.get(CALLBACK_FIELDS.restricted);
  if (state === '') throw invalidCallback(`${CALLBACK_FIELDS.state} is empty`);
  if (token !== undefined && error !== undefined) {
    throw invalidCallback(
      `it carries both ${CALLBACK_FIELDS.musicUserToken} and ${CALLBACK_FIELDS.error}`,
    );
  }
  if (token !== undefined) {
    return {
      type: 'token',
      musicUserToken: readToken(token),
      restricted: readRestricted(restricted),
      state,
    };
  }
  if (error === undefined) {
    throw invalidCallback(
      `it carries neither ${CALLBACK_FIELDS.musicUserToken} nor ${CALLBACK_FIELDS.error}`,
    );
  }
  if (restricted !== undefined) {
    throw invalidCallback(
      `${CALLBACK_FIELDS.restricted} only goes with ${CALLBACK_FIELDS.musicUserToken}, not with ${CALLBACK_FIELDS.error}`,
    );
  }
  return { type: 'error', error: readErrorValue(error), state };
}

const AUTHORIZATION_ERRORS: Readonly<
  Record<CallbackErrorValue, { code: AuthorizationErrorCode; message: string }>
> = {
  access_denied: {
    code: 'ERR_ACCESS_DENIED',
    message:
      'The user declined access to Apple Music. They can start the login again if that was a mistake.',
  },
  unavailable: {
    code: 'ERR_UNAVAILABLE',
    message:
      'Apple Music is not available for this account or region: the user needs an Apple Music ' +
      'subscription in a country or region where Apple Music is offered.',
  },
  cancelled: {
    code: 'ERR_CANCELLED',
    message:
      'The Apple Music window was closed before the login finished. Try again and complete ' +
      'the sign-in in that window.',
  },
  popup_blocked: {
    code: 'ERR_POPUP_BLOCKED',
    message: 'The browser blocked the Apple Music popup. Allow popups for this site and try again.',
  },
};

/** The {@link AuthorizationError} to throw for a callback's `error` value. */
export function authorizationErrorFor(error: CallbackErrorValue): AuthorizationError {
  const { code, message } = AUTHORIZATION_ERRORS[error];
  return new AuthorizationError(code, message);
}
