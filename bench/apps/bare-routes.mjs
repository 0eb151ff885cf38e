// What the bare routes of every app share: the page they answer (filled in
// once ours has answered its first login, so that both are the same size and
// type) and how a bare callback reads its body when the framework has no parser.

/** The bare login route's page: set by servers.mjs from a sample of ours. */
export const barePage = { body: '', contentType: 'text/html; charset=utf-8' };

/** The bare routes' paths, beside ours on the same app. */
export const BARE_LOGIN_PATH = '/bare/login';
export const BARE_CALLBACK_PATH = '/bare/callback';

/** Reads a node:http request's body and parses it as a form, as ours does. */
export async function readFormBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
