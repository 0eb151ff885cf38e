import { describe, expect, it } from 'vitest';
import { jsonObjectKeys } from '../../src/http/json-object-keys.js';

describe('jsonObjectKeys', () => {
  it('lists the top-level keys in order, a repeated key each time it appears', () => {
    expect(jsonObjectKeys('{"state":"a","music_user_token":"t","state":"b"}')).toEqual([
      'state',
      'music_user_token',
      'state',
    ]);
  });

  it('decodes escaped keys, so a spelling with \\u escapes counts as the same key', () => {
    expect(jsonObjectKeys('{"st\\u0061te":"a","a\\"b":1}')).toEqual(['state', 'a"b']);
  });

  it('skips keys of nested objects and strings that look like keys', () => {
    const text =
      '{ "state" : "x\\":{\\"fake\\":1}" ,\n\t"nested":{"inner":{"deep":[{"k":1}]}},"list":["a:",{"b":2}],"last":null }';
    expect(jsonObjectKeys(text)).toEqual(['state', 'nested', 'list', 'last']);
  });

  it('lists no keys for an empty object', () => {
    expect(jsonObjectKeys('{}')).toEqual([]);
    expect(jsonObjectKeys(' { } ')).toEqual([]);
  });

  it('agrees with JSON.parse on every key of a body without repeats', () => {
    const body = {
      state: 's',
      music_user_token: 'dG9rZW4+/w==',
      restricted: true,
      'é\\': 1,
    };
    expect(jsonObjectKeys(JSON.stringify(body))).toEqual(Object.keys(body));
  });
});
