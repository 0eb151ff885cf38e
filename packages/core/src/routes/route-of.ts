/**
 * The routes core answers, as `route(request)` names them.
 *
 * @inline
 */
export type RouteName = 'login' | 'callback' | 'developer-token';

/** The paths `route` matches against. */
export interface RoutePaths {
  loginPath: string;
  callbackPath: string;
  developerTokenPath: string;
}

/**
 * Which route a request is for, from its method and its URL's path (a path
 * or an absolute URL; the query is ignored), or `undefined` for none of
 * ours, for `middleware()`-style mounting. When the login and the callback
 * share one path (Passport style), a `POST` to it is the callback and any
 * other method the login.
 */
export function routeOf(
  paths: RoutePaths,
  request: { method: string; url: string },
): RouteName | undefined {
  const path = pathOf(request.url);
  if (path === paths.developerTokenPath) return 'developer-token';
  if (path === paths.callbackPath && (request.method === 'POST' || path !== paths.loginPath)) {
    return 'callback';
  }
  if (path === paths.loginPath) return 'login';
  return undefined;
}

/** The path of a request URL: an absolute URL's path, or the text before `?` or `#`. */
function pathOf(url: string): string {
  const path = /^[a-z][a-z\d+.-]*:\/\//i.test(url) ? url.replace(/^[^:]+:\/\/[^/?#]*/, '') : url;
  const end = path.search(/[?#]/);
  return end === -1 ? path : path.slice(0, end);
}
