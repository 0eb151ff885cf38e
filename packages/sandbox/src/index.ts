export { type ServedHandlers, type ServeHandlersOptions, serveHandlers } from './serve.js';
