import { type FlowRequest, type StepReply, sessionFromObject } from '@apple-music-auth/core';
import { flowRequestFrom } from '@apple-music-auth/core/node';
import type { Request, Response } from 'express';

/** One plain request for core's steps, from Express's (its session wrapped). */
export function flowRequestOf(req: Request): FlowRequest {
  return flowRequestFrom(req, {
    url: req.originalUrl,
    session: sessionFromObject((req as { session?: unknown }).session),
  });
}

/** Writes a step's answer: status, headers, each `Set-Cookie` value, body. */
export function writeReply(res: Response, reply: StepReply): void {
  res.statusCode = reply.status;
  for (const [name, value] of Object.entries(reply.headers)) res.setHeader(name, value);
  if (reply.setCookies.length > 0) res.appendHeader('set-cookie', reply.setCookies);
  res.end(reply.body);
}
