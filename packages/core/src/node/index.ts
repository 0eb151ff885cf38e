export { type ParsedBody, readCallbackBody } from './callback-body.js';
export { readPrivateKey, readPrivateKeySync } from './read-private-key.js';
export {
  sendWebResponse,
  type ToWebRequestOptions,
  toNodeListener,
  toWebRequest,
} from './web-converters.js';
