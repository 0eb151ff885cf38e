// A tiny third-party site for the browser tests, served on its own loopback
// port (so on another origin than the sandbox). Its pages are written here,
// independently of the sandbox's code:
// - /opener.html: a bridge-like page that opens the popup on a click and
//   records the JSON-RPC requests it accepts (origin and source checked);
// - /musickit.html?script=<URL>: a page that loads a sandbox's MusicKit stub.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the opener page is told before its button is clicked. */
export interface OpenerConfig {
  authorizeURL: string;
  authorizeOrigin: string;
  /** Developer token put into `a`. */
  token: string;
  /** App name put into `a`. */
  name: string;
  /** App name answered in the thirdPartyInfo reply. */
  replyName: string;
  /** Developer token answered in the thirdPartyInfo reply; `token` by default. */
  replyToken?: string;
}

/** A JSON-RPC request the opener accepted from the popup. */
export interface RecordedRequest {
  id: unknown;
  method: string;
  params?: unknown;
}

/** The globals the pages expose to the test. */
export interface SiteWindow {
  openerConfig: OpenerConfig;
  traffic: RecordedRequest[];
  popupState: 'idle' | 'open' | 'closed';
  musicKitLoaded: boolean;
  results: Array<{ token?: string; error?: string; code?: string }>;
}

const OPENER_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>Opener</title></head>
<body><button id="open">Connect Apple Music</button>
<script>
window.traffic = [];
window.popupState = 'idle';
function base64(json) {
  return btoa(json.replace(/[\u0080-\uffff]/g, function (char) {
    return '\\\\u' + char.charCodeAt(0).toString(16).padStart(4, '0');
  }));
}
document.getElementById('open').addEventListener('click', function () {
  var c = window.openerConfig;
  var a = base64(JSON.stringify({ thirdPartyName: c.name, thirdPartyToken: c.token }));
  var query = [['a', a], ['referrer', location.href], ['app', 'music'], ['p', 'subscribe']]
    .map(function (pair) { return encodeURIComponent(pair[0]) + '=' + encodeURIComponent(pair[1]); })
    .join('&');
  var popup = window.open(c.authorizeURL + '?' + query, 'apple-music-service-view', 'height=650,width=650');
  window.popupState = 'open';
  window.addEventListener('message', function (event) {
    if (event.origin !== c.authorizeOrigin || event.source !== popup) return;
    var data = event.data;
    if (!data || typeof data !== 'object' || data.jsonrpc !== '2.0') return;
    window.traffic.push({ id: data.id, method: data.method, params: data.params });
    var result = data.method === 'thirdPartyInfo'
      ? JSON.stringify({ thirdPartyName: c.replyName, thirdPartyParameters: {}, thirdPartyToken: c.replyToken || c.token })
      : null;
    popup.postMessage({ jsonrpc: '2.0', id: data.id, result: result }, c.authorizeOrigin);
  });
  var timer = setInterval(function () {
    if (popup.closed) { clearInterval(timer); window.popupState = 'closed'; }
  }, 50);
});
</script></body></html>`;

const MUSICKIT_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>MusicKit page</title></head>
<body><button id="authorize">Authorize</button>
<script>
window.musicKitLoaded = false;
window.results = [];
document.addEventListener('musickitloaded', function () { window.musicKitLoaded = true; });
var script = document.createElement('script');
script.src = new URLSearchParams(location.search).get('script');
script.async = true;
document.head.appendChild(script);
document.getElementById('authorize').addEventListener('click', function () {
  MusicKit.getInstance().authorize().then(
    function (token) { window.results.push({ token: token }); },
    function (error) { window.results.push({ error: error.message, code: error.errorCode }); }
  );
});
</script></body></html>`;

/** A running opener site. */
export interface OpenerSite {
  url: string;
  close(): Promise<void>;
}

/** Serves the opener site (`/musickit.html?script=<stub URL>` loads that stub). */
export async function startOpenerSite(): Promise<OpenerSite> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://site').pathname;
    const body =
      path === '/opener.html' ? OPENER_PAGE : path === '/musickit.html' ? MUSICKIT_PAGE : undefined;
    if (!body) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
