import { compactVerify, decodeProtectedHeader, errors } from 'jose';
import {
  type DeveloperTokenRefusal,
  developerTokenRefusalReason,
} from './developer-token-refusal.js';
import { resolvePublicKey, type SandboxPublicKey } from './public-key.js';

/**
 * Apple's own maximum developer token lifetime, `exp - iat`, in seconds, which
 * the sandbox enforces as Apple does. Core signs for at most 180 days
 * (`MAX_DEVELOPER_TOKEN_LIFETIME_SECONDS`, 15,552,000): Apple has refused tokens at this limit.
 */
export const APPLE_MAX_TOKEN_LIFETIME_SECONDS = 15_777_000;

const IDENTIFIER = /^[A-Z0-9]{10}$/;
const MAX_TOKEN_LENGTH = 8192;

/** What a developer token must match: the team, the key, and the key's public half. */
export interface DeveloperTokenCheckOptions {
  /** Team ID (10 uppercase letters or digits): the token's `iss` must equal it. */
  teamId: string;
  /** Key ID (10 uppercase letters or digits): the token header's `kid` must equal it. */
  keyId: string;
  /** The key to verify the ES256 signature with (a private key is accepted; its public half is used). */
  publicKey: SandboxPublicKey;
  /** Clock in milliseconds since the epoch; `Date.now` by default (inject one in tests). */
  now?: () => number;
  /** How far in the future `iat` may be, in seconds (clock skew); 60 by default. */
  clockToleranceSeconds?: number;
  /**
   * Other keys of the same team, by key ID: a token whose `kid` names one is
   * verified with that key. Read on every check, so keys added to the map later count.
   */
  otherKeys?: ReadonlyMap<string, SandboxPublicKey>;
  /**
   * Tokens to refuse although they pass every other check (as Apple refuses
   * those of a revoked key), read on every check; none by default.
   */
  refusal?: () => DeveloperTokenRefusal | undefined;
}

/** The request facts a token is checked against. */
export interface DeveloperTokenCheckContext {
  /**
   * The web origin the token is used from: the request's `Origin` header
   * (`null` when the request has none, as a server's), or the popup's
   * referrer origin. A token with an `origin` claim is honoured only when
   * this origin is listed there exactly, as Apple does: with no origin it is
   * refused (Apple answers a server's call with such a token 401).
   */
  origin?: string | null;
}

/** The claims of a developer token that passed the check. */
export interface DeveloperTokenClaims {
  /** Team ID. */
  iss: string;
  /** Issued at, seconds since the epoch. */
  iat: number;
  /** Expiry, seconds since the epoch. */
  exp: number;
  /** Web origins allowed to use the token, when the token restricts them. */
  origin?: string[];
}

/** Outcome of a developer token check: the claims, or why the token is refused. */
export type DeveloperTokenCheckResult =
  | { valid: true; claims: DeveloperTokenClaims }
  | {
      valid: false;
      /** Why the token is refused, fit for a 401 body's `detail`; never contains the token. */
      reason: string;
    };

/** Checks one developer token; see {@link createDeveloperTokenCheck}. */
export type DeveloperTokenCheck = (
  token: string | null | undefined,
  context?: DeveloperTokenCheckContext,
) => Promise<DeveloperTokenCheckResult>;

/**
 * Creates a checker that verifies developer tokens the way Apple's servers
 * are documented to: an ES256 signature by the configured key, header `alg`
 * `ES256` and `kid` equal to the key ID, `iss` equal to the team ID, `iat`
 * present and not in the future, `exp` in the future and at most
 * {@link APPLE_MAX_TOKEN_LIFETIME_SECONDS} after `iat`, and, when the
 * token has an `origin` claim, the context's origin listed in it exactly
 * (no origin at all is refused).
 *
 * @throws Error at creation when an option is malformed (the key is read once, here).
 */
export function createDeveloperTokenCheck(
  options: DeveloperTokenCheckOptions,
): DeveloperTokenCheck {
  const { teamId, keyId } = options;
  if (typeof teamId !== 'string' || !IDENTIFIER.test(teamId)) {
    throw new Error(
      'teamId must be 10 uppercase letters or digits (the Team ID of your Apple developer account).',
    );
  }
  if (typeof keyId !== 'string' || !IDENTIFIER.test(keyId)) {
    throw new Error(
      'keyId must be 10 uppercase letters or digits (the Key ID shown next to the .p8 key).',
    );
  }
  const key = resolvePublicKey(options.publicKey);
  const now = options.now ?? Date.now;
  const tolerance = options.clockToleranceSeconds ?? 60;
  if (!Number.isFinite(tolerance) || tolerance < 0) {
    throw new Error('clockToleranceSeconds must be a number of seconds, 0 or more.');
  }

  return async (token, context = {}) => {
    if (typeof token !== 'string' || token === '') return refuse('no developer token was sent');
    if (token.length > MAX_TOKEN_LENGTH)
      return refuse('the developer token is too long to be a JWT');
    if (token.split('.').length !== 3) {
      return refuse('the developer token is not a JWT (three base64url parts separated by dots)');
    }

    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      return refuse('the developer token header is not base64url-encoded JSON');
    }
    if (header.alg !== 'ES256') return refuse('the developer token header alg must be "ES256"');
    const kid = typeof header.kid === 'string' ? header.kid : undefined;
    const other = kid === undefined || kid === keyId ? undefined : options.otherKeys?.get(kid);
    if (kid !== keyId && other === undefined) {
      const others = options.otherKeys?.size
        ? ` or ${[...options.otherKeys.keys()].join(', ')}`
        : '';
      return refuse(`the developer token header kid does not match the key ID ${keyId}${others}`);
    }
    const verifyKey = other === undefined ? key : resolvePublicKey(other, `otherKeys ${kid}`);

    let payloadBytes: Uint8Array;
    try {
      ({ payload: payloadBytes } = await compactVerify(token, verifyKey, {
        algorithms: ['ES256'],
      }));
    } catch (error) {
      if (error instanceof errors.JWSSignatureVerificationFailed) {
        return refuse(
          'the developer token signature does not verify with the configured public key (signed with another key, or a DER signature instead of JOSE r||s)',
        );
      }
      return refuse('the developer token is malformed');
    }

    const payload = parseJSONObject(payloadBytes);
    if (!payload) return refuse('the developer token payload is not a JSON object');

    if (payload.iss !== teamId) {
      return refuse(`the developer token iss does not match the team ID ${teamId}`);
    }
    const nowSeconds = now() / 1000;
    const { iat, exp } = payload;
    if (typeof iat !== 'number' || !Number.isFinite(iat)) {
      return refuse('the developer token has no numeric iat claim');
    }
    if (iat > nowSeconds + tolerance) return refuse('the developer token iat is in the future');
    if (typeof exp !== 'number' || !Number.isFinite(exp)) {
      return refuse('the developer token has no numeric exp claim');
    }
    if (exp <= nowSeconds) return refuse('the developer token has expired');
    if (exp - iat > APPLE_MAX_TOKEN_LIFETIME_SECONDS) {
      return refuse(
        `the developer token lifetime (exp - iat) exceeds ${APPLE_MAX_TOKEN_LIFETIME_SECONDS} seconds`,
      );
    }
    if (payload.nbf !== undefined) {
      if (typeof payload.nbf !== 'number')
        return refuse('the developer token nbf claim is not a number');
      if (payload.nbf > nowSeconds + tolerance)
        return refuse('the developer token is not valid yet (nbf)');
    }

    const claims: DeveloperTokenClaims = { iss: teamId, iat, exp };
    if (payload.origin !== undefined) {
      const origins = payload.origin;
      if (!Array.isArray(origins) || !origins.every((item) => typeof item === 'string')) {
        return refuse('the developer token origin claim must be an array of origin strings');
      }
      if (!context.origin) {
        return refuse(
          "the developer token has an origin claim but the request has no Origin header: Apple refuses such a token from a server; sign the server's own calls with a token without the claim",
        );
      }
      if (!origins.includes(context.origin)) {
        return refuse(
          `the origin ${context.origin} is not listed in the developer token's origin claim`,
        );
      }
      claims.origin = origins;
    }
    const refused = developerTokenRefusalReason(options.refusal?.(), kid ?? keyId, iat);
    if (refused !== undefined) return refuse(refused);
    return { valid: true, claims };
  };
}

function refuse(reason: string): DeveloperTokenCheckResult {
  return { valid: false, reason };
}

function parseJSONObject(bytes: Uint8Array): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
