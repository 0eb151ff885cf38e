import assert from 'node:assert/strict';
import type { ScenarioTarget } from './scenarios.js';

/** What a browser keeps from the login page: the state, the cookies, and the page itself. */
export interface StartedLogin {
  /** The state from the page's `apple-music-auth-config` block. */
  state: string;
  /** The cookies the page set, as a `Cookie` header value. */
  cookies: string;
  /** The first cookie's name (the state cookie's). */
  cookieName: string;
  /** The page's HTML. */
  html: string;
  /** The page's response (its body already read), for its headers. */
  page: Response;
}

const CONFIG_BLOCK =
  /<script type="application\/json" id="apple-music-auth-config"[^>]*>([^<]*)<\/script>/;

/**
 * Opens the login page (with an optional `?query`) and keeps what a browser
 * would; throws an `AssertionError` when the page is not a bridge page.
 */
export async function openLoginPage(target: ScenarioTarget, query = ''): Promise<StartedLogin> {
  return readLoginPage(await target.send(new Request(`${target.loginURL}${query}`)));
}

/** Reads a login page's answer as {@link openLoginPage} does; throws when it is not a bridge page. */
export async function readLoginPage(page: Response): Promise<StartedLogin> {
  const html = await page.text();
  assert.equal(page.status, 200, `login page answered ${page.status}: ${html.slice(0, 200)}`);
  const config = JSON.parse(CONFIG_BLOCK.exec(html)?.[1] ?? '{}') as { state?: unknown };
  assert.equal(typeof config.state, 'string', 'the login page carries no state');
  const pairs = page.headers.getSetCookie().map((cookie) => cookie.split(';')[0] ?? '');
  return {
    state: config.state as string,
    cookies: pairs.join('; '),
    cookieName: pairs[0]?.split('=')[0] ?? '',
    html,
    page,
  };
}

/** A callback body: form fields, raw text, or raw bytes (sent without a content type). */
export type CallbackRequestBody = Record<string, string> | string | Uint8Array<ArrayBuffer>;

/**
 * Posts a callback. Fields go as a form built with `URLSearchParams`; a
 * string goes as is; bytes go without a `Content-Type` unless one is given.
 * `contentType: null` leaves the header out.
 */
export function sendCallback(
  target: ScenarioTarget,
  body: CallbackRequestBody,
  cookies: string,
  contentType: string | null = 'application/x-www-form-urlencoded',
  extraHeaders: Record<string, string> = {},
): Promise<Response> {
  const headers = new Headers(extraHeaders);
  if (contentType !== null) headers.set('content-type', contentType);
  if (cookies) headers.set('cookie', cookies);
  const payload =
    body instanceof Uint8Array
      ? body
      : contentType === null
        ? new TextEncoder().encode(typeof body === 'string' ? body : formOf(body))
        : typeof body === 'string'
          ? body
          : formOf(body);
  return target.send(new Request(target.callbackURL, { method: 'POST', headers, body: payload }));
}

function formOf(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

/** A failure as the target reported it: directly, or through core's `303` to the failure page. */
export interface ReportedFailure {
  /** The status of the answer, or of the failure page a `303` led to. */
  status: number;
  /** The body of that answer. */
  text: string;
}

/**
 * Reads a failed answer: its status and body, following core's default `303`
 * to `<loginPath>?error=<code>` (which must stay on the app's origin and name
 * `code`) and reading the failure page.
 */
export async function readFailure(
  target: ScenarioTarget,
  answer: Response,
  code: string,
): Promise<ReportedFailure> {
  if (answer.status !== 303) return { status: answer.status, text: await answer.text() };
  await answer.body?.cancel();
  const location = answer.headers.get('location') ?? '';
  const failurePage = new URL(location, target.loginURL);
  assert.equal(
    failurePage.searchParams.get('error'),
    code,
    `the 303 after a failure leads to ${location}, not to the failure page of ${code}`,
  );
  assert.equal(failurePage.origin, new URL(target.loginURL).origin);
  const page = await target.send(new Request(failurePage));
  return { status: page.status, text: await page.text() };
}

/**
 * Checks a failed answer: its status (the class only, on a failure page
 * reached through a `303`) and that it names `code`; returns the body read.
 */
export async function expectRefusal(
  target: ScenarioTarget,
  answer: Response,
  status: number,
  code: string,
): Promise<string> {
  const redirected = answer.status === 303;
  const failure = await readFailure(target, answer, code);
  const shown = failure.text.slice(0, 300);
  if (redirected) {
    assert.equal(
      Math.floor(failure.status / 100),
      Math.floor(status / 100),
      `expected a ${status} failure page for ${code}, got ${failure.status}: ${shown}`,
    );
  } else {
    assert.equal(
      failure.status,
      status,
      `expected ${status} ${code}, got ${failure.status}: ${shown}`,
    );
  }
  assert.ok(
    failure.text.includes(code),
    `the ${failure.status} answer does not name ${code}: ${shown}`,
  );
  return failure.text;
}
