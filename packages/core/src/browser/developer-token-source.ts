/** Options of {@link createDeveloperTokenSource}. */
export interface DeveloperTokenSourceOptions {
  /** Your developer-token route, e.g. `'/auth/apple-music/developer-token'`. */
  url: string;
  /** Fetch a new token this long before `expiresAt` (default 5 minutes). */
  refreshBeforeMs?: number;
  /** The `fetch` to use (default the global one); `credentials` are `same-origin`. */
  fetch?: typeof fetch;
  /** The clock, in milliseconds since the epoch (default `Date.now`). */
  now?: () => number;
}

/** A developer token for MusicKit in the page; see {@link createDeveloperTokenSource}. */
export interface DeveloperTokenSource {
  /**
   * The current token: fetched once, reused until shortly before it
   * expires, then fetched again. Concurrent callers share one request; a
   * failed request is not cached.
   */
  getToken(): Promise<string>;
}

/**
 * For single-page apps that configure MusicKit JS themselves: reads your
 * developer-token route (`{ developerToken, expiresAt }`), e.g.
 * `MusicKit.configure({ developerToken: await tokens.getToken(), … })`.
 */
export function createDeveloperTokenSource(
  options: DeveloperTokenSourceOptions,
): DeveloperTokenSource {
  const { url, refreshBeforeMs = 5 * 60_000 } = options;
  if (typeof url !== 'string' || url === '') {
    throw new TypeError('createDeveloperTokenSource needs `url`: your developer-token route.');
  }
  if (!Number.isFinite(refreshBeforeMs) || refreshBeforeMs < 0) {
    throw new TypeError('`refreshBeforeMs` must be a number of milliseconds, 0 or more.');
  }
  const fetchToken = options.fetch ?? ((input, init) => fetch(input, init));
  const now = options.now ?? Date.now;
  let current: { token: string; expiresAt: number } | undefined;
  let pending: Promise<string> | undefined;

  async function load(): Promise<string> {
    const response = await fetchToken(url, {
      credentials: 'same-origin',
      headers: { accept: 'application/json' },
    });
    if (!response.ok) {
      throw new Error(`The developer-token route ${url} answered ${response.status}.`);
    }
    const body = (await response.json()) as { developerToken?: unknown; expiresAt?: unknown };
    if (typeof body.developerToken !== 'string' || typeof body.expiresAt !== 'number') {
      throw new Error(
        `The developer-token route ${url} did not answer { developerToken, expiresAt }.`,
      );
    }
    current = { token: body.developerToken, expiresAt: body.expiresAt };
    return current.token;
  }

  return {
    getToken() {
      if (current !== undefined && current.expiresAt - now() > refreshBeforeMs) {
        return Promise.resolve(current.token);
      }
      pending ??= load().finally(() => {
        pending = undefined;
      });
      return pending;
    },
  };
}
