import {
  type AppleMusicAuthOptions,
  invalidOptions,
  parseExpiresIn,
  type StateOptions,
  type StateStore,
} from '@apple-music-auth/core';

/** Options `passport-oauth2` took that mean nothing for Apple Music: accepted, with one warning. */
const IGNORED = ['scope', 'scopeSeparator', 'customHeaders', 'pkce', 'skipUserProfile'] as const;

/** The spellings this module translates (the others pass to core as they are). */
const OLD_SPELLINGS = [
  'teamID',
  'keyID',
  'privateKeyLocation',
  'passReqToCallback',
  'appName',
  'appIcon',
  'jwtOptions',
] as const;

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
  /** `privateKeyPath` as in `passport-apple-music`: your `AuthKey_<KEYID>.p8`, read once at construction. */
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
  const { teamID, keyID, privateKeyLocation, passReqToCallback, appName, appIcon, jwtOptions } =
    options;
  const { state, sessionKey, store, proxy, ...rest } = options;
  const core: Record<string, unknown> = { ...rest };
  for (const name of [...OLD_SPELLINGS, ...IGNORED]) delete core[name];
  const ignored = IGNORED.filter((name) => options[name] !== undefined);
  if (ignored.length > 0) {
    process.emitWarning(
      `@apple-music-auth/passport ignores ${ignored.join(', ')}: they have no meaning for Apple Music.`,
      { code: 'APPLE_MUSIC_AUTH_IGNORED_OPTIONS' },
    );
  }
  for (const [name, value] of [
    ['passReqToCallback', passReqToCallback],
    ['proxy', proxy],
  ] as const) {
    if (value !== undefined && typeof value !== 'boolean')
      throw invalidOptions(name, 'must be true or false.');
  }
  // `privateKeyLocation` is the old `privateKeyPath`; core reads the file.
  either(
    'privateKey',
    options.privateKey ?? options.privateKeyPath,
    'privateKeyLocation',
    privateKeyLocation,
  );
  const auth: Record<string, unknown> = {
    ...core,
    teamId: either('teamId', options.teamId, 'teamID', teamID),
    keyId: either('keyId', options.keyId, 'keyID', keyID),
    privateKeyPath: options.privateKeyPath ?? privateKeyLocation,
    trustProxy: either('trustProxy', options.trustProxy, 'proxy', proxy),
    state: stateOptions(options, state, sessionKey, store),
  };
  if (appName !== undefined || appIcon !== undefined) {
    auth.app = {
      ...options.app,
      name: appName ?? options.app?.name,
      iconURL: appIcon ?? options.app?.iconURL,
    };
  }
  const expiresIn = jwtExpiresIn(jwtOptions);
  if (expiresIn !== undefined) auth.developerToken = { ...options.developerToken, expiresIn };
  // createAppleMusicAuth checks every field of it again, naming the bad one.
  return {
    auth: auth as unknown as AppleMusicAuthOptions,
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

/** `jwtOptions.expiresIn` in seconds; only `algorithm: 'ES256'` (Apple's) is accepted beside it. */
function jwtExpiresIn(jwtOptions: unknown): number | undefined {
  if (jwtOptions === undefined) return undefined;
  if (typeof jwtOptions !== 'object' || jwtOptions === null) {
    throw invalidOptions('jwtOptions', 'must be an object such as { expiresIn: "180d" }.');
  }
  const { expiresIn, algorithm, ...unknown } = jwtOptions as Record<string, unknown>;
  const [name] = Object.keys(unknown);
  if (name !== undefined) {
    throw invalidOptions(
      `jwtOptions.${name}`,
      'unknown option; only expiresIn and algorithm are read.',
    );
  }
  if (algorithm !== undefined && algorithm !== 'ES256') {
    throw invalidOptions(
      'jwtOptions.algorithm',
      'Apple Music accepts only ES256 developer tokens: remove it.',
    );
  }
  return expiresIn === undefined ? undefined : parseExpiresIn(expiresIn, 'jwtOptions.expiresIn');
}

/**
 * Core's `state` group from the Passport spellings: a secret means the signed
 * cookie; without one, `state: true` or `sessionKey` ask for the session
 * (`store: true` too). With neither, core's own check names both ways.
 */
function stateOptions(
  options: StrategyOptions,
  state: unknown,
  sessionKey: unknown,
  store: StrategyOptions['store'],
): StateOptions {
  if (state !== undefined && state !== true && (typeof state !== 'object' || state === null)) {
    throw invalidOptions(
      'state',
      "state is always on: give `true` or core's state group ({ secret, store, ... }).",
    );
  }
  // Stryker disable next-line ConditionalExpression,LogicalOperator,BooleanLiteral: spreading true or undefined gives the same empty group as the {} branch
  const group: Record<string, unknown> = state === true || state === undefined ? {} : { ...state };
  group.sessionKey = either('state.sessionKey', group.sessionKey, 'sessionKey', sessionKey);
  group.store = either('state.store', group.store, 'store', store === true ? 'session' : store);
  const secret = group.secret ?? options.stateSecret;
  if (group.store === undefined && options.stateStore === undefined && secret === undefined) {
    if (state === true || sessionKey !== undefined) group.store = 'session';
  }
  return group as StateOptions;
}
