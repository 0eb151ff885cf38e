import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  AUTHORIZATION_ATTEMPT_KEY,
  AUTHORIZATION_ATTEMPT_PARAM,
  attemptReferrer,
  consumeAuthorizationAttempt,
  MusicUserTokenRequestError,
  readRedirectedMusicUserToken,
  requestMusicUserToken,
  startAuthorizationAttempt,
} from '../../src/browser/index.js';
import {
  HANDOVER_GRACE_MS,
  handOverRedirectedResult,
} from '../../src/browser/redirect-handover.js';
import {
  POPUP_SILENCE_MS,
  requestAuthorization,
} from '../../src/browser/request-music-user-token.js';
import { buildThirdPartyInfo } from '../../src/protocol/authorize-url.js';
import { rejectionOf } from '../support/errors.js';

const APPLE_ORIGIN = 'https://authorize.music.apple.com';

class FakePopup {
  closed = false;
  focused = 0;
  readonly posted: { data: Record<string, unknown>; targetOrigin: string }[] = [];
  postMessage(data: Record<string, unknown>, targetOrigin: string): void {
    this.posted.push({ data, targetOrigin });
  }
  focus(): void {
    this.focused += 1;
  }
  close(): void {
    this.closed = true;
  }
}

interface Opened {
  url: string;
  name: string;
  features: string;
  /** This tab's attempt as `window.open` ran: what Chromium copies into the popup. */
  attempt: string | null;
}

/** A `sessionStorage` in memory: only the three methods the code uses. */
class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

/** The attempt stored as `window.open` ran, parsed. */
function storedAttempt(opened: Opened | undefined): {
  id: string;
  expiresAt: number;
  inPlace: boolean;
} {
  return JSON.parse(opened?.attempt ?? 'null');
}

/** An opener window: an EventTarget with the few properties the code reads. */
function fakeOpener(
  options: { href?: string; name?: string; blocked?: boolean; inPlace?: boolean } = {},
) {
  const popup = new FakePopup();
  const opened: Opened[] = [];
  const location = new URL(options.href ?? 'https://app.example/auth/apple-music?x=1#old');
  const sessionStorage = new MemoryStorage();
  const target = Object.assign(new EventTarget(), {
    name: options.name ?? '',
    location,
    sessionStorage,
    screenX: 100,
    screenY: 50,
    outerWidth: 1250,
    outerHeight: 850,
    focus() {},
    open(url: string, name: string, features: string) {
      opened.push({
        url,
        name,
        features,
        attempt: sessionStorage.getItem(AUTHORIZATION_ATTEMPT_KEY),
      });
      if (options.blocked) return null;
      return options.inPlace ? win : popup;
    },
  });
  const win = target as unknown as Window;
  const send = (data: unknown, origin = APPLE_ORIGIN, source: unknown = popup): void => {
    target.dispatchEvent(Object.assign(new Event('message'), { data, origin, source }));
  };
  return { win, target, popup, opened, send, sessionStorage };
}

const rpc = (id: number, method: string, params?: unknown) => ({
  jsonrpc: '2.0',
  id,
  method,
  ...(params === undefined ? {} : { params }),
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(MusicUserTokenRequestError);
  expect(error).toBeInstanceOf(Error);
  expect((error as MusicUserTokenRequestError).code).toBe(code);
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('requestMusicUserToken', () => {
  it('opens the popup synchronously, named and sized like MusicKit, centred, focused', () => {
    const opener = fakeOpener();
    const developerToken = randomUUID();
    void requestMusicUserToken({ developerToken, window: opener.win });
    expect(opener.opened).toHaveLength(1);
    const [{ url, name, features }] = opener.opened as [Opened];
    expect(name).toBe('apple-music-service-view');
    expect(features).toBe(
      'height=650,width=650,menubar=no,resizable=no,scrollbars=no,status=no,toolbar=no,left=400,top=150',
    );
    expect(opener.popup.focused).toBe(1);
    const parsed = new URL(url);
    expect(parsed.origin + parsed.pathname).toBe('https://authorize.music.apple.com/woa');
    const attempt = storedAttempt(opener.opened[0]);
    expect(attempt).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{32}$/),
      expiresAt: Date.now() + 5 * 60_000,
      inPlace: false,
    });
    expect(parsed.searchParams.get('referrer')).toBe(
      `https://app.example/auth/apple-music?x=1&${AUTHORIZATION_ATTEMPT_PARAM}=${attempt.id}`,
    );
    const payload = JSON.parse(
      Buffer.from(parsed.searchParams.get('a') ?? '', 'base64').toString('utf8'),
    );
    expect(payload).toEqual({ thirdPartyName: 'app.example', thirdPartyToken: developerToken });
  });

  it('renames an opener that carries the popup’s window name', () => {
    const opener = fakeOpener({ name: 'apple-music-service-view' });
    void requestMusicUserToken({ developerToken: 't', window: opener.win });
    expect(opener.win.name).toBe('');
  });

  it('rejects with popup_blocked when window.open returns null, leaving no attempt', async () => {
    const opener = fakeOpener({ blocked: true });
    await expectCode(
      requestMusicUserToken({ developerToken: 't', window: opener.win }),
      'popup_blocked',
    );
    expect(storedAttempt(opener.opened[0]).expiresAt).toBe(Date.now() + 5 * 60_000);
    expect(opener.sessionStorage.items.size).toBe(0);
  });

  it.each([
    [
      'an answer',
      (opener: ReturnType<typeof fakeOpener>) => opener.send(rpc(1, 'authorize', ['u', '0'])),
    ],
    ['a refusal', (opener: ReturnType<typeof fakeOpener>) => opener.send(rpc(1, 'decline'))],
    [
      'a closed popup',
      async (opener: ReturnType<typeof fakeOpener>) => {
        opener.popup.closed = true;
        await vi.advanceTimersByTimeAsync(500 + HANDOVER_GRACE_MS);
      },
    ],
  ])('starts an attempt right before window.open and ends it with %s', async (_name, end) => {
    const opener = fakeOpener();
    const promise = requestMusicUserToken({ developerToken: 't', window: opener.win });
    expect(storedAttempt(opener.opened[0]).id).toMatch(/^[0-9a-f]{32}$/);
    expect(opener.sessionStorage.items.size).toBe(1);
    const settled = promise.catch(() => undefined);
    await end(opener);
    await settled;
    expect(opener.sessionStorage.items.size).toBe(0);
  });

  it('answers thirdPartyInfo and resolves on authorize, then closes the popup', async () => {
    const opener = fakeOpener();
    const developerToken = randomUUID();
    const musicUserToken = randomUUID();
    const promise = requestMusicUserToken({
      developerToken,
      appName: 'Café 🎵',
      appIconURL: 'https://app.example/icon.png',
      window: opener.win,
    });
    opener.send(rpc(1, 'thirdPartyInfo'));
    expect(opener.popup.posted).toEqual([
      {
        data: {
          jsonrpc: '2.0',
          id: 1,
          result: buildThirdPartyInfo({
            developerToken,
            appName: 'Café 🎵',
            appIconURL: 'https://app.example/icon.png',
          }),
        },
        targetOrigin: APPLE_ORIGIN,
      },
    ]);
    opener.send(rpc(2, 'close'));
    opener.send(rpc(3, 'authorize', [musicUserToken, '1', 'cid-123']));
    await expect(promise).resolves.toEqual({ musicUserToken, restricted: true });
    expect(opener.popup.posted.map(({ data }) => data.id)).toEqual([1, 2, 3]);
    expect(opener.popup.posted.every(({ targetOrigin }) => targetOrigin === APPLE_ORIGIN)).toBe(
      true,
    );
    expect(opener.popup.closed).toBe(true);

    opener.send(rpc(4, 'thirdPartyInfo'));
    expect(opener.popup.posted).toHaveLength(3);
  });

  it('reads restricted "0" as false and a non-array params as one parameter', async () => {
    const first = fakeOpener();
    const firstToken = randomUUID();
    const one = requestMusicUserToken({ developerToken: 't', window: first.win });
    first.send(rpc(1, 'authorize', [firstToken, '0', 'cid']));
    await expect(one).resolves.toEqual({ musicUserToken: firstToken, restricted: false });

    const second = fakeOpener();
    const secondToken = randomUUID();
    const two = requestMusicUserToken({ developerToken: 't', window: second.win });
    second.send(rpc(1, 'authorize', secondToken));
    await expect(two).resolves.toEqual({ musicUserToken: secondToken, restricted: false });
  });

  it('ignores other origins, other windows and non-JSON-RPC data', async () => {
    const opener = fakeOpener();
    const musicUserToken = randomUUID();
    const promise = requestMusicUserToken({ developerToken: 't', window: opener.win });
    opener.send(rpc(1, 'authorize', ['evil-origin', '0']), 'https://evil.example');
    opener.send(rpc(2, 'authorize', ['evil-window', '0']), APPLE_ORIGIN, new FakePopup());
    opener.send({ jsonrpc: '1.0', id: 3, method: 'authorize', params: ['old', '0'] });
    opener.send('{"jsonrpc":"2.0","id":4,"method":"authorize","params":["text","0"]}');
    opener.send(null);
    expect(opener.popup.posted).toEqual([]);
    opener.send(rpc(5, 'authorize', [musicUserToken, '0']));
    await expect(promise).resolves.toEqual({ musicUserToken, restricted: false });
  });

  it.each([
    ['decline', 'access_denied'],
    ['unavailable', 'unavailable'],
    ['switchUserId', 'cancelled'],
  ])('maps %s to %s, replying first', async (method, code) => {
    const opener = fakeOpener();
    const promise = requestMusicUserToken({ developerToken: 't', window: opener.win });
    opener.send(rpc(7, method));
    await expectCode(promise, code);
    expect(opener.popup.posted).toEqual([
      { data: { jsonrpc: '2.0', id: 7, result: null }, targetOrigin: APPLE_ORIGIN },
    ]);
    expect(opener.popup.closed).toBe(true);
  });

  it.each([
    ['decline', 'decline'],
    ['unavailable', 'unavailable'],
    ['switchUserId', 'switchUserId'],
  ])(
    'names the popup request %s that ended it, so switchUserId tells apart from a close',
    async (method, named) => {
      const opener = fakeOpener();
      const promise = requestMusicUserToken({ developerToken: 't', window: opener.win });
      opener.send(rpc(3, method));
      expect(await rejection(promise)).toMatchObject({ method: named });

      const closed = fakeOpener();
      const cancelled = rejection(
        requestMusicUserToken({ developerToken: 't', window: closed.win }),
      );
      closed.popup.closed = true;
      await vi.advanceTimersByTimeAsync(500 + HANDOVER_GRACE_MS);
      expect(await cancelled).toMatchObject({ code: 'cancelled', method: undefined });
    },
  );

  it('rejects an authorize without a token as cancelled', async () => {
    const opener = fakeOpener();
    const promise = requestMusicUserToken({ developerToken: 't', window: opener.win });
    opener.send(rpc(1, 'authorize', ['', '0']));
    await expectCode(promise, 'cancelled');
  });

  it('answers unknown methods with Method not found and keeps waiting', async () => {
    const opener = fakeOpener();
    const promise = requestMusicUserToken({ developerToken: 't', window: opener.win });
    opener.send(rpc(9, 'somethingNew', [1]));
    expect(opener.popup.posted).toEqual([
      {
        data: { jsonrpc: '2.0', id: 9, error: { code: -32601, message: 'Method not found' } },
        targetOrigin: APPLE_ORIGIN,
      },
    ]);
    opener.send(rpc(10, 'decline'));
    await expectCode(promise, 'access_denied');
  });

  it('ends as cancelled when the popup is closed (polled every 500 ms), after a grace period', async () => {
    const opener = fakeOpener();
    const promise = requestMusicUserToken({ developerToken: 't', window: opener.win });
    const settled = vi.fn();
    promise.catch(settled);
    opener.popup.closed = true;
    await vi.advanceTimersByTimeAsync(500 + HANDOVER_GRACE_MS - 1);
    expect(settled).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    await expectCode(promise, 'cancelled');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('ends the attempt when the page goes away (Back, a link), popup or not', () => {
    const opener = fakeOpener();
    void requestMusicUserToken({ developerToken: 't', window: opener.win });
    expect(opener.sessionStorage.items.size).toBe(1);
    opener.target.dispatchEvent(new Event('pagehide'));
    expect(opener.sessionStorage.items.size).toBe(0);
  });

  it('keeps the attempt when Apple’s page loads in this very tab, and the page goes away for it', () => {
    const opener = fakeOpener({ inPlace: true });
    void requestMusicUserToken({ developerToken: 't', window: opener.win });
    opener.target.dispatchEvent(new Event('pagehide'));
    const attempt = JSON.parse(opener.sessionStorage.getItem(AUTHORIZATION_ATTEMPT_KEY) ?? 'null');
    expect(attempt).toEqual({ ...storedAttempt(opener.opened[0]), inPlace: true });
  });

  it('lets the attempt live as long as the popup’s timeout', () => {
    const opener = fakeOpener();
    void requestMusicUserToken({ developerToken: 't', timeoutMs: 60_000, window: opener.win });
    expect(storedAttempt(opener.opened[0]).expiresAt).toBe(Date.now() + 60_000);
  });

  it('replaces an attempt id already in the page’s URL', () => {
    const opener = fakeOpener({
      href: `https://app.example/login?${AUTHORIZATION_ATTEMPT_PARAM}=${'0'.repeat(32)}&r=%2F#x`,
    });
    void requestMusicUserToken({ developerToken: 't', window: opener.win });
    const { id } = storedAttempt(opener.opened[0]);
    const referrer = new URL(opener.opened[0]?.url ?? '').searchParams.get('referrer');
    expect(referrer).toBe(`https://app.example/login?r=%2F&${AUTHORIZATION_ATTEMPT_PARAM}=${id}`);
  });

  it('takes the result that the window Apple redirected hands over, with that page’s state', async () => {
    const opener = fakeOpener();
    const promise = requestMusicUserToken({ developerToken: 't', window: opener.win });
    // That window's bridge page severs it from here (COOP): the popup looks closed.
    opener.popup.closed = true;
    await vi.advanceTimersByTimeAsync(500);
    const musicUserToken = randomUUID();
    const handover = { musicUserToken, restricted: true, pageState: 'its-state' };
    const taken = handOverRedirectedResult(storedAttempt(opener.opened[0]).id, handover);
    await expect(promise).resolves.toEqual(handover);
    await expect(taken).resolves.toBe(true);
    expect(opener.sessionStorage.items.size).toBe(0);
  });

  it('rejects with finished_elsewhere when that window posted the result itself', async () => {
    const opener = fakeOpener();
    const promise = requestMusicUserToken({ developerToken: 't', window: opener.win });
    const id = storedAttempt(opener.opened[0]).id;
    // A window of this attempt that got no claim in time: it says `posting`.
    const other = new BroadcastChannel(`apple-music-auth:attempt:${id}`);
    const claimed = new Promise((resolve) => {
      other.onmessage = (event) => resolve(event.data);
    });
    other.postMessage({ type: 'ready' });
    await expect(claimed).resolves.toEqual({ type: 'claim' });
    other.postMessage({ type: 'posting' });
    other.close();
    await expectCode(promise, 'finished_elsewhere');
  });

  it('times out as cancelled and closes the popup', async () => {
    const opener = fakeOpener();
    const promise = requestMusicUserToken({
      developerToken: 't',
      timeoutMs: 60_000,
      window: opener.win,
    });
    const settled = vi.fn();
    promise.catch(settled);
    await vi.advanceTimersByTimeAsync(59_999);
    expect(settled).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    await expectCode(promise, 'cancelled');
    expect(opener.popup.closed).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('tells the watch when the popup stays silent, and when it speaks after all', async () => {
    const opener = fakeOpener();
    const watch = { onSilent: vi.fn(), onAnswer: vi.fn() };
    const promise = requestAuthorization({ developerToken: 't', window: opener.win }, watch);
    await vi.advanceTimersByTimeAsync(POPUP_SILENCE_MS - 1);
    expect(watch.onSilent).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(watch.onSilent).toHaveBeenCalledTimes(1);
    expect(watch.onAnswer).not.toHaveBeenCalled();
    // Messages from elsewhere are not the popup speaking.
    opener.send(rpc(0, 'thirdPartyInfo'), 'https://evil.example');
    expect(watch.onAnswer).not.toHaveBeenCalled();
    opener.send(rpc(0, 'thirdPartyInfo'));
    opener.send(rpc(1, 'close'));
    expect(watch.onAnswer).toHaveBeenCalledTimes(1);
    opener.send(rpc(2, 'decline'));
    await expectCode(promise, 'access_denied');
    expect(watch.onSilent).toHaveBeenCalledTimes(1);
  });

  it('never calls the watch when the popup speaks in time', async () => {
    const opener = fakeOpener();
    const watch = { onSilent: vi.fn(), onAnswer: vi.fn() };
    const promise = requestAuthorization({ developerToken: 't', window: opener.win }, watch);
    opener.send(rpc(0, 'thirdPartyInfo'));
    await vi.advanceTimersByTimeAsync(POPUP_SILENCE_MS * 2);
    opener.send(rpc(1, 'decline'));
    await expectCode(promise, 'access_denied');
    expect(watch.onSilent).not.toHaveBeenCalled();
    expect(watch.onAnswer).not.toHaveBeenCalled();
  });

  it('defaults to a 5-minute timeout', async () => {
    const opener = fakeOpener();
    const promise = requestMusicUserToken({ developerToken: 't', window: opener.win });
    const settled = vi.fn();
    promise.catch(settled);
    await vi.advanceTimersByTimeAsync(5 * 60_000 - 1);
    expect(settled).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    await expectCode(promise, 'cancelled');
  });

  it('focuses the open popup on a second call and returns the same promise', async () => {
    const opener = fakeOpener();
    const first = requestMusicUserToken({ developerToken: 't', window: opener.win });
    const second = requestMusicUserToken({ developerToken: 't', window: opener.win });
    expect(second).toBe(first);
    expect(opener.opened).toHaveLength(1);
    expect(opener.popup.focused).toBe(2);
    const musicUserToken = randomUUID();
    opener.send(rpc(1, 'authorize', [musicUserToken, '0']));
    await expect(second).resolves.toEqual({ musicUserToken, restricted: false });

    opener.popup.closed = false;
    void requestMusicUserToken({ developerToken: 't', window: opener.win });
    expect(opener.opened).toHaveLength(2);
  });

  it('starts afresh when the previous popup was closed but not yet polled', async () => {
    const opener = fakeOpener();
    const first = requestMusicUserToken({ developerToken: 't', window: opener.win });
    opener.popup.closed = true;
    const second = requestMusicUserToken({ developerToken: 't', window: opener.win });
    expect(second).not.toBe(first);
    expect(opener.opened).toHaveLength(2);
    await expectCode(first, 'cancelled');
  });

  it('accepts the sandbox’s origin, derived from authorizeURL or given', async () => {
    const derived = fakeOpener({ href: 'http://127.0.0.1:3000/login' });
    const token = randomUUID();
    const promise = requestMusicUserToken({
      developerToken: 't',
      authorizeURL: 'http://127.0.0.1:4010/woa',
      window: derived.win,
    });
    derived.send(rpc(1, 'authorize', ['wrong', '0']), APPLE_ORIGIN);
    derived.send(rpc(2, 'authorize', [token, '1']), 'http://127.0.0.1:4010');
    await expect(promise).resolves.toEqual({ musicUserToken: token, restricted: true });
    expect(derived.popup.posted[0]?.targetOrigin).toBe('http://127.0.0.1:4010');

    const given = fakeOpener();
    const other = requestMusicUserToken({
      developerToken: 't',
      authorizeOrigin: 'https://other.example',
      window: given.win,
    });
    given.send(rpc(1, 'decline'), 'https://other.example');
    await expectCode(other, 'access_denied');
  });

  it('rejects bad options with ERR_INVALID_OPTIONS and opens nothing', async () => {
    for (const [options, field] of [
      [{ developerToken: '' }, 'developerToken'],
      [{ developerToken: 't', timeoutMs: 0 }, 'timeoutMs'],
      [{ developerToken: 't', authorizeOrigin: 'https://a.example/' }, 'authorizeOrigin'],
      [{ developerToken: 't', authorizeOrigin: 'not an origin' }, 'authorizeOrigin'],
      [{ developerToken: 't', authorizeURL: 'http://a.example/woa' }, 'baseURL'],
    ] as const) {
      const opener = fakeOpener();
      const error = await rejectionOf(requestMusicUserToken({ ...options, window: opener.win }));
      expect(error.code).toBe('ERR_INVALID_OPTIONS');
      expect(error.message).toContain(`\`${field}\``);
      expect(opener.opened).toHaveLength(0);
    }
  });

  it('needs a window outside browsers', async () => {
    const error = await rejectionOf(requestMusicUserToken({ developerToken: 't' }));
    expect(error.message).toContain('`window`');
  });
});

describe('readRedirectedMusicUserToken', () => {
  type IdInURL = 'own' | 'none' | 'other';
  /**
   * A tab loaded with `hash`, whose attempt started `attemptAge` ms ago with
   * the default 5-minute lifetime (none when null), its URL carrying the
   * attempt's own id, none (a link someone else wrote), or another one.
   */
  function redirectedWindow(
    hash: string,
    attemptAge: number | null = 1_000,
    inURL: IdInURL = 'own',
  ) {
    const location = new URL('https://app.example/auth/apple-music?x=1');
    const replaced: string[] = [];
    const sessionStorage = new MemoryStorage();
    const win = {
      location,
      sessionStorage,
      history: {
        state: null,
        replaceState(_state: unknown, _title: string, url: string) {
          replaced.push(url);
          location.href = new URL(url, location.href).href;
        },
      },
    } as unknown as Window;
    const id =
      attemptAge === null
        ? undefined
        : startAuthorizationAttempt(win, 5 * 60_000, Date.now() - attemptAge);
    const idInURL = inURL === 'own' ? id : inURL === 'other' ? 'f'.repeat(32) : undefined;
    location.href = attemptReferrer(location.href, idInURL) + hash;
    return { win, replaced, sessionStorage };
  }
  const encode = (value: unknown) =>
    `#${Buffer.from(JSON.stringify(value), 'utf8').toString('base64')}`;
  const cleared = 'https://app.example/auth/apple-music?x=1';

  it('reads {itre, musicUserToken, cid} from the hash and clears it and the attempt id', () => {
    const musicUserToken = randomUUID();
    const { win, replaced } = redirectedWindow(encode({ itre: '1', musicUserToken, cid: 'c' }));
    expect(readRedirectedMusicUserToken(win)).toEqual({ musicUserToken, restricted: true });
    expect(replaced).toEqual([cleared]);

    const plain = redirectedWindow(
      encodeURI(encode({ itre: false, musicUserToken, cid: 'c' })).replace(/=/g, '%3D'),
    );
    expect(readRedirectedMusicUserToken(plain.win)).toEqual({ musicUserToken, restricted: false });
  });

  it('returns a result once per attempt: a replay in the same tab is refused', () => {
    const hash = encode({ itre: '0', musicUserToken: randomUUID(), cid: 'c' });
    const { win, sessionStorage } = redirectedWindow(hash);
    const url = win.location.href;
    expect(readRedirectedMusicUserToken(win)).toBeDefined();
    expect(sessionStorage.items.size).toBe(0);
    win.location.href = url;
    expect(readRedirectedMusicUserToken(win)).toBeUndefined();
  });

  it.each([
    ['a URL without the attempt id (a link someone else wrote)', 1_000, 'none'],
    ['a URL with another attempt id', 1_000, 'other'],
    ['no attempt of this tab', null, 'other'],
    ['an attempt older than its lifetime', 5 * 60_000 + 1, 'own'],
  ] as const)(
    'ignores and clears a result with %s, and ends the attempt',
    (_name, attemptAge, inURL) => {
      const hash = encode({ itre: '0', musicUserToken: randomUUID(), cid: 'c' });
      const { win, replaced, sessionStorage } = redirectedWindow(hash, attemptAge, inURL);
      expect(readRedirectedMusicUserToken(win)).toBeUndefined();
      expect(replaced).toEqual([cleared]);
      expect(sessionStorage.items.size).toBe(0);
    },
  );

  it('ignores a result when sessionStorage is unavailable', () => {
    const { win, replaced } = redirectedWindow(
      encode({ musicUserToken: randomUUID() }),
      null,
      'other',
    );
    Object.defineProperty(win, 'sessionStorage', {
      get() {
        throw new DOMException('denied', 'SecurityError');
      },
    });
    expect(startAuthorizationAttempt(win, 60_000)).toBeUndefined();
    expect(readRedirectedMusicUserToken(win)).toBeUndefined();
    expect(replaced).toEqual([cleared]);
  });

  it('ignores a malformed attempt entry', () => {
    const { win, sessionStorage } = redirectedWindow('', null, 'none');
    sessionStorage.setItem(AUTHORIZATION_ATTEMPT_KEY, 'yesterday');
    expect(consumeAuthorizationAttempt(win, 'yesterday')).toBeUndefined();
    expect(sessionStorage.items.size).toBe(0);
  });

  it('clears a hash that MusicKit would read as a result even when it does not decode', () => {
    // A raw 0xFF byte: not UTF-8, yet MusicKit's pattern matches and its atob reads it.
    const json = Buffer.from(
      `{"itre":"0","musicUserToken":"${'A'.repeat(160)}","cid":"\xff"}`,
      'latin1',
    );
    const hash = `#${json.toString('base64')}`;
    expect(hash).toMatch(/^#[A-Za-z0-9+/]{200,}={0,2}$/);
    const { win, replaced } = redirectedWindow(hash);
    expect(readRedirectedMusicUserToken(win)).toBeUndefined();
    expect(replaced).toEqual([cleared]);
  });

  it('leaves other hashes alone, and ends the attempt all the same', () => {
    for (const hash of [
      '',
      '#section-2',
      encode({ musicUserToken: '' }),
      encode([1]),
      encode('x'),
      '#%E0%A4%A',
    ]) {
      const { win, replaced, sessionStorage } = redirectedWindow(hash, 1_000, 'none');
      expect(readRedirectedMusicUserToken(win)).toBeUndefined();
      expect(replaced).toEqual([]);
      expect(sessionStorage.items.size).toBe(0);
    }
  });
});
