// Shared by the adapters' tests: checks a mounted developer-token route over
// real HTTP (the token verifies with the key's public half and carries the
// origin claim; ETag and 304; CORS for the app only; preflight; one signing).
import { type KeyObject, verify } from 'node:crypto';
import { expect } from 'vitest';

/** The claims of a developer token whose ES256 signature `publicKey` verifies; throws otherwise. */
export function verifiedClaims(token: string, publicKey: KeyObject): Record<string, unknown> {
  const [header = '', payload = '', signature = ''] = token.split('.');
  const signed = verify(
    'sha256',
    Buffer.from(`${header}.${payload}`),
    { key: publicKey, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64url'),
  );
  if (!signed) throw new Error('the developer token does not verify with the public key');
  expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toMatchObject({ alg: 'ES256' });
  return JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
}

/** Runs the route's checks against `url` of a fresh app (nothing signed yet) at `appOrigin`. */
export async function expectDeveloperTokenRoute(
  url: string,
  { appOrigin, publicKey }: { appOrigin: string; publicKey: KeyObject },
): Promise<void> {
  // ES256 signatures are randomized: one token across the first requests
  // of a fresh app, arriving at once, means one signing.
  const many = await Promise.all(Array.from({ length: 20 }, () => fetch(url)));
  const tokens = await Promise.all(
    many.map(async (r) => ((await r.json()) as { developerToken: string }).developerToken),
  );
  expect(new Set(tokens).size).toBe(1);
  const first = await fetch(url, { headers: { origin: appOrigin } });
  expect(first.status).toBe(200);
  expect(first.headers.get('content-type')).toBe('application/json; charset=utf-8');
  expect(first.headers.get('cache-control')).toMatch(/^private, max-age=\d+$/);
  expect(first.headers.get('access-control-allow-origin')).toBe(appOrigin);
  const { developerToken, expiresAt } = (await first.json()) as {
    developerToken: string;
    expiresAt: number;
  };
  expect(developerToken).toBe(tokens[0]);
  const claims = verifiedClaims(developerToken, publicKey);
  expect(claims.origin).toEqual([appOrigin]);
  expect(expiresAt).toBe((claims.exp as number) * 1000);

  const etag = first.headers.get('etag') ?? '';
  expect(etag).toMatch(/^".+"$/);
  const again = await fetch(url, { headers: { 'if-none-match': etag } });
  expect(again.status).toBe(304);
  expect(again.headers.get('etag')).toBe(etag);
  expect(await again.text()).toBe('');

  const foreign = await fetch(url, { headers: { origin: 'https://evil.example' } });
  expect(foreign.status).toBe(200);
  expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  expect(((await foreign.json()) as { developerToken: string }).developerToken).toBe(
    developerToken,
  );

  const preflight = await fetch(url, {
    method: 'OPTIONS',
    headers: { origin: appOrigin, 'access-control-request-method': 'GET' },
  });
  expect(preflight.status).toBe(204);
  expect(preflight.headers.get('access-control-allow-origin')).toBe(appOrigin);
  expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, HEAD');
  const foreignPreflight = await fetch(url, {
    method: 'OPTIONS',
    headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
  });
  expect(foreignPreflight.headers.get('access-control-allow-origin')).toBeNull();

  const head = await fetch(url, { method: 'HEAD' });
  expect(head.status).toBe(200);
  expect(head.headers.get('etag')).toBe(etag);
  const post = await fetch(url, { method: 'POST' });
  expect(post.status).toBe(405);
  expect(post.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
}
