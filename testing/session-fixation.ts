// Shared by the adapters' tests: session fixation over loopback. An attacker
// opens the app's login route to get a session cookie, plants it in the
// victim's browser, and waits for the victim to sign in with it. The
// session must get a new id on the login, so the planted cookie shows the
// attacker nothing of what the app stored afterwards.
import assert from 'node:assert/strict';
import type { Sandbox } from '@apple-music-auth/sandbox';

/** An app on loopback with a session, its login routes on their default paths. */
export interface SessionApp {
  origin: string;
  sandbox: Sandbox;
  /** The session cookie's name, e.g. `koa.sess` or `connect.sid`. */
  sessionCookie: string;
  /**
   * A `GET` route that answers JSON `{ musicUserToken }`: what the app
   * stored in the session after the login (`null` when nothing).
   */
  whoamiPath: string;
}

const CONFIG_BLOCK =
  /<script type="application\/json" id="apple-music-auth-config"[^>]*>([^<]*)<\/script>/;

/** The `name=value` pairs of a response's `Set-Cookie` headers. */
function cookiePairs(response: Response): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const line of response.headers.getSetCookie()) {
    const pair = line.split(';')[0] ?? '';
    const at = pair.indexOf('=');
    pairs.set(pair.slice(0, at), pair.slice(at + 1));
  }
  return pairs;
}

/** A `Cookie` header: `jar` updated with `response`'s cookies (an emptied one dropped). */
function keep(jar: Map<string, string>, response: Response): Map<string, string> {
  const next = new Map(jar);
  for (const [name, value] of cookiePairs(response)) {
    if (value === '') next.delete(name);
    else next.set(name, value);
  }
  return next;
}

function header(jar: Map<string, string>): string {
  return [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
}

/**
 * Runs the attack against `app` and asserts that the login gave the session
 * a new id: the callback sets a session cookie other than the planted one,
 * the victim's new cookie sees the token the app stored, and the planted
 * cookie sees none. Returns the token, for the caller's own checks.
 */
export async function expectNewSessionOnLogin(app: SessionApp): Promise<string> {
  const get = (path: string, jar: Map<string, string>) =>
    fetch(`${app.origin}${path}`, { headers: { cookie: header(jar) }, redirect: 'manual' });

  const attacker = await get('/auth/apple-music', new Map());
  await attacker.body?.cancel();
  const planted = keep(new Map(), attacker);
  const plantedId = planted.get(app.sessionCookie);
  assert.ok(plantedId, `the login route set no ${app.sessionCookie} cookie to plant`);

  const page = await get('/auth/apple-music', planted);
  const html = await page.text();
  assert.equal(page.status, 200, `the login page answered ${page.status}`);
  const { state } = JSON.parse(CONFIG_BLOCK.exec(html)?.[1] ?? '{}') as { state?: string };
  assert.ok(state, 'the login page carries no state');
  const victim = keep(planted, page);
  assert.equal(victim.get(app.sessionCookie), plantedId, 'the login page replaced the planted id');

  const musicUserToken = app.sandbox.issueToken();
  const callback = await fetch(`${app.origin}/auth/apple-music/callback`, {
    method: 'POST',
    headers: { cookie: header(victim), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ state, music_user_token: musicUserToken, restricted: '0' }),
    redirect: 'manual',
  });
  const answer = await callback.text();
  assert.ok(callback.status < 400, `the callback answered ${callback.status}: ${answer}`);
  const signedIn = keep(victim, callback);
  const newId = signedIn.get(app.sessionCookie);
  assert.ok(newId, `the callback left no ${app.sessionCookie} cookie`);
  assert.notEqual(newId, plantedId, 'the login kept the planted session id');

  const seen = async (jar: Map<string, string>) => {
    const response = await get(app.whoamiPath, jar);
    return ((await response.json()) as { musicUserToken: string | null }).musicUserToken;
  };
  assert.equal(await seen(signedIn), musicUserToken, "the victim's new session lost the login");
  assert.equal(await seen(planted), null, 'the planted session cookie shows the victim’s token');
  return musicUserToken;
}
