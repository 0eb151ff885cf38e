import {
  AppleMusicAuthError,
  type AppleMusicAuthOptions,
  type CallbackRequest,
  createAppleMusicAuth,
  invalidOptions,
  type LoginResult,
  MAX_CALLBACK_BODY_BYTES,
  type StepReply,
} from '@apple-music-auth/core';
import { flowRequestFrom } from '@apple-music-auth/core/node';
import type {
  FastifyError,
  FastifyInstance,
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
  RegisterOptions,
} from 'fastify';
import fp from 'fastify-plugin';
import type { AppleMusicDecorator } from './decorators.js';
import { sessionAccessOf } from './session-access.js';

/**
 * The plugin's options: every option of `createAppleMusicAuth` as it is,
 * except that the routes are paths under the plugin's `prefix` (`loginPath`,
 * `callbackPath`, `developerTokenPath`) and `callbackURL` is optional; plus
 * Fastify's own: `prefix`, `logLevel` and `logSerializers` (for the routes),
 * the decorator's name, and `onSuccess`/`onError` in Fastify's idiom.
 */
export interface AppleMusicAuthPluginOptions
  extends Omit<AppleMusicAuthOptions, 'callbackURL' | 'loginURL'>,
    RegisterOptions {
  /** The login route (the bridge page), under `prefix`. Default `/auth/apple-music`. */
  loginPath?: string;
  /** The callback route, under `prefix`. Default `/auth/apple-music/callback`. */
  callbackPath?: string;
  /**
   * The public callback URL. Leave it out to resolve the prefixed
   * `callbackPath` against each request's origin, one of `appOrigins` (see
   * `trustProxy`); when given (recommended in production:
   * `https://app.example/auth/apple-music/callback`), its path must be the
   * prefixed `callbackPath`.
   */
  callbackURL?: string;
  /**
   * The name of the instance decorator (default `appleMusic`). Give each
   * instance its own when you register several; their state cookies and
   * session keys then default to names of their own too.
   */
  decorator?: string;
  /**
   * Answers a successful login; `request.appleMusicLogin` holds the result.
   * Return what to send, or `reply` after sending. Default: 303 to `returnTo` or `/`.
   */
  onSuccess?: (request: FastifyRequest, reply: FastifyReply, result: LoginResult) => unknown;
  /** Answers a failed login. Default: 303 to core's failure page on the login route. */
  onError?: (request: FastifyRequest, reply: FastifyReply, error: AppleMusicAuthError) => unknown;
}

const DEFAULT_DECORATOR = 'appleMusic';
/** The content types the callback route parses, in its own context only. */
const CALLBACK_TYPES = ['application/x-www-form-urlencoded', 'application/json'];
/** The callback body reaches core as raw text: core checks every field itself. */
const CALLBACK_BODY_SCHEMA = {
  description: "The bridge page's form: state, then music_user_token or error.",
  type: ['string', 'null'],
  maxLength: MAX_CALLBACK_BODY_BYTES,
};

async function plugin(fastify: FastifyInstance, options: AppleMusicAuthPluginOptions) {
  const { prefix, logLevel, logSerializers, onSuccess, onError, callbackURL, ...rest } = options;
  const { decorator = DEFAULT_DECORATOR, developerTokenPath, ...paths } = rest;
  const { loginPath = '/auth/apple-music', callbackPath = '/auth/apple-music/callback' } = paths;
  const { loginPath: _login, callbackPath: _callback, ...coreOptions } = paths;
  checkOwnOptions(options, decorator);
  if (fastify.hasDecorator(decorator)) {
    throw invalidOptions('decorator', `\`${decorator}\` is taken: give each instance its own.`);
  }
  if (options.session === true && !fastify.hasRequestDecorator('session')) {
    throw invalidOptions('session', 'register @fastify/session or @fastify/secure-session first.');
  }
  for (const name of ['appleMusicLogin', 'appleMusicUserToken']) {
    if (!fastify.hasRequestDecorator(name)) fastify.decorateRequest(name, null);
  }
  // Set while `routes` registers, before the developer-token scope below.
  let developerToken: { path: string; step: (request: FastifyRequest) => Promise<StepReply> };

  const routes = async (scope: FastifyInstance) => {
    const callbackRoute = `${scope.prefix}${callbackPath}`;
    const own = {
      cookieName: `apple_music_auth_${decorator}`,
      sessionKey: `appleMusicAuth_${decorator}`,
    };
    const auth = createAppleMusicAuth({
      ...coreOptions,
      callbackURL: callbackURL ?? callbackRoute,
      loginURL: `${scope.prefix}${loginPath}`,
      developerTokenPath: developerTokenPath && `${scope.prefix}${developerTokenPath}`,
      state:
        coreOptions.state === undefined || isObject(coreOptions.state)
          ? { ...(decorator === DEFAULT_DECORATOR ? {} : own), ...coreOptions.state }
          : coreOptions.state,
    });
    scope.addHook('onClose', () => auth.close());
    if (auth.routes.callbackPath !== callbackRoute) {
      throw invalidOptions(
        'callbackURL',
        `its path ${auth.routes.callbackPath} is not the callback route ${callbackRoute} (prefix + callbackPath): make them agree, or leave callbackURL out.`,
      );
    }
    developerToken = {
      path: auth.routes.developerTokenPath.slice(scope.prefix.length),
      step: (request) => auth.developerTokenStep(flowRequest(request)),
    };
    fastify.decorate(decorator, {
      routes: auth.routes,
      getDeveloperToken: auth.getDeveloperToken,
      fetchAppleMusic: auth.fetchAppleMusic,
      requireLogin(storage) {
        const guard = auth.requireLogin(storage, flowRequest);
        /** Core's login-required answer, sent, with no token let through. */
        const loginRequired = (request: FastifyRequest, reply: FastifyReply, answer: StepReply) => {
          request.appleMusicUserToken = null;
          return send(reply, answer);
        };
        return {
          async preHandler(request, reply) {
            const checked = await guard.check(request);
            if (checked.reply !== undefined) return loginRequired(request, reply, checked.reply);
            request.appleMusicUserToken = checked.musicUserToken;
          },
          errorHandler: async (error, request, reply) =>
            loginRequired(request, reply, await guard.rejected(error, request)),
          signInAgain: async (request, reply) =>
            loginRequired(request, reply, await guard.signInAgain(request)),
        };
      },
    } satisfies AppleMusicDecorator);

    const finish = async (request: FastifyRequest, reply: FastifyReply, body: unknown) => {
      const input = flowRequest(request);
      const outcome = await auth.callbackStep({ ...input, body: body as CallbackRequest['body'] });
      // Stryker disable next-line ConditionalExpression,EqualityOperator: an empty list of Set-Cookie values sends no header
      if (outcome.setCookies.length > 0) reply.header('set-cookie', outcome.setCookies);
      if (outcome.result) {
        request.log.info({ appleMusicLogin: 'success' }, 'Apple Music login succeeded');
        request.appleMusicLogin = outcome.result;
      }
      return auth.settleCallback(outcome, input, {
        send: (answer) => send(reply, answer),
        onSuccess: onSuccess && ((result) => onSuccess(request, reply, result)),
        onError(error, answer) {
          request.log.warn({ appleMusicLogin: error.code }, 'Apple Music login failed');
          return onError ? onError(request, reply, error) : send(reply, answer);
        },
      });
    };

    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      CALLBACK_TYPES,
      { parseAs: 'string', bodyLimit: MAX_CALLBACK_BODY_BYTES },
      (_request, body, done) => done(null, body),
    );
    // Fastify refuses a body before the handler runs (too large, unsupported
    // type, failed schema): answer that too with core's outcome, not a throw.
    scope.setErrorHandler((error: FastifyError, request, reply) => {
      if (!/^FST_ERR_(CTP_|VALIDATION)/.test(error.code)) throw error;
      return finish(request, reply, () => {
        throw new AppleMusicAuthError(
          'ERR_CALLBACK_INVALID',
          `The callback body was refused (${error.message}): post the form the bridge page builds.`,
          { status: error.statusCode ?? 400 },
        );
      });
    });
    scope.get(loginPath, async (request, reply) => {
      const page = await auth.loginStep(flowRequest(request));
      if (page.setCookies.length > 0) reply.header('set-cookie', page.setCookies);
      return send(reply, page);
    });
    scope.post(callbackPath, { schema: { body: CALLBACK_BODY_SCHEMA } }, (request, reply) =>
      finish(request, reply, request.body),
    );
  };
  await fastify.register(routes, { prefix, logLevel, logSerializers });
  // Its own scope: Fastify's usual parsers, not the callback's error handler.
  await fastify.register(
    async (scope) =>
      scope.all(developerToken.path, async (request, reply) =>
        send(reply, await developerToken.step(request)),
      ),
    { prefix, logLevel, logSerializers },
  );
}

/** Checks the plugin's own options; a bad one throws `ERR_INVALID_OPTIONS` naming it. */
function checkOwnOptions(options: AppleMusicAuthPluginOptions, decorator: unknown): void {
  const path = /^\/(?!\/)/;
  for (const field of ['loginPath', 'callbackPath', 'developerTokenPath'] as const) {
    const value = options[field];
    if (value !== undefined && (typeof value !== 'string' || !path.test(value))) {
      throw invalidOptions(
        field,
        "must be a path starting with one '/', e.g. '/auth/apple-music'.",
      );
    }
  }
  if (typeof decorator !== 'string' || !/^[A-Za-z_$][\w$]{0,63}$/.test(decorator)) {
    throw invalidOptions('decorator', 'must be a JavaScript identifier.');
  }
  for (const hook of ['onSuccess', 'onError'] as const) {
    if (options[hook] !== undefined && typeof options[hook] !== 'function') {
      throw invalidOptions(hook, 'must be a function.');
    }
  }
  if (Object.hasOwn(options, 'loginURL')) {
    throw invalidOptions(
      'loginURL',
      'the plugin builds it from the prefix and `loginPath`: give `loginPath`.',
    );
  }
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

/** One plain request for core's steps. */
function flowRequest(request: FastifyRequest) {
  return flowRequestFrom(request.raw, { url: request.url, session: sessionAccessOf(request) });
}

function send(reply: FastifyReply, answer: StepReply): FastifyReply {
  return reply.code(answer.status).headers(answer.headers).send(answer.body);
}

/**
 * The Apple Music login as a Fastify 5 plugin: registers GET `loginPath`,
 * POST `callbackPath` and the `developerTokenPath` route, decorates the
 * instance with `appleMusic` (or the `decorator` name), and closes the Apple
 * connection pool on close.
 */
export const appleMusicAuth: FastifyPluginAsync<AppleMusicAuthPluginOptions> = fp(plugin, {
  fastify: '5.x',
  name: '@apple-music-auth/fastify',
});
