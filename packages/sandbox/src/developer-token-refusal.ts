/**
 * Developer tokens the sandbox refuses with a 401 although they verify, as
 * Apple does once a key is revoked or tokens are invalidated: those issued
 * (`iat`) before `issuedBefore`, and those signed by a key whose ID is in `keyIds`.
 */
export interface DeveloperTokenRefusal {
  /** Refuse tokens whose `iat` is before this time (a `Date`, or ms since the epoch). */
  issuedBefore?: Date | number;
  /** Refuse tokens whose header `kid` is one of these key IDs. */
  keyIds?: readonly string[];
}

/**
 * Checks a {@link DeveloperTokenRefusal} and returns a copy (so later changes
 * to the caller's object do not leak in), or `undefined` for none.
 *
 * @throws Error naming the field that is malformed.
 */
export function checkDeveloperTokenRefusal(
  refusal: DeveloperTokenRefusal | undefined,
): DeveloperTokenRefusal | undefined {
  if (refusal === undefined) return undefined;
  if (typeof refusal !== 'object' || refusal === null) {
    throw new Error(
      'refuseDeveloperTokens must be an object { issuedBefore?, keyIds? }, or undefined for none.',
    );
  }
  const { issuedBefore, keyIds } = refusal;
  const checked: DeveloperTokenRefusal = {};
  if (issuedBefore !== undefined) {
    const time = issuedBefore instanceof Date ? issuedBefore.getTime() : issuedBefore;
    if (typeof time !== 'number' || !Number.isFinite(time)) {
      throw new Error(
        'refuseDeveloperTokens.issuedBefore must be a valid Date or milliseconds since the epoch.',
      );
    }
    checked.issuedBefore = time;
  }
  if (keyIds !== undefined) {
    if (!Array.isArray(keyIds) || !keyIds.every((id) => typeof id === 'string' && id !== '')) {
      throw new Error('refuseDeveloperTokens.keyIds must be an array of key IDs.');
    }
    checked.keyIds = [...keyIds];
  }
  return checked;
}

/** Why `refusal` refuses a token with this `kid` and `iat` (seconds), or `undefined`. */
export function developerTokenRefusalReason(
  refusal: DeveloperTokenRefusal | undefined,
  kid: string,
  iat: number,
): string | undefined {
  if (refusal === undefined) return undefined;
  if (refusal.keyIds?.includes(kid)) {
    return `the key ${kid} is revoked (refuseDeveloperTokens)`;
  }
  const before = refusal.issuedBefore;
  if (before !== undefined && iat * 1000 < Number(before)) {
    return `the developer token was issued before ${new Date(before).toISOString()} (refuseDeveloperTokens)`;
  }
  return undefined;
}
