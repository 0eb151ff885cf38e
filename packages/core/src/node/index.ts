export { readPrivateKey } from './read-private-key.js';
