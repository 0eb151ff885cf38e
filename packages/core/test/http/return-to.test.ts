import { describe, expect, it } from 'vitest';
import { MAX_RETURN_TO_LENGTH, normalizeReturnTo } from '../../src/http/return-to.js';
import { thrownBy } from '../support/errors.js';

describe('normalizeReturnTo', () => {
  it.each([
    ['/', '/'],
    ['/library', '/library'],
    ['/ok?x=1#y', '/ok?x=1#y'],
    ['/a/../b', '/b'],
    ['/été', '/%C3%A9t%C3%A9'],
    ['/search?q=%2B1', '/search?q=%2B1'],
  ])('accepts the same-site path %j as %j', (input, expected) => {
    expect(normalizeReturnTo(input)).toBe(expected);
  });

  it('is idempotent, so a path normalized twice stays the same', () => {
    for (const input of ['/été?q="x"#<y>', '/a/./b/../c?d', '/ok?x=1#y']) {
      const once = normalizeReturnTo(input);
      expect(normalizeReturnTo(once)).toBe(once);
    }
  });

  it.each([
    ['an absolute URL', 'https://evil.example'],
    ['a protocol-relative URL', '//evil.example'],
    ['a slash-backslash URL', '/\\evil.example'],
    ['a double backslash', '\\\\evil'],
    ['a backslash later in the path', '/ok\\..\\evil'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['percent-encoded CRLF', '/%0d%0aSet-Cookie:x'],
    ['a percent-encoded NUL', '/a%00b'],
    ['a percent-encoded DEL', '/a%7Fb'],
    ['raw CRLF', '/ok\r\nSet-Cookie: x=1'],
    ['a tab', '/a\tb'],
    ['a space', '/a b'],
    ['a leading space', ' /ok'],
    ['a line separator', '/a\u2028b'],
    ['a C1 control', '/a\u0085b'],
    ['a dot segment that resolves to //host', '/.//evil.example'],
    ['a parent segment that resolves to //host', '/a/..//evil.example'],
    ['a relative path', 'library'],
    ['an empty string', ''],
  ])('refuses %s', (_what, value) => {
    const error = thrownBy(() => normalizeReturnTo(value));
    expect(error.code).toBe('ERR_INVALID_RETURN_TO');
    expect(error.status).toBe(400);
    expect(error.message).toContain("Only same-site paths like '/library' are allowed");
  });

  it('re-checks the normalized path, which dot segments can turn into //host', () => {
    expect(thrownBy(() => normalizeReturnTo('/.//evil.example')).message).toMatch(
      /resolves to another host/,
    );
    expect(thrownBy(() => normalizeReturnTo('/a/..//evil.example')).message).toMatch(
      /resolves to another host/,
    );
  });

  it.each([42, undefined, null, { href: '/ok' }])('refuses the non-string %j', (value) => {
    const error = thrownBy(() => normalizeReturnTo(value));
    expect(error.code).toBe('ERR_INVALID_RETURN_TO');
    expect(error.message).toMatch(/expected a string/);
  });

  it(`refuses more than ${MAX_RETURN_TO_LENGTH} characters, before and after encoding`, () => {
    expect(normalizeReturnTo(`/${'a'.repeat(MAX_RETURN_TO_LENGTH - 1)}`)).toHaveLength(
      MAX_RETURN_TO_LENGTH,
    );
    expect(
      thrownBy(() => normalizeReturnTo(`/${'a'.repeat(MAX_RETURN_TO_LENGTH)}`)).message,
    ).toMatch(/too long/);
    const grows = `/${'é'.repeat(400)}`;
    expect(grows.length).toBeLessThan(MAX_RETURN_TO_LENGTH);
    expect(thrownBy(() => normalizeReturnTo(grows)).message).toMatch(/too long/);
  });
});

describe('normalizeReturnTo: what its errors say', () => {
  it.each(['//evil.example', '/\\evil.example'])('says %j points to another host', (value) => {
    expect(thrownBy(() => normalizeReturnTo(value)).message).toMatch(/points to another host/);
  });

  it('refuses a value over the limit even when it would normalize to a short path', () => {
    const value = `/${'./'.repeat(MAX_RETURN_TO_LENGTH)}`;
    expect(thrownBy(() => normalizeReturnTo(value)).message).toMatch(/too long/);
  });
});
