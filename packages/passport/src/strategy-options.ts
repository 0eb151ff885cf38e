import {
  type AppleMusicAuthOptions,
  invalidOptions,
  parseExpiresIn,
  type StateOptions,
  type StateStore,
} from '@apple-music-auth/core';
import { readPrivateKeySync } from '@apple-music-auth/core/node';

/** Options `passport-oauth2` took that mean nothing for Apple Music: accepted, with one warning. */
const IGNORED = ['scope', 'scopeSeparator', 'customHeaders', 'pkce', 'skipUserProfile'] as const;

/**
 * The strategy's options: everything `createAppleMusicAuth` takes, plus the
 * spellings of `passport-apple-music` (`teamID`, `keyID`,
 * `privateKeyLocation`, `appName`, `appIcon`, `jwtOptions`) and of
 * `passport-oauth2` (`sessionKey`, `store`, `proxy`, `state: true`).
 */
export interface StrategyOptions
  extends Omit<AppleMusicAuthOptions, 'teamId' | 'keyId' | 'privateKey' | 'state'> {
  /** Your Team ID (`teamID` as in `passport-apple-music`). */
  teamId?: string;
  teamID?: string;
  /** Your MusicKit key's ID (`keyID` as in `passport-apple-music`). */
  keyId?: string;
  keyID?: string;
  /** The key itself; or give `privateKeyLocation`. */
  privateKey?: AppleMusicAuthOptions['privateKey'];
  /** Path of your `AuthKey_<KEYID>.p8`, read once, synchronously, at construction. */
  privateKeyLocation?: string;
  /** Pass the request to verify as its first argument. */
  passReqToCallback?: boolean;
  /** The name Apple's popup shows (`app.name`). */
  appName?: string;
  /** An https URL of your app's icon (`app.iconURL`). */
  appIcon?: string;
  /** The server's developer token: `expiresIn` in seconds or `'2 days'`; `algorithm` must be ES256. */
  jwtOptions?: { expiresIn?: number | string; algorithm?: 'ES256' };
  /** Core's `state` group; `true` (as in `passport-oauth2`) asks for the session store when no secret is given. */
  state?: StateOptions | true;
  /** `passport-oauth2`'s session key: `state.sessionKey`, and the session store when no secret is given. */
  sessionKey?: string;
  /** `state.store`; `true` means the session store. */
  store?: 'cookie' | 'session' | StateStore | true;
  /** `passport-oauth2`'s `proxy`: core's `trustProxy`. */
  proxy?: boolean;
  /** Accepted from `passport-oauth2` code, ignored with a warning. */
  scope?: string | string[];
  scopeSeparator?: string;
  customHeaders?: Record<string, string>;
  pkce?: boolean;
  skipUserProfile?: unknown;
}

/** {@link StrategyOptions} translated for `createAppleMusicAuth`, plus the strategy's own switch. */
export interface ResolvedStrategyOptions {
  auth: AppleMusicAuthOptions;
  passReqToCallback: boolean;
}

/**
 * Translates the strategy's options into core's, throwing `ERR_INVALID_OPTIONS`
 * naming the option for a bad value; core then checks everything else.
 */
export function resolveStrategyOptions(options: StrategyOptions): ResolvedStrategyOptions {
  if (typeof options !== 'object' || options === null) {
    throw invalidOptions(
      'options',
      'pass an object with teamID, keyID, privateKeyLocation and callbackURL.',
    );
  }
  const {
    teamID,
    keyID,
    privateKeyLocation,
    passReqToCallback,
    appName,
    appIcon,
    jwtOptions,
    state,
    sessionKey,
    store,
    proxy,
    scope,
    scopeSeparator,
    customHeaders,
    pkce,
    skipUserProfile,
    ...core
  } = options;
  const ignored = IGNORED.filter((name) => options[name] !== undefined);
  if (ignored.length > 0) {
    process.emitWarning(
      `@apple-music-auth/passport ignores ${ignored.join(', ')}: they have no meaning for Apple Music.`,
      { code: 'APPLE_MUSIC_AUTH_IGNORED_OPTIONS' },
    );
  }
  if (passReqToCallback !== undefined && typeof passReqToCallback !== 'boolean') {
    throw invalidOptions('passReqToCallback', 'must be true or false.');
  }
  if (proxy !== undefined && typeof proxy !== 'boolean') {
    throw invalidOptions('proxy', 'must be true or false (it becomes `trustProxy`).');
  }
  return {
    auth: {
      ...core,
      teamId: either('teamId', core.teamId, 'teamID', teamID) as string,
      keyId: either('keyId', core.keyId, 'keyID', keyID) as string,
      privateKey: either(
        'privateKey',
        core.privateKey,
        'privateKeyLocation',
        privateKeyLocation === undefined ? undefined : readPrivateKeySync(privateKeyLocation),
      ) as AppleMusicAuthOptions['privateKey'],
      ...(proxy === undefined ? {} : { trustProxy: proxy }),
      ...appOptions(core.app, appName, appIcon),
      ...developerTokenOptions(core.developerToken, jwtOptions),
      state: stateOptions(core, state, sessionKey, store),
    },
    passReqToCallback: passReqToCallback ?? false,
  };
}

/** One value from two spellings of the same option; both at once is refused. */
function either(name: string, value: unknown, oldName: string, oldValue: unknown): unknown {
  if (value !== undefined && oldValue !== undefined) {
    throw invalidOptions(oldName, `is another spelling of \`${name}\`: give only one.`);
  }
  return value ?? oldValue;
}

function appOptions(
  app: AppleMusicAuthOptions['app'],
  appName: unknown,
  appIcon: unknown,
): Pick<AppleMusicAuthOptions, 'app'> {
  if (appName === undefined && appIcon === undefined) return app === undefined ? {} : { app };
  return {
    app: {
      ...app,
      name: either('app.name', app?.name, 'appName', appName) as string | undefined,
      iconURL: either('app.iconURL', app?.iconURL, 'appIcon', appIcon) as string | undefined,
    },
  };
}

function developerTokenOptions(
  developerToken: AppleMusicAuthOptions['developerToken'],
  jwtOptions: unknown,
): Pick<AppleMusicAuthOptions, 'developerToken'> {
  if (jwtOptions === undefined) return developerToken === undefined ? {} : { developerToken };
  if (typeof jwtOptions !== 'object' || jwtOptions === null) {
    throw invalidOptions('jwtOptions', 'must be an object such as { expiresIn: "180d" }.');
  }
  const { expiresIn, algorithm, ...rest } = jwtOptions as Record<string, unknown>;
  const [unknown] = Object.keys(rest);
  if (unknown !== undefined) {
    throw invalidOptions(
      `jwtOptions.${unknown}`,
      'unknown option; only expiresIn and algorithm are read.',
    );
  }
  if (algorithm !== undefined && algorithm !== 'ES256') {
    throw invalidOptions(
      'jwtOptions.algorithm',
      'Apple Music accepts only ES256 developer tokens: remove it.',
    );
  }
  if (expiresIn === undefined) return developerToken === undefined ? {} : { developerToken };
  const seconds = parseExpiresIn(expiresIn, 'jwtOptions.expiresIn');
  return {
    developerToken: {
      ...developerToken,
      expiresIn: either(
        'developerToken.expiresIn',
        developerToken?.expiresIn,
        'jwtOptions.expiresIn',
        seconds,
      ) as number,
    },
  };
}

/**
 * Core's `state` group from the Passport spellings: a secret means the signed
 * cookie; without one, `state: true`, `sessionKey` or `store: true` ask for
 * the session. With neither, core's own check names both ways.
 */
function stateOptions(
  core: Pick<AppleMusicAuthOptions, 'stateSecret' | 'stateStore'>,
  state: StateOptions | true | undefined,
  sessionKey: unknown,
  store: StrategyOptions['store'] | undefined,
): StateOptions {
  if (state !== undefined && state !== true && (typeof state !== 'object' || state === null)) {
    throw invalidOptions(
      'state',
      "state is always on: give `true` or core's state group ({ secret, store, ... }).",
    );
  }
  const group: Record<string, unknown> = state === true || state === undefined ? {} : { ...state };
  if (sessionKey !== undefined)
    group.sessionKey = either('state.sessionKey', group.sessionKey, 'sessionKey', sessionKey);
  if (store !== undefined)
    group.store = either('state.store', group.store, 'store', store === true ? 'session' : store);
  const secret = group.secret ?? core.stateSecret;
  const asksForSession = state === true || sessionKey !== undefined;
  if (
    group.store === undefined &&
    core.stateStore === undefined &&
    secret === undefined &&
    asksForSession
  ) {
    group.store = 'session';
  }
  return group as StateOptions;
}
