import type { KeyObject } from 'node:crypto';
import { type HttpHandler, HttpResponse, http } from 'msw';
import { MUSICKIT_SCRIPT_PATH } from './musickit-stub.js';

/**
 * Where the sandbox describes itself as JSON, as core's
 * `APPLE_MUSIC_SANDBOX_URL` convention expects (core derives the same
 * endpoint URLs from the base URL alone; a test checks that both agree).
 */
export const SANDBOX_DESCRIPTION_PATH = '/.well-known/apple-music-sandbox';

/** The endpoint URLs of a sandbox at a base URL: the layout core's convention relies on. */
export interface SandboxEndpointURLs {
  /** The popup page (`${url}/woa`): core's `endpoints.authorize`. */
  authorizeURL: string;
  /** The origin the popup posts from. */
  authorizeOrigin: string;
  /** Base of the API (the base URL itself; clients append `/v1/...`): core's `endpoints.api`. */
  apiURL: string;
  /** The MusicKit JS v3 stub: core's `endpoints.musicKitScript`. */
  musicKitScriptURL: string;
}

/** What `GET /.well-known/apple-music-sandbox` answers. */
export interface SandboxDescription extends SandboxEndpointURLs {
  /** The sandbox's base URL, without a trailing slash. */
  url: string;
  /** The team id developer tokens must carry as `iss`. */
  teamId: string;
  /** The key id developer tokens must carry as header `kid`. */
  keyId: string;
  /** The public key developer tokens are checked with, as SPKI PEM. */
  publicKey: string;
}

/** The endpoint URLs of a sandbox whose base URL is `url` (no trailing slash). */
export function sandboxEndpointURLs(url: string): SandboxEndpointURLs {
  return {
    authorizeURL: `${url}/woa`,
    authorizeOrigin: new URL(url).origin,
    apiURL: url,
    musicKitScriptURL: `${url}${MUSICKIT_SCRIPT_PATH}`,
  };
}

/**
 * Creates the handler of `GET /.well-known/apple-music-sandbox`: the
 * sandbox's ids, public key and endpoint URLs (on the sandbox's own
 * base URL), so a tool can configure itself from that URL alone.
 */
export function createSandboxDescriptionHandlers(facts: {
  teamId: string;
  keyId: string;
  publicKey: KeyObject;
}): HttpHandler[] {
  const publicKey = facts.publicKey.export({ format: 'pem', type: 'spki' }).toString();
  return [
    http.get(`*${SANDBOX_DESCRIPTION_PATH}`, ({ request }) => {
      const url = new URL(request.url).origin;
      const description: SandboxDescription = {
        url,
        teamId: facts.teamId,
        keyId: facts.keyId,
        publicKey,
        ...sandboxEndpointURLs(url),
      };
      return HttpResponse.json(description, {
        headers: { 'cache-control': 'no-store', 'access-control-allow-origin': '*' },
      });
    }),
  ];
}
