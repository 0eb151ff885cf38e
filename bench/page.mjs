// The login page as phones get it (issue 25): the bridge page's bytes on the
// wire, raw and gzipped, and in Chromium the time from navigation to a
// working button (the bridge script has attached its click handler) under a
// mobile network profile: 150 ms round trip, 1.6 Mbps down, 750 kbps up.
// The round trips are real: a TCP proxy on loopback holds each connection's
// first bytes for one round trip (the handshake) and every chunk half a
// round trip each way; Chromium's network emulation only caps the
// throughput (its own latency would count one round trip per request, not
// the connection's). Each load is cold: a new browser
// context, so no cache and no open connection. The page is served gzipped,
// as a proxy or CDN in front of the app would. The floor is two round trips
// (the connection, then the request) plus the gzipped bytes' transfer time.
// The page's Cross-Origin-Opener-Policy costs Chromium a browsing-context
// group swap at each navigation (about 110 ms on loopback): it stays, since
// it is what stops an opener from reaching the bridge.

import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { gzipSync } from 'node:zlib';
import { createAppleMusicAuth } from '@apple-music-auth/core';
import { flowRequestFrom } from '@apple-music-auth/core/node';
import { chromium } from 'playwright-core';
import { benchAuthOptions, LOGIN_PATH } from './bench-options.mjs';
import { median } from './http-pair.mjs';
import { startLatencyProxy } from './latency-proxy.mjs';

const ROUND_TRIP_MS = 150;
const DOWN_BYTES_PER_SECOND = 1_600_000 / 8;
const UP_BYTES_PER_SECOND = 750_000 / 8;
const BUTTON_ID = 'apple-music-auth-continue';

/** Records, in the page, when a click listener is attached to the bridge's button. */
const WATCH_BUTTON = `(() => {
  const add = EventTarget.prototype.addEventListener;
  EventTarget.prototype.addEventListener = function (type, ...rest) {
    if (type === 'click' && this.id === ${JSON.stringify(BUTTON_ID)}) {
      window.__buttonWorksAt ??= performance.now();
    }
    return add.call(this, type, ...rest);
  };
})();`;

/** Serves core's login page on loopback, gzipped when the browser accepts it. */
async function startLoginServer() {
  const auth = createAppleMusicAuth(benchAuthOptions({ appOrigins: undefined }));
  const server = createServer(async (req, res) => {
    const reply = await auth.loginStep(flowRequestFrom(req));
    const gzip = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
    const body = gzip ? gzipSync(reply.body) : Buffer.from(reply.body);
    res.writeHead(reply.status, {
      ...reply.headers,
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
      'content-length': body.byteLength,
      'set-cookie': reply.setCookies,
    });
    res.end(body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const proxy = await startLatencyProxy(
    { host: '127.0.0.1', port: server.address().port },
    ROUND_TRIP_MS / 2,
    { handshakeMs: ROUND_TRIP_MS },
  );
  const url = `http://127.0.0.1:${proxy.port}${LOGIN_PATH}`;
  const sample = await auth.loginStep(
    flowRequestFrom({ method: 'GET', url: LOGIN_PATH, headers: { host: new URL(url).host } }),
  );
  return {
    url,
    raw: Buffer.byteLength(sample.body),
    gzipped: gzipSync(sample.body).byteLength,
    close: async () => {
      proxy.close();
      server.close();
      await auth.close();
    },
  };
}

/** The Chromium to drive: CHROMIUM_PATH, or Debian's. */
function chromiumPath() {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  return existsSync(path) ? path : undefined;
}

/** One cold load; resolves the milliseconds from navigation to a working button. */
async function coldLoad(browser, url) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.addInitScript(WATCH_BUTTON);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: DOWN_BYTES_PER_SECOND,
      uploadThroughput: UP_BYTES_PER_SECOND,
    });
    const started = Date.now();
    await page.goto(url, { waitUntil: 'commit' });
    // The page's clock, on the same wall clock as this process: its time origin plus its reading.
    const handle = await page.waitForFunction(
      () => window.__buttonWorksAt && performance.timeOrigin + window.__buttonWorksAt,
      null,
      { timeout: 10_000 },
    );
    return (await handle.jsonValue()) - started;
  } finally {
    await context.close();
  }
}

/** Runs the page section; returns its table rows. */
export async function runPage(loads = Number(process.env.BENCH_PAGE_LOADS ?? 9)) {
  const server = await startLoginServer();
  const rows = [
    {
      figure: 'bridge page bytes (raw, gzipped)',
      value: `${(server.raw / 1024).toFixed(1)} KB (${(server.gzipped / 1024).toFixed(1)} KB)`,
      target: '<= 16 KB raw',
      met: server.raw <= 16 * 1024,
    },
  ];
  const executablePath = chromiumPath();
  if (executablePath === undefined) {
    await server.close();
    console.log(
      'page: no Chromium (apt-get install chromium, or set CHROMIUM_PATH): time to a working button not measured',
    );
    return rows;
  }
  const browser = await chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  try {
    await coldLoad(browser, server.url); // unmeasured: Chromium's own first-run work
    const times = [];
    for (let load = 0; load < loads; load += 1) times.push(await coldLoad(browser, server.url));
    const floor = 2 * ROUND_TRIP_MS + (server.gzipped / DOWN_BYTES_PER_SECOND) * 1000;
    const time = median(times);
    console.log(
      `page: time to a working button over ${loads} cold loads (ms): ${times.map((t) => t.toFixed(0)).join(', ')}; floor ${floor.toFixed(0)} ms`,
    );
    rows.push({
      figure: `bridge page, navigation to a working button, 150 ms RTT / 1.6 Mbps (median of ${loads} cold loads) / floor`,
      value: `${time.toFixed(0)} ms / ${floor.toFixed(0)} ms = ${(time / floor).toFixed(2)}x`,
      target: '<= 1.25x',
      met: time / floor <= 1.25,
    });
  } finally {
    await browser.close();
    await server.close();
  }
  return rows;
}
