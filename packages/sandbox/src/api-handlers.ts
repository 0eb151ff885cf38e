import { type HttpHandler, HttpResponse, http } from 'msw';
import {
  API_HEADERS,
  appleErrorResponse,
  forbiddenResponse,
  tooManyRequestsResponse,
  unauthorizedResponse,
} from './apple-error-response.js';
import {
  createDeveloperTokenCheck,
  type DeveloperTokenCheckOptions,
} from './developer-token-check.js';
import { LIBRARY_KINDS, type LibrarySize, libraryItems, resolveLibrarySize } from './library.js';
import { type NextLinks, type PageRequest, readPage, resolveNextLinks } from './paging.js';
import type { RateLimiter } from './rate-limit.js';
import { recentlyPlayedResources, recentlyPlayedTracks } from './recently-played.js';
import {
  KNOWN_STOREFRONTS,
  type KnownStorefrontId,
  resolveStorefront,
  type SandboxStorefront,
} from './storefronts.js';
import { createUserTokenRegistry, type UserTokenRegistry } from './user-token-registry.js';

/** Options of {@link createAppleMusicApiHandlers}. */
export interface AppleMusicApiHandlersOptions extends DeveloperTokenCheckOptions {
  /**
   * The Music User Tokens to accept. Share one registry with the popup
   * handlers so the tokens the popup issues work here; a new empty one by default.
   */
  userTokens?: UserTokenRegistry;
  /** The user's storefront: a known id (default `us`) or a full {@link SandboxStorefront}. */
  storefront?: KnownStorefrontId | SandboxStorefront;
  /**
   * Whether the user has an active Apple Music subscription (default `true`).
   * `false`: library endpoints answer 400 with code `40015`; the storefront still answers.
   */
  subscription?: boolean;
  /** How many items each library collection holds (default 250 songs, 25 albums, 12 artists, 6 playlists). */
  library?: LibrarySize;
  /** When calls get Apple's 429 (from `createRateLimiter`); never by default. */
  rateLimiter?: RateLimiter;
  /**
   * How `next` links are written, or a function read on every page; Apple's
   * way (only `offset` kept) by default.
   */
  nextLinks?: NextLinks | (() => NextLinks);
}

/**
 * Creates msw request handlers imitating the Apple Music API endpoints a
 * sign-in needs, for any origin (`*\/v1/...`), so they work under
 * `setupServer` against `https://api.music.apple.com` and on a sandbox port:
 *
 * - `GET /v1/me/storefront`: the user's storefront (docs/protocol.md section 6 shape);
 * - `GET /v1/storefronts/{id}`: a storefront by id, with a developer token
 *   only (no user token), the cheapest check of a developer token;
 * - `GET /v1/me/recent/played`: albums, playlists and stations, paged
 *   (`limit` 1 to 10, `offset`, a `next` link);
 * - `GET /v1/me/recent/played/tracks`: songs, paged the same way (`limit` up to 30);
 * - `GET /v1/me/library/{songs,albums,artists,playlists}`: the library
 *   collections, paged (`limit` 1 to 100, default 25; more is a 400), with
 *   `meta.total`; an `offset` past the end is a 404;
 * - `OPTIONS /v1/*`: CORS preflight.
 *
 * `next` links keep only `offset`, as Apple's do (see `nextLinks`).
 * Every `/v1/me` call needs `Authorization: Bearer <developer token>` (else
 * 401 with an empty body, as Apple answers; the reason is in the
 * `x-apple-music-sandbox-reason` header) and a registered Music User Token in
 * `Music-User-Token` or `Media-User-Token` (else 403, code 40300). A token
 * with an `origin` claim needs a request `Origin` listed in it. Calls with a
 * valid developer token may then get Apple's 429 (`rateLimiter`).
 *
 * @throws Error when an option is malformed.
 */
export function createAppleMusicApiHandlers(options: AppleMusicApiHandlersOptions): HttpHandler[] {
  const checkDeveloperToken = createDeveloperTokenCheck(options);
  const userTokens = options.userTokens ?? createUserTokenRegistry();
  const storefront = resolveStorefront(options.storefront);
  if (options.subscription !== undefined && typeof options.subscription !== 'boolean') {
    throw new Error('subscription must be true or false.');
  }
  const subscribed = options.subscription ?? true;
  const library = resolveLibrarySize(options.library);
  const nextLinksOption = options.nextLinks ?? {};
  const fixedNextLinks =
    typeof nextLinksOption === 'function' ? undefined : resolveNextLinks(nextLinksOption);
  const readNextLinks = () =>
    fixedNextLinks ?? resolveNextLinks((nextLinksOption as () => NextLinks)());

  /** The 401 for a request without a valid developer token, a 429 when rate-limited, or `undefined`. */
  async function refuseCaller(request: Request): Promise<Response | undefined> {
    const authorization = request.headers.get('authorization');
    if (authorization === null) {
      return unauthorizedResponse(
        'the Authorization header is missing; send "Authorization: Bearer <developer token>"',
      );
    }
    const match = /^Bearer +(\S+)\s*$/i.exec(authorization);
    if (!match)
      return unauthorizedResponse('the Authorization header must be "Bearer <developer token>"');
    const result = await checkDeveloperToken(match[1], { origin: request.headers.get('origin') });
    if (!result.valid) return unauthorizedResponse(result.reason);
    const limited = options.rateLimiter?.take();
    return limited === undefined ? undefined : tooManyRequestsResponse(limited);
  }

  async function authenticate(request: Request): Promise<Response | undefined> {
    const refusal = await refuseCaller(request);
    if (refusal) return refusal;
    const userToken =
      request.headers.get('music-user-token') || request.headers.get('media-user-token');
    if (!userToken) return forbiddenResponse('the Music-User-Token header is missing');
    if (!userTokens.lookup(userToken)) {
      return forbiddenResponse('the Music-User-Token is unknown to this sandbox, or was revoked');
    }
    return undefined;
  }

  const pagedEndpoint =
    (items: (storefront: string) => readonly unknown[], paging: PageRequest) =>
    async ({ request }: { request: Request }) => {
      const refusal = await authenticate(request);
      if (refusal) return refusal;
      if (!subscribed) {
        return appleErrorResponse({
          status: 400,
          title: 'Bad Request',
          code: '40015',
          detail:
            'the user has no active Apple Music subscription (sandbox option subscription: false)',
        });
      }
      const page = readPage(new URL(request.url), items(storefront.id), paging, readNextLinks());
      if (page.ok) return json(page.body);
      if (page.status === 404) {
        return appleErrorResponse({
          status: 404,
          title: 'Resource Not Found',
          code: '40400',
          detail: page.problem,
        });
      }
      return appleErrorResponse({
        status: 400,
        title: 'Invalid Parameter Value',
        code: '40005',
        detail: page.problem,
        source: { parameter: page.parameter },
      });
    };
  const recently = { pastEnd: 'empty', total: false } as const;
  const libraryPaging: PageRequest = {
    defaultLimit: 25,
    maxLimit: 100,
    pastEnd: 'not-found',
    total: true,
  };

  return [
    http.options(
      '*/v1/*',
      () => new HttpResponse(null, { status: 204, headers: PREFLIGHT_HEADERS }),
    ),
    http.get('*/v1/me/storefront', async ({ request }) => {
      const refusal = await authenticate(request);
      if (refusal) return refusal;
      return json({ data: [storefrontResource(storefront)] });
    }),
    http.get('*/v1/storefronts/:id', async ({ request, params }) => {
      const refusal = await refuseCaller(request);
      if (refusal) return refusal;
      const known = Object.hasOwn(KNOWN_STOREFRONTS, String(params.id))
        ? KNOWN_STOREFRONTS[params.id as KnownStorefrontId]
        : params.id === storefront.id
          ? storefront
          : undefined;
      if (known === undefined) {
        return appleErrorResponse({
          status: 404,
          title: 'Resource Not Found',
          code: '40400',
          detail: `the sandbox knows the storefronts ${Object.keys(KNOWN_STOREFRONTS).join(', ')}`,
        });
      }
      return json({ data: [storefrontResource(known)] });
    }),
    http.get(
      '*/v1/me/recent/played',
      pagedEndpoint(recentlyPlayedResources, { defaultLimit: 5, maxLimit: 10, ...recently }),
    ),
    http.get(
      '*/v1/me/recent/played/tracks',
      pagedEndpoint(recentlyPlayedTracks, { defaultLimit: 10, maxLimit: 30, ...recently }),
    ),
    ...LIBRARY_KINDS.map((kind) => {
      const items = libraryItems(kind, library[kind]);
      return http.get(
        `*/v1/me/library/${kind}`,
        pagedEndpoint(() => items, libraryPaging),
      );
    }),
  ];
}

const PREFLIGHT_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, PUT, DELETE, OPTIONS',
  'access-control-allow-headers': 'authorization, music-user-token, media-user-token, content-type',
  'access-control-max-age': '600',
} as const;

function json(body: unknown): Response {
  return new HttpResponse(JSON.stringify(body), { status: 200, headers: API_HEADERS });
}

/** A storefront as Apple's API returns it, in `data`. */
function storefrontResource(storefront: SandboxStorefront) {
  return {
    id: storefront.id,
    type: 'storefronts',
    href: `/v1/storefronts/${storefront.id}`,
    attributes: {
      name: storefront.name,
      defaultLanguageTag: storefront.defaultLanguageTag,
      explicitContentPolicy: storefront.explicitContentPolicy,
      supportedLanguageTags: storefront.supportedLanguageTags,
    },
  };
}
