/**
 * Reads an HTTP `Retry-After` header (RFC 9110, section 10.2.3): either a
 * number of seconds or an HTTP date.
 *
 * @param value - The header as undici hands it over (a repeated header gives
 *   an array; the first value counts).
 * @param now - The current time in milliseconds since the epoch, for dates.
 * @returns How long to wait in milliseconds (never negative), or `undefined`
 *   when the header is absent or unreadable.
 */
export function parseRetryAfter(
  value: string | readonly string[] | undefined,
  now: number,
): number | undefined {
  const raw = typeof value === 'string' ? value : value?.[0];
  if (raw === undefined) return undefined;
  const text = raw.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // HTTP dates start with a day name ("Sun, 06 Nov 1994 08:49:37 GMT");
  // requiring it keeps Date.parse's lenient guessing away from odd input.
  if (!/^[A-Za-z]{3}/.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
