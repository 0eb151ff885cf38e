/** What a browser keeps from the bridge page: the state in its config and the cookies. */
export interface StartedLogin {
  state: string;
  cookies: string;
}

/** Opens the login page like a browser and keeps the state and the cookies. */
export async function openLoginPage(loginURL: string): Promise<StartedLogin> {
  const page = await fetch(loginURL);
  const html = await page.text();
  const config = /id="apple-music-auth-config"[^>]*>([^<]*)<\/script>/.exec(html)?.[1];
  if (page.status !== 200 || config === undefined) {
    throw new Error(`no bridge page at ${loginURL}: ${page.status} ${html.slice(0, 200)}`);
  }
  const cookies = page.headers
    .getSetCookie()
    .map((cookie) => cookie.split(';')[0])
    .join('; ');
  return { state: (JSON.parse(config) as { state: string }).state, cookies };
}

/** Posts the bridge page's form to the callback, without following redirects. */
export function postCallback(
  callbackURL: string,
  fields: Record<string, string>,
  cookies: string,
): Promise<Response> {
  return fetch(callbackURL, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookies },
    body: new URLSearchParams(fields),
  });
}

/** The `Set-Cookie` values of a response that clear a cookie. */
export function clearingCookies(response: Response): string[] {
  return response.headers.getSetCookie().filter((cookie) => /max-age=0/i.test(cookie));
}
