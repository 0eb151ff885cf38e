import { randomBytes } from 'node:crypto';

/** What the sandbox remembers about a Music User Token it issued. */
export interface IssuedUserToken {
  /** Whether the account has parental content restrictions (`restricted === '1'` in the popup). */
  restricted: boolean;
  /** The opaque Apple id the popup sent with it (not a user id). */
  cid: string;
}

/** Options for {@link UserTokenRegistry.issue}. */
export interface IssueUserTokenOptions {
  /** Parental content restrictions; `false` by default. */
  restricted?: boolean;
}

/**
 * The Music User Tokens a sandbox accepts: those its popup issued, and those
 * a test issued directly. Shared by the popup and the API handlers.
 */
export interface UserTokenRegistry {
  /** Mints and registers a new token (random, standard base64 with `+`, `/` and `=` like Apple's). */
  issue(options?: IssueUserTokenOptions): string;
  /** Forgets a token, as an Apple ID password change would; `true` if it was registered. */
  revoke(token: string): boolean;
  /** What the registry knows about a token, or `undefined` for an unknown or revoked one. */
  lookup(token: string): IssuedUserToken | undefined;
}

/** Creates an empty {@link UserTokenRegistry}. */
export function createUserTokenRegistry(): UserTokenRegistry {
  const tokens = new Map<string, IssuedUserToken>();
  return {
    issue(options = {}) {
      // 211 bytes: 284 base64 characters ending in "==", the padding real tokens carry.
      const token = randomBytes(211).toString('base64');
      tokens.set(token, {
        restricted: options.restricted === true,
        cid: randomBytes(16).toString('hex'),
      });
      return token;
    },
    revoke(token) {
      return tokens.delete(token);
    },
    lookup(token) {
      return tokens.get(token);
    },
  };
}
