import {
  type AppleMusicAuth,
  AppleMusicAuthError,
  type CallbackBody,
  type CallbackRequest,
  createAppleMusicAuth,
  type FlowRequest,
  isAppleMusicAuthError,
  MAX_CALLBACK_BODY_BYTES,
  type StateOptions,
  type StepReply,
} from '@apple-music-auth/core';
import { flowRequestFrom } from '@apple-music-auth/core/node';
import type {
  FastifyError,
  FastifyInstance,
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
} from 'fastify';
import fp from 'fastify-plugin';
import type { AppleMusicDecorator } from './decorators.js';
import {
  type AppleMusicAuthPluginOptions,
  DEFAULT_DECORATOR,
  invalid,
  type RouteOptions,
  resolveRouteOptions,
} from './plugin-options.js';
import { createRequireLogin } from './require-login.js';
import { sessionAccessOf } from './session-access.js';

/** The content types the callback route parses, in its own context only. */
const CALLBACK_TYPES = ['application/x-www-form-urlencoded', 'application/json'];

/** The callback body reaches core as raw text: core checks every field itself. */
const CALLBACK_BODY_SCHEMA = {
  description: "The bridge page's form: state, then music_user_token or error.",
  type: ['string', 'null'],
  maxLength: MAX_CALLBACK_BODY_BYTES,
};

async function plugin(fastify: FastifyInstance, options: AppleMusicAuthPluginOptions) {
  const route = resolveRouteOptions(options);
  const { prefix, logLevel, logSerializers, onSuccess, onError, callbackURL, ...rest } = options;
  const { loginPath, callbackPath, developerTokenPath, decorator, session, ...coreOptions } = rest;
  if (fastify.hasDecorator(route.decorator)) {
    throw invalid('decorator', `\`${route.decorator}\` is taken: give each instance its own.`);
  }
  if (route.session && !fastify.hasRequestDecorator('session')) {
    throw invalid('session', 'register @fastify/session or @fastify/secure-session first.');
  }
  for (const name of ['appleMusicLogin', 'appleMusicUserToken']) {
    if (!fastify.hasRequestDecorator(name)) fastify.decorateRequest(name, null);
  }
  // Set while `routes` registers, before the developer-token scope below.
  let developerTokenStep: AppleMusicAuth['developerTokenStep'] | undefined;

  const routes = async (scope: FastifyInstance) => {
    const callbackRoute = `${scope.prefix}${route.callbackPath}`;
    const auth = createAppleMusicAuth({
      ...coreOptions,
      callbackURL: callbackURL ?? callbackRoute,
      loginURL: `${scope.prefix}${route.loginPath}`,
      state: stateOptions(route, coreOptions.state),
    });
    scope.addHook('onClose', () => auth.close());
    developerTokenStep = auth.developerTokenStep;
    if (auth.routes.callbackPath !== callbackRoute) {
      throw invalid(
        'callbackURL',
        `its path ${auth.routes.callbackPath} is not the callback route ${callbackRoute} (prefix + callbackPath): make them agree, or leave callbackURL out.`,
      );
    }
    fastify.decorate(route.decorator, {
      routes: { ...auth.routes, developerTokenPath: `${scope.prefix}${route.developerTokenPath}` },
      getDeveloperToken: auth.getDeveloperToken,
      fetchAppleMusic: auth.fetchAppleMusic,
      requireLogin: createRequireLogin((request, reply) =>
        send(reply, auth.loginRequiredStep(flowRequest(request))),
      ),
    } satisfies AppleMusicDecorator);

    const fail = (
      request: FastifyRequest,
      reply: FastifyReply,
      error: AppleMusicAuthError,
      answer: StepReply,
    ) => {
      request.log.warn({ appleMusicLogin: error.code }, 'Apple Music login failed');
      return onError ? onError(request, reply, error) : send(reply, answer);
    };
    const finish = async (
      request: FastifyRequest,
      reply: FastifyReply,
      body: CallbackRequest['body'],
    ) => {
      const outcome = await auth.callbackStep({ ...flowRequest(request), body });
      addCookies(reply, outcome.setCookies);
      if (outcome.error) return fail(request, reply, outcome.error, outcome);
      request.log.info({ appleMusicLogin: 'success' }, 'Apple Music login succeeded');
      request.appleMusicLogin = outcome.result;
      if (!onSuccess) return send(reply, outcome);
      try {
        return await onSuccess(request, reply, outcome.result);
      } catch (error) {
        if (!isAppleMusicAuthError(error)) throw error;
        const { returnTo } = outcome.result;
        return fail(
          request,
          reply,
          error,
          auth.failureReply(error, flowRequest(request), returnTo),
        );
      }
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
    scope.get(route.loginPath, async (request, reply) => {
      const page = await auth.loginStep(flowRequest(request));
      addCookies(reply, page.setCookies);
      return send(reply, page);
    });
    scope.post(route.callbackPath, { schema: { body: CALLBACK_BODY_SCHEMA } }, (request, reply) =>
      finish(request, reply, request.body as CallbackBody),
    );
  };
  await fastify.register(routes, { prefix, logLevel, logSerializers });
  // Its own scope: Fastify's usual parsers, not the callback's error handler.
  await fastify.register(
    async (scope) => {
      const step = developerTokenStep as AppleMusicAuth['developerTokenStep'];
      scope.all(route.developerTokenPath, async (request, reply) =>
        send(reply, await step(flowRequest(request))),
      );
    },
    { prefix, logLevel, logSerializers },
  );
}

/** The state options with the plugin's: `session: true`, and names of its own per decorator. */
function stateOptions(
  route: RouteOptions,
  state: StateOptions | undefined,
): StateOptions | undefined {
  if (state !== undefined && (typeof state !== 'object' || state === null)) return state;
  if (route.session && state?.store !== undefined && state.store !== 'session') {
    throw invalid('session', 'keeps the state in the session: leave `state.store` out.');
  }
  const name = route.decorator;
  const own =
    name === DEFAULT_DECORATOR
      ? {}
      : { cookieName: `apple_music_auth_${name}`, sessionKey: `appleMusicAuth_${name}` };
  return { ...own, ...state, ...(route.session ? { store: 'session' as const } : {}) };
}

/** One plain request for core's steps. */
function flowRequest(request: FastifyRequest): FlowRequest {
  return flowRequestFrom(request.raw, {
    url: request.url,
    session: sessionAccessOf(request),
  });
}

function addCookies(reply: FastifyReply, setCookies: string[]): void {
  if (setCookies.length > 0) reply.header('set-cookie', setCookies);
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
