// The demo: one Apple (the sandbox, or Apple itself with APPLE_* set), every
// example on its own port, and a landing page that links them and explains
// the flow.
import { createServer } from 'node:http';
import * as expressPassport from '@apple-music-auth/example-express-passport/server';
import * as fastify from '@apple-music-auth/example-fastify/server';
import * as koa from '@apple-music-auth/example-koa/server';
import * as nodeHTTP from '@apple-music-auth/example-node-http/server';
import { appleBackend } from '@apple-music-auth/example-shared/apple';
import { escapeHTML, page } from '@apple-music-auth/example-shared/pages';
import { listen } from '@apple-music-auth/example-shared/run';

/** The examples, in the order the landing page lists them, each under its own name. */
const EXAMPLES = [
  { name: nodeHTTP.EXAMPLE, package: '@apple-music-auth/core', start: nodeHTTP.startExample },
  {
    name: expressPassport.EXAMPLE,
    package: '@apple-music-auth/passport',
    start: expressPassport.startExample,
  },
  { name: fastify.EXAMPLE, package: '@apple-music-auth/fastify', start: fastify.startExample },
  { name: koa.EXAMPLE, package: '@apple-music-auth/koa', start: koa.startExample },
];

/**
 * Starts the demo. `port` is the landing page's (default `PORT` or 3000); the
 * examples take the next ports, the sandbox the one after them (each `0`
 * when `port` is `0`).
 *
 * `auth` goes to every example's options (e.g. `{ ui: 'musickit' }`).
 *
 * @param {{ port?: number, env?: Record<string, string | undefined>, auth?: { ui?: 'popup' | 'musickit' } }} [options]
 */
export async function startDemo(options = {}) {
  const env = options.env ?? process.env;
  const base = options.port ?? Number(env.PORT ?? 3000);
  const next = (/** @type {number} */ offset) => (base === 0 ? 0 : base + offset);
  const apple = await appleBackend({ env, sandbox: { port: next(EXAMPLES.length + 1) } });
  /** @type {Array<{ close(): Promise<void> }>} */
  const started = [];
  const close = async () => {
    for (const item of started.reverse()) await item.close();
    await apple.close();
  };
  try {
    // Quiet examples (no framework logs unless LOG_LEVEL asks): the demo
    // prints one URL. Each example takes its own port.
    const exampleEnv = { ...env, PORT: undefined, PUBLIC_URL: undefined };
    /** @type {Array<{ name: string, package: string, url: string }>} */
    const examples = [];
    for (const [index, example] of EXAMPLES.entries()) {
      const running = await example.start({
        port: next(index + 1),
        env: exampleEnv,
        apple,
        auth: options.auth,
      });
      started.push(running);
      examples.push({ ...example, url: running.url });
    }
    const server = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(landingPage(examples, apple));
    });
    const url = await listen(server, base);
    started.push({
      close: () =>
        new Promise((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve(undefined));
        }),
    });
    return { url, examples, apple, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * @param {Array<{ name: string, package: string, url: string }>} examples
 * @param {import('@apple-music-auth/example-shared/apple').AppleBackend} apple
 */
function landingPage(examples, apple) {
  const where =
    apple.kind === 'sandbox'
      ? `the <strong>sandbox</strong>, an emulator of Apple's popup and API at <code>${escapeHTML(apple.sandbox?.url ?? '')}</code>: no Apple account needed`
      : "<strong>Apple</strong> itself, with your team's key";
  const links = examples
    .map(
      (example) =>
        `<li><a href="${escapeHTML(example.url)}/">${escapeHTML(example.name)}</a><small>${escapeHTML(example.package)} · ${escapeHTML(example.url)}</small></li>`,
    )
    .join('');
  return page({
    title: 'Apple Music sign-in, four ways',
    example: 'apple-music-auth demo',
    content: `<p class="lead" id="apple">These examples talk to ${where}.</p>
<ul id="examples">${links}</ul>
<h2>How it works</h2>
${FLOW_PICTURE}
<ol class="steps">
<li>The app's login route serves a small bridge page with a signed state.</li>
<li>Its button opens Apple's popup, which asks the user to allow access.</li>
<li>The popup hands the Music User Token to the page, which posts it to the callback in a form body, never in a URL.</li>
<li>The callback checks the state and the token with Apple, and the app keeps the token.</li>
</ol>`,
  });
}

/** The flow as a picture: browser, app and Apple, and what passes between them. */
const FLOW_PICTURE = `<svg role="img" aria-labelledby="flow-title" viewBox="0 0 400 190" width="100%" style="max-width:400px;margin:0 0 16px">
<title id="flow-title">The browser gets a bridge page from the app, opens Apple's popup, receives the token, and posts it to the app, which checks it with Apple.</title>
<g font-size="12" fill="currentColor" text-anchor="middle">
<text x="50" y="16">Browser</text><text x="200" y="16">Your app</text><text x="350" y="16">Apple</text>
<g stroke="currentColor" stroke-opacity=".4"><line x1="50" y1="24" x2="50" y2="184"/><line x1="200" y1="24" x2="200" y2="184"/><line x1="350" y1="24" x2="350" y2="184"/></g>
<g stroke="currentColor" fill="none"><path d="M50 44H196"/><path d="M200 70H54"/><path d="M50 96H346"/><path d="M350 122H54"/><path d="M50 148H196"/><path d="M200 174H346"/></g>
<text x="125" y="40">GET login</text><text x="125" y="66">bridge page + state</text><text x="200" y="92">popup: allow?</text><text x="200" y="118">Music User Token</text><text x="125" y="144">POST callback</text><text x="275" y="170">check token</text>
</g></svg>`;
