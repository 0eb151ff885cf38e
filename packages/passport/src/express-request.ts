import { type FlowRequest, sessionFromObject } from '@apple-music-auth/core';
import { flowRequestFrom } from '@apple-music-auth/core/node';
import type { Request } from 'express';

/** One plain request for core's steps, from Express's (its session wrapped). */
export function flowRequestOf(req: Request): FlowRequest {
  return flowRequestFrom(req, {
    url: req.originalUrl,
    session: sessionFromObject((req as { session?: unknown }).session),
  });
}
