import type { MusicUserTokenResult } from './music-user-token-result.js';

/**
 * How long an opener whose popup looks closed waits for the popup's window to
 * announce a redirected result before it reports `cancelled`: 2 seconds.
 * When Apple redirects its own window to the bridge page, that page's
 * `Cross-Origin-Opener-Policy` severs it from the opener, which then sees
 * `popup.closed`; the page announces itself as soon as its script runs.
 */
export const HANDOVER_GRACE_MS = 2_000;

/**
 * How long the window Apple redirected waits for the opener to claim the
 * result before it finishes the login itself (the opener tab was closed or
 * went elsewhere): 3 seconds.
 */
export const HANDOVER_CLAIM_WAIT_MS = 3_000;

/** A result that another window of this tab's attempt handed over. */
export interface HandedOverResult extends MusicUserTokenResult {
  /**
   * The login state of the page that received the redirect: loading that page
   * started a new login (a new state cookie), so the result must be posted
   * with its state.
   */
  pageState?: string;
}

/** How a handover ended: the result came here, or the other window finished the login itself. */
export type HandoverOutcome =
  | { kind: 'result'; result: HandedOverResult }
  | { kind: 'finished-there' };

/** The opener's side of a handover; see {@link watchForHandover}. */
export interface HandoverWatch {
  /** Settles when the other window hands its result over or finishes the login itself. */
  readonly outcome: Promise<HandoverOutcome>;
  /**
   * For when the popup looks closed: the {@link outcome} when the other window
   * has announced a result or announces one within `graceMs`, else `undefined`
   * (the popup really was closed: a cancel).
   */
  afterClose(graceMs?: number): Promise<HandoverOutcome | undefined>;
  /** Stops listening. */
  close(): void;
}

type Message =
  | { type: 'ready' }
  | { type: 'claim' }
  | { type: 'result'; musicUserToken: string; restricted: boolean; pageState?: string }
  | { type: 'posting' };

/**
 * Listens, for the opener of attempt `attemptId`, for the window that Apple
 * redirected back to `referrer#<result>` (docs/protocol.md section 7). The
 * two speak over a `BroadcastChannel` named after the attempt id, which only
 * this tab's pages hold: the redirected window says `ready`, the opener
 * answers `claim`, and the window sends the `result` (then closes) or, when
 * no claim came in time, says `posting` and finishes the login itself. Each
 * side decides once, so exactly one of them posts the result. Without
 * `BroadcastChannel` (or without an id) nothing is ever announced.
 */
export function watchForHandover(attemptId: string | undefined): HandoverWatch {
  const channel = attemptId === undefined ? undefined : openChannel(attemptId);
  let announced = false;
  let onAnnounce: (() => void) | undefined;
  let settle: (outcome: HandoverOutcome) => void = () => {};
  const outcome = new Promise<HandoverOutcome>((resolve) => {
    settle = resolve;
  });
  if (channel !== undefined) {
    channel.onmessage = (event: MessageEvent) => {
      const message = asMessage(event.data);
      if (message?.type === 'ready' && !announced) {
        announced = true;
        post(channel, { type: 'claim' });
        onAnnounce?.();
      } else if (message?.type === 'result' && announced) {
        const { musicUserToken, restricted, pageState } = message;
        settle({ kind: 'result', result: { musicUserToken, restricted, pageState } });
        channel.close();
      } else if (message?.type === 'posting' && announced) {
        settle({ kind: 'finished-there' });
        channel.close();
      }
    };
  }
  return {
    outcome,
    afterClose(graceMs = HANDOVER_GRACE_MS) {
      if (channel === undefined) return Promise.resolve(undefined);
      if (announced) return outcome;
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          onAnnounce = undefined;
          resolve(undefined);
        }, graceMs);
        onAnnounce = () => {
          clearTimeout(timer);
          outcome.then(resolve);
        };
      });
    },
    close() {
      onAnnounce = undefined;
      channel?.close();
    },
  };
}

/**
 * The redirected window's side: offers `result` to the opener of attempt
 * `attemptId` and resolves true when the opener took it (the caller then
 * closes this window), or false when no opener claimed it within `waitMs`
 * (the caller then finishes the login itself). See {@link watchForHandover}.
 */
export function handOverRedirectedResult(
  attemptId: string,
  result: HandedOverResult,
  waitMs = HANDOVER_CLAIM_WAIT_MS,
): Promise<boolean> {
  const channel = openChannel(attemptId);
  if (channel === undefined) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (taken: boolean): void => {
      clearTimeout(timer);
      channel.close();
      resolve(taken);
    };
    channel.onmessage = (event: MessageEvent) => {
      if (asMessage(event.data)?.type !== 'claim') return;
      post(channel, { type: 'result', ...result });
      done(true);
    };
    const timer = setTimeout(() => {
      post(channel, { type: 'posting' });
      done(false);
    }, waitMs);
    post(channel, { type: 'ready' });
  });
}

function openChannel(attemptId: string): BroadcastChannel | undefined {
  try {
    return typeof BroadcastChannel === 'function'
      ? new BroadcastChannel(`apple-music-auth:attempt:${attemptId}`)
      : undefined;
  } catch {
    return undefined;
  }
}

function post(channel: BroadcastChannel, message: Message): void {
  channel.postMessage(message);
}

function asMessage(data: unknown): Message | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const record = data as Record<string, unknown>;
  switch (record.type) {
    case 'ready':
    case 'claim':
    case 'posting':
      return { type: record.type };
    case 'result': {
      const { musicUserToken, restricted, pageState } = record;
      if (typeof musicUserToken !== 'string' || musicUserToken === '') return undefined;
      if (typeof restricted !== 'boolean') return undefined;
      if (pageState !== undefined && typeof pageState !== 'string') return undefined;
      return { type: 'result', musicUserToken, restricted, pageState };
    }
    default:
      return undefined;
  }
}
