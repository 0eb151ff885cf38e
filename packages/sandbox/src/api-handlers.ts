import { type HttpHandler, HttpResponse, http } from 'msw';
import { API_HEADERS, appleErrorResponse, unauthorizedResponse } from './apple-error-response.js';
import {
  createDeveloperTokenCheck,
  type DeveloperTokenCheckOptions,
} from './developer-token-check.js';
import { type PageRequest, readPage } from './paging.js';
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
 * - `OPTIONS /v1/*`: CORS preflight.
 *
 * Every `/v1/me` call needs `Authorization: Bearer <developer token>` (else
 * 401 with an empty body, as Apple answers; the reason is in the
 * `x-apple-music-sandbox-reason` header) and a registered Music User Token in
 * `Music-User-Token` or `Media-User-Token` (else 403, code 40300). A token
 * with an `origin` claim needs a request `Origin` listed in it.
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

  /** The 401 for a request without a valid developer token, or `undefined`. */
  async function refuseDeveloperToken(request: Request): Promise<Response | undefined> {
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
    return undefined;
  }

  async function authenticate(request: Request): Promise<Response | undefined> {
    const refusal = await refuseDeveloperToken(request);
    if (refusal) return refusal;
    const userToken =
      request.headers.get('music-user-token') || request.headers.get('media-user-token');
    if (!userToken) return forbidden('the Music-User-Token header is missing');
    if (!userTokens.lookup(userToken)) {
      return forbidden('the Music-User-Token is unknown to this sandbox, or was revoked');
    }
    return undefined;
  }

  const libraryEndpoint =
    (resources: typeof recentlyPlayedResources, paging: PageRequest) =>
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
      const page = readPage(new URL(request.url), resources(storefront.id), paging);
      if (!page.ok) {
        return appleErrorResponse({
          status: 400,
          title: 'Invalid Parameter Value',
          code: '40005',
          detail: page.problem,
        });
      }
      return json(page.body);
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
      const refusal = await refuseDeveloperToken(request);
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
      libraryEndpoint(recentlyPlayedResources, { defaultLimit: 5, maxLimit: 10 }),
    ),
    http.get(
      '*/v1/me/recent/played/tracks',
      libraryEndpoint(recentlyPlayedTracks, { defaultLimit: 10, maxLimit: 30 }),
    ),
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

function forbidden(detail: string): Response {
  return appleErrorResponse({ status: 403, title: 'Forbidden', code: '40300', detail });
}
