import { AppleMusicAuthError } from '../errors.js';

/** The longest `returnTo` accepted, in characters (before and after normalization). */
export const MAX_RETURN_TO_LENGTH = 2048;

/** An origin that no real request has: only used to resolve a path and see that it stays put. */
const DUMMY_ORIGIN = 'https://return-to.invalid';

/** C0 controls, DEL, C1 controls, and every Unicode space or line separator. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const FORBIDDEN_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\s]/u;

/** A percent-encoded C0 control or DEL (`%0d%0a`, `%00`, `%7F`): header injection bait. */
const ENCODED_CONTROL = /%(?:[01][0-9a-f]|7f)/iu;

function invalidReturnTo(problem: string): AppleMusicAuthError {
  return new AppleMusicAuthError(
    'ERR_INVALID_RETURN_TO',
    `Invalid returnTo: ${problem}. Only same-site paths like '/library' are allowed (optionally ` +
      // Stryker disable next-line StringLiteral: message wording only
      `with a query and a hash, at most ${MAX_RETURN_TO_LENGTH} characters).`,
  );
}

/** True when a path would be read as protocol-relative (`//host`) or by lenient parsers (`/\host`). */
function startsLikeAnotherHost(path: string): boolean {
  return path.startsWith('//') || path.startsWith('/\\');
}

/**
 * Checks that `value` is a path on this site and returns it normalized
 * (`pathname + search + hash`, percent-encoded as a URL would carry it), so
 * that redirecting to it after the login can never leave the site.
 *
 * Refused: anything that is not a string starting with a single `/`
 * (absolute URLs, `//host`, `/\host`, `javascript:`), backslashes, control
 * characters and whitespace (raw or percent-encoded controls such as
 * `%0d%0a`), paths that normalize to `//host` (`/.//host`), and values over
 * 2,048 characters (`MAX_RETURN_TO_LENGTH`).
 *
 * @throws AppleMusicAuthError with code `ERR_INVALID_RETURN_TO` (status 400).
 */
export function normalizeReturnTo(value: unknown): string {
  if (typeof value !== 'string') throw invalidReturnTo(`expected a string, got ${typeof value}`);
  if (value.length > MAX_RETURN_TO_LENGTH) throw invalidReturnTo('it is too long');
  // Stryker disable next-line StringLiteral: message wording only
  if (!value.startsWith('/')) throw invalidReturnTo("it does not start with '/'");
  if (startsLikeAnotherHost(value)) throw invalidReturnTo('it points to another host');
  // Stryker disable next-line StringLiteral: message wording only
  if (value.includes('\\')) throw invalidReturnTo('it contains a backslash');
  if (FORBIDDEN_CHARACTERS.test(value)) {
    // Stryker disable next-line StringLiteral: message wording only
    throw invalidReturnTo('it contains whitespace or control characters');
  }
  if (ENCODED_CONTROL.test(value)) {
    // Stryker disable next-line StringLiteral: message wording only
    throw invalidReturnTo('it contains percent-encoded control characters');
  }
  const url = new URL(value, DUMMY_ORIGIN);
  // Stryker disable next-line ConditionalExpression, StringLiteral: a value that starts with one '/' and holds no backslash always resolves on the dummy origin; the check (and its message) stays as a second line of defence
  if (url.origin !== DUMMY_ORIGIN) throw invalidReturnTo('it points to another origin');
  const normalized = `${url.pathname}${url.search}${url.hash}`;
  if (startsLikeAnotherHost(normalized)) throw invalidReturnTo('it resolves to another host');
  if (normalized.length > MAX_RETURN_TO_LENGTH) throw invalidReturnTo('it is too long');
  return normalized;
}
