import { assertOneOf } from './one-of.js';

/** How one paged endpoint reads `limit` and `offset`. */
export interface PageRequest {
  /** Items per page when the request names no `limit`. */
  defaultLimit: number;
  /** The largest `limit` the endpoint accepts; more is a 400. */
  maxLimit: number;
  /**
   * What an `offset` at or past the end (other than 0) gets: `not-found`, a
   * 404, as Apple's library collections answer; `empty`, a page without items.
   */
  pastEnd: 'not-found' | 'empty';
  /** Whether the body carries `meta.total`, as Apple's library collections do. */
  total: boolean;
}

/**
 * How the sandbox writes `next` links. `query`: Apple's keep only `offset`,
 * dropping `limit`, `extend`, `include`, `types`, `l` and every other
 * parameter of the request (`drop-query`, the default); `keep-query` keeps
 * them all. `pastTheEnd: true` puts a `next` on the last page too, whose
 * `offset` is past the end.
 */
export interface NextLinks {
  query?: NextLinkQuery;
  pastTheEnd?: boolean;
}

/** What a `next` link keeps of the request's query; see {@link NextLinks}. */
export type NextLinkQuery = 'drop-query' | 'keep-query';

/** Every {@link NextLinkQuery}, for validation and help texts. */
export const NEXT_LINK_QUERIES: readonly NextLinkQuery[] = ['drop-query', 'keep-query'];

/**
 * Checks {@link NextLinks} and fills in Apple's way for what is left out.
 *
 * @throws Error naming the field that is malformed.
 */
export function resolveNextLinks(nextLinks: unknown): Required<NextLinks> {
  if (typeof nextLinks !== 'object' || nextLinks === null) {
    throw new Error('nextLinks must be an object { query?, pastTheEnd? }.');
  }
  const { query = 'drop-query', pastTheEnd = false } = nextLinks as NextLinks;
  assertOneOf('nextLinks.query', NEXT_LINK_QUERIES, query);
  if (typeof pastTheEnd !== 'boolean') {
    throw new Error('nextLinks.pastTheEnd must be true or false.');
  }
  return { query, pastTheEnd };
}

/** A page as Apple's paged endpoints answer it: a `next` link while more follow, the items, the total. */
export interface PageBody<T> {
  next?: string;
  data: T[];
  meta?: { total: number };
}

/** Either the page, or why it is refused: a 400 naming the parameter, or a 404 past the end. */
export type PageResult<T> =
  | { ok: true; body: PageBody<T> }
  | { ok: false; status: 400; parameter: 'limit' | 'offset'; problem: string }
  | { ok: false; status: 404; problem: string };

/**
 * Cuts one page out of `items` by the request's `limit` (1 to `maxLimit`)
 * and `offset` (0 or more); `next` points at the following `offset`,
 * written as `style` says, and is present only when items remain (or always,
 * with `style.pastTheEnd`).
 */
export function readPage<T>(
  url: URL,
  items: readonly T[],
  request: PageRequest,
  style: Required<NextLinks>,
): PageResult<T> {
  const limitText = url.searchParams.get('limit');
  const limit = readCount(limitText, request.defaultLimit);
  if (limit === undefined || limit < 1 || limit > request.maxLimit) {
    const bound =
      limit !== undefined && limit > request.maxLimit
        ? `less than or equal to ${request.maxLimit}`
        : `from 1 to ${request.maxLimit}`;
    return {
      ok: false,
      status: 400,
      parameter: 'limit',
      problem: `Value must be an integer ${bound}, but was: ${clip(limitText)}`,
    };
  }
  const offsetText = url.searchParams.get('offset');
  const offset = readCount(offsetText, 0);
  if (offset === undefined) {
    return {
      ok: false,
      status: 400,
      parameter: 'offset',
      problem: `Value must be an integer, 0 or more, but was: ${clip(offsetText)}`,
    };
  }
  if (request.pastEnd === 'not-found' && offset > 0 && offset >= items.length) {
    return {
      ok: false,
      status: 404,
      problem: `offset ${offset} is past the end of this collection (${items.length} items)`,
    };
  }
  const more = offset + limit < items.length || style.pastTheEnd;
  const body: PageBody<T> = {
    ...(more ? { next: nextLink(url, offset + limit, style.query) } : {}),
    data: items.slice(offset, offset + limit),
    ...(request.total ? { meta: { total: items.length } } : {}),
  };
  return { ok: true, body };
}

function nextLink(url: URL, offset: number, query: NextLinkQuery): string {
  const next = new URLSearchParams(query === 'keep-query' ? url.searchParams : undefined);
  next.set('offset', String(offset));
  return `${url.pathname}?${next}`;
}

function readCount(text: string | null, fallback: number): number | undefined {
  if (text === null) return fallback;
  return /^\d{1,9}$/.test(text) ? Number(text) : undefined;
}

function clip(text: string | null): string {
  return text === null ? '' : text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
