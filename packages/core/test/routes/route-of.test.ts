import { describe, expect, it } from 'vitest';
import { routeOf } from '../../src/routes/route-of.js';

const split = {
  loginPath: '/auth/apple-music',
  callbackPath: '/auth/apple-music/callback',
  developerTokenPath: '/auth/apple-music/developer-token',
};
const shared = { ...split, callbackPath: '/auth/apple-music' };

describe('routeOf', () => {
  it.each([
    ['GET', '/auth/apple-music', 'login'],
    ['HEAD', '/auth/apple-music?returnTo=%2Fx', 'login'],
    ['POST', '/auth/apple-music/callback', 'callback'],
    ['GET', '/auth/apple-music/callback', 'callback'],
    ['GET', '/auth/apple-music/developer-token', 'developer-token'],
    ['OPTIONS', 'https://app.example/auth/apple-music/developer-token?x#y', 'developer-token'],
    ['GET', '/auth/apple-music/', undefined],
    ['GET', '/elsewhere', undefined],
    ['GET', 'https://app.example/auth/apple-music', 'login'],
  ])('%s %s is %s with separate login and callback paths', (method, url, route) => {
    expect(routeOf(split, { method, url })).toBe(route);
  });

  it('takes a POST to a path the login and the callback share as the callback, else the login', () => {
    expect(routeOf(shared, { method: 'POST', url: '/auth/apple-music' })).toBe('callback');
    expect(routeOf(shared, { method: 'GET', url: '/auth/apple-music' })).toBe('login');
    expect(routeOf(shared, { method: 'PUT', url: '/auth/apple-music' })).toBe('login');
  });
});
