import { parseHttpURLOption } from '../http/http-url.js';

/**
 * Apple's production endpoints, defined once: the authorization popup, the
 * Apple Music API and MusicKit JS v3. `endpoints` overrides them (the
 * sandbox, a proxy).
 */
export const APPLE_ENDPOINTS = {
  authorize: 'https://authorize.music.apple.com/woa',
  api: 'https://api.music.apple.com',
  musicKitScript: 'https://js-cdn.music.apple.com/musickit/v3/musickit.js',
} as const;

/**
 * The host MusicKit JS v3 talks to during sign-in besides the API
 * (docs/protocol.md section 3); not configurable.
 */
export const MUSICKIT_PLAY_ORIGIN = 'https://play.itunes.apple.com';

/**
 * Parses an option that overrides one of {@link APPLE_ENDPOINTS}: tokens go
 * there, so https, or http on a loopback host only (the sandbox, local
 * development); no credentials, no query, no fragment. Throws
 * `ERR_INVALID_OPTIONS` naming `field`.
 */
export function parseEndpointOption(field: string, value: unknown): URL {
  return parseHttpURLOption(field, value, 'https-or-loopback', { query: false });
}
