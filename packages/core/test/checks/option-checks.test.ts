import { Agent, MockAgent, ProxyAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import {
  clockOption,
  dispatcherOption,
  isRecord,
  numberOption,
} from '../../src/checks/option-checks.js';
import { thrownBy } from '../support/errors.js';

describe('numberOption', () => {
  const seconds = { min: 1, max: 3600, fallback: 600, integer: true, unit: 'seconds' };
  const share = { min: 0, max: 1, fallback: 0.1, exclusive: true };

  it('gives the default for undefined and keeps values in range, bounds included', () => {
    expect(numberOption('maxAge', undefined, seconds)).toBe(600);
    expect(numberOption('maxAge', 1, seconds)).toBe(1);
    expect(numberOption('maxAge', 3600, seconds)).toBe(3600);
    expect(numberOption('share', 0.5, share)).toBe(0.5);
  });

  it.each([0, 3601, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '600', null])(
    'refuses %s for a whole number of seconds, saying the range, default and value',
    (value) => {
      const error = thrownBy(() => numberOption('maxAge', value, seconds));
      expect(error.code).toBe('ERR_INVALID_OPTIONS');
      expect(error.message).toMatch(
        /^Invalid option `maxAge`: must be a whole number of seconds from 1 to 3600 \(default 600\), got .+\.$/,
      );
    },
  );

  it.each([0, 1, -0.1, 1.1])('refuses the excluded bound or outside value %s', (value) => {
    const error = thrownBy(() => numberOption('share', value, share));
    expect(error.message).toContain(
      `must be a number greater than 0 and less than 1 (default 0.1), got ${value}.`,
    );
  });
});

describe('clockOption and isRecord', () => {
  it('defaults the clock to Date.now, keeps a function, and refuses anything else', () => {
    const clock = () => 42;
    expect(clockOption('now', undefined)).toBe(Date.now);
    expect(clockOption('now', clock)).toBe(clock);
    expect(thrownBy(() => clockOption('now', 42)).message).toMatch(/`now`: must be a function/);
  });

  it('tells plain objects from null, arrays and primitives', () => {
    expect(isRecord({})).toBe(true);
    expect([null, [], 'x', 1, undefined].some(isRecord)).toBe(false);
  });
});

describe('dispatcherOption', () => {
  it('keeps undici dispatchers and undefined', async () => {
    const dispatchers = [new Agent(), new MockAgent(), new ProxyAgent('http://127.0.0.1:9')];
    try {
      for (const dispatcher of dispatchers) {
        expect(dispatcherOption('dispatcher', dispatcher)).toBe(dispatcher);
      }
      expect(dispatcherOption('dispatcher', undefined)).toBeUndefined();
    } finally {
      await Promise.all(dispatchers.map((dispatcher) => dispatcher.close()));
    }
  });

  it.each([
    ['an empty object', {}],
    ['an object with dispatch only', { dispatch: () => true }],
    ['an object with request only', { request: async () => ({}) }],
    ['a URL string', 'http://proxy.example'],
    ['null', null],
  ])('refuses %s, naming the field and what to pass', (_name, value) => {
    const error = thrownBy(() => dispatcherOption('endpoints.dispatcher', value));
    expect(error.code).toBe('ERR_INVALID_OPTIONS');
    expect(error.message).toMatch(
      /^Invalid option `endpoints.dispatcher`: expected an undici Dispatcher/,
    );
    expect(error.message).toContain('new ProxyAgent(url)');
  });
});
