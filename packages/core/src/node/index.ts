export { type ParsedBody, readCallbackBody } from './callback-body.js';
export { flowRequestFrom, isTLSRequest } from './flow-request.js';
export { readPrivateKey, readPrivateKeySync } from './read-private-key.js';
export { sendStepReply } from './step-reply.js';
export {
  sendWebResponse,
  type ToWebRequestOptions,
  toNodeListener,
  toWebRequest,
} from './web-converters.js';
