/**
 * The `origin` claim of a developer token (docs/protocol.md section 5), read
 * without checking the signature: the bridge page uses it only to warn, before
 * Apple's popup refuses a token that does not list the page's origin.
 * `undefined` when the token has no such claim or cannot be read (then Apple
 * decides).
 */
export function originClaimOf(developerToken: string): readonly string[] | undefined {
  const payload = developerToken.split('.')[1];
  if (payload === undefined || !/^[A-Za-z0-9_-]+$/.test(payload)) return undefined;
  let claims: unknown;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    claims = JSON.parse(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '=')));
  } catch {
    return undefined;
  }
  if (typeof claims !== 'object' || claims === null) return undefined;
  const { origin } = claims as { origin?: unknown };
  if (!Array.isArray(origin) || !origin.every((entry) => typeof entry === 'string')) {
    return undefined;
  }
  return origin;
}

/**
 * The origins that `developerToken`'s `origin` claim lists when `origin` is
 * not among them (Apple's popup refuses the token there), else `undefined`.
 */
export function originNotInClaim(
  developerToken: string,
  origin: string,
): readonly string[] | undefined {
  const listed = originClaimOf(developerToken);
  return listed === undefined || listed.includes(origin) ? undefined : listed;
}
