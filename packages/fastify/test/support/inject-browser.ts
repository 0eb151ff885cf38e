import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';

/** A browser in miniature over `fastify.inject`: it keeps cookies and logs in by form post. */
export interface InjectBrowser {
  /** The cookies it holds, by name. */
  jar: Map<string, string>;
  /** Sends one request with the jar's cookies and keeps the answer's. */
  request(options: InjectOptions): Promise<LightMyRequestResponse>;
  /** Opens a login page and returns the state the bridge page would post back. */
  openLogin(path?: string): Promise<string>;
  /** Posts a form to a callback route, as the bridge page does. */
  postCallback(path: string, fields: Record<string, string>): Promise<LightMyRequestResponse>;
  /** Opens the login page, then posts its state and `fields` to the callback. */
  login(
    fields: Record<string, string>,
    paths?: { login: string; callback: string },
  ): Promise<LightMyRequestResponse>;
}

/** Creates an {@link InjectBrowser} on `app`. */
export function injectBrowser(app: FastifyInstance): InjectBrowser {
  const jar = new Map<string, string>();
  const request = async (options: InjectOptions) => {
    const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await app.inject({
      ...options,
      headers: { ...options.headers, ...(cookie ? { cookie } : {}) },
    });
    // Kept as sent (still encoded), the way a browser sends it back.
    for (const setCookie of ([] as string[]).concat(response.headers['set-cookie'] ?? [])) {
      const [pair = ''] = setCookie.split(';');
      const name = pair.slice(0, pair.indexOf('='));
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(setCookie)) jar.delete(name);
      else jar.set(name, pair.slice(name.length + 1));
    }
    return response;
  };
  const openLogin = async (path = '/auth/apple-music') => {
    const page = await request({ url: path });
    const state = /"state":"([^"]+)"/.exec(page.body)?.[1];
    if (state === undefined) throw new Error(`no state on ${path}: ${page.body.slice(0, 200)}`);
    return state;
  };
  const postCallback = (path: string, fields: Record<string, string>) =>
    request({
      method: 'POST',
      url: path,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(fields).toString(),
    });
  return {
    jar,
    request,
    openLogin,
    postCallback,
    async login(
      fields,
      paths = { login: '/auth/apple-music', callback: '/auth/apple-music/callback' },
    ) {
      const state = await openLogin(paths.login);
      return postCallback(paths.callback, { state, ...fields });
    },
  };
}
