import { createNonce } from '../state/signed-state.js';
import { type BridgePage, type RenderBridgePageOptions, renderBridgePage } from './bridge-page.js';
import { createCSPNonce } from './html.js';

/** What changes from one login to the next: the state and the CSP nonce. */
export type BridgePageTemplateOptions = Omit<RenderBridgePageOptions, 'state' | 'nonce'>;

/** A bridge page rendered once, ready to take each login's state and CSP nonce. */
export interface BridgePageTemplate {
  /** The developer token the page was rendered with; a renewed token needs a new template. */
  readonly developerToken: string;
  /** The page {@link renderBridgePage} would render with this `state` and a fresh CSP nonce. */
  render(state: string): BridgePage;
}

/**
 * Characters that read the same raw, HTML-escaped and JSON-escaped: the
 * states this library issues (compact JWTs) and CSP nonces (base64) only
 * use these, so they can be put into the rendered page as they are.
 */
const INVARIANT = /^[A-Za-z0-9+/=_.-]+$/;

/**
 * Renders the bridge page once with random stand-ins for the state and the
 * nonce and keeps the text between them, so that a login only joins strings
 * instead of validating, escaping and serializing the page again. A state
 * with other characters (a custom store's) takes the full render.
 */
export function compileBridgePage(options: BridgePageTemplateOptions): BridgePageTemplate {
  const stateMark = createNonce();
  const nonceMark = createCSPNonce();
  const sample = renderBridgePage({ ...options, state: stateMark, nonce: nonceMark });
  const body = splitAround(sample.body, stateMark, nonceMark);
  const headers = Object.entries(sample.headers).map(
    ([name, value]) => [name, value.split(nonceMark)] as const,
  );
  return {
    developerToken: options.developerToken,
    render(state) {
      const nonce = createCSPNonce();
      if (!INVARIANT.test(state)) return renderBridgePage({ ...options, state, nonce });
      const renderedHeaders: Record<string, string> = {};
      for (const [name, parts] of headers) renderedHeaders[name] = parts.join(nonce);
      let html = '';
      for (const part of body) {
        html += part === STATE ? state : part === NONCE ? nonce : part;
      }
      return { status: sample.status, headers: renderedHeaders, body: html };
    },
  };
}

const STATE = Symbol('state');
const NONCE = Symbol('nonce');

/** `text` as literal parts with the marks' places in between. */
function splitAround(
  text: string,
  stateMark: string,
  nonceMark: string,
): Array<string | typeof STATE | typeof NONCE> {
  const parts: Array<string | typeof STATE | typeof NONCE> = [];
  text.split(stateMark).forEach((chunk, index) => {
    if (index > 0) parts.push(STATE);
    chunk.split(nonceMark).forEach((literal, inner) => {
      if (inner > 0) parts.push(NONCE);
      parts.push(literal);
    });
  });
  return parts;
}
