import type { SessionAccess } from '@apple-music-auth/core';
import type { FastifyRequest } from 'fastify';

/** What `@fastify/session` and `@fastify/secure-session` both put on `request.session`. */
interface FastifySession {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  regenerate(keep?: string[]): unknown;
  /** `@fastify/session` only: the id its cookie carries. */
  sessionId?: string;
}

/**
 * `request.session` as core's {@link SessionAccess}, or `undefined` without
 * one. `@fastify/session` gets `renewId`: a new id with every value kept
 * (its own `regenerate()` keeps only the keys it is given). A
 * `@fastify/secure-session` lives sealed in its cookie: no id to renew.
 */
export function sessionAccessOf(request: FastifyRequest): SessionAccess | undefined {
  const current = () => (request as { session?: FastifySession | null }).session;
  const session = current();
  if (session === undefined || session === null) return undefined;
  return {
    get: (key) => current()?.get(key),
    set: (key, value) => current()?.set(key, value),
    ...(typeof session.sessionId === 'string'
      ? {
          renewId: () => {
            const now = current();
            return now?.regenerate(Object.keys(now).filter((key) => key !== 'cookie'));
          },
        }
      : {}),
  };
}
