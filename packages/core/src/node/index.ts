export { readPrivateKey } from './read-private-key.js';
export {
  sendWebResponse,
  type ToWebRequestOptions,
  toNodeListener,
  toWebRequest,
} from './web-converters.js';
