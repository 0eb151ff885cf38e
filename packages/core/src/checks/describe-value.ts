/**
 * Names what a bad option value was, for error messages, without echoing
 * long strings (which may be keys or tokens pasted into the wrong field).
 *
 * Short strings (at most 32 characters, no line breaks) are quoted because
 * they are usually ids or URLs; longer ones are described by their length.
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing (undefined)';
  if (typeof value === 'string') {
    if (value === '') return 'an empty string';
    if (value.length <= 32 && !/[\r\n]/.test(value)) return JSON.stringify(value);
    return `a string of ${value.length} characters`;
  }
  if (Array.isArray(value)) return `an array of ${value.length} items`;
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}
