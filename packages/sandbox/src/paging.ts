/** How one paged endpoint reads `limit`. */
export interface PageRequest {
  /** Items per page when the request names no `limit`. */
  defaultLimit: number;
  /** The largest `limit` the endpoint accepts; more is a 400. */
  maxLimit: number;
}

/** A page as Apple's paged endpoints answer it: the items and, when more follow, a `next` link. */
export interface PageBody<T> {
  data: T[];
  next?: string;
}

/** Either the page or why the query is refused (a 400's `detail`). */
export type PageResult<T> = { ok: true; body: PageBody<T> } | { ok: false; problem: string };

/**
 * Cuts one page out of `items` by the request's `limit` (1 to `maxLimit`)
 * and `offset` (0 or more). `next` is the request's path and query with the
 * following `offset`, present only when items remain.
 */
export function readPage<T>(url: URL, items: T[], request: PageRequest): PageResult<T> {
  const limit = readInteger(url.searchParams.get('limit'), request.defaultLimit);
  if (limit === undefined || limit < 1 || limit > request.maxLimit) {
    return {
      ok: false,
      problem: `limit must be an integer from 1 to ${request.maxLimit}`,
    };
  }
  const offset = readInteger(url.searchParams.get('offset'), 0);
  if (offset === undefined) return { ok: false, problem: 'offset must be an integer, 0 or more' };
  const body: PageBody<T> = { data: items.slice(offset, offset + limit) };
  if (offset + limit < items.length) {
    const next = new URLSearchParams(url.searchParams);
    next.set('offset', String(offset + limit));
    body.next = `${url.pathname}?${next}`;
  }
  return { ok: true, body };
}

function readInteger(text: string | null, fallback: number): number | undefined {
  if (text === null) return fallback;
  return /^\d{1,9}$/.test(text) ? Number(text) : undefined;
}
