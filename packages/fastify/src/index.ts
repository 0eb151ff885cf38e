import { appleMusicAuth } from './plugin.js';

export type { AppleMusicDecorator } from './decorators.js';
export type { AppleMusicAuthPluginOptions } from './plugin-options.js';
export type { LoginGuard, RequireLoginOptions } from './require-login.js';
export { appleMusicAuth };
export default appleMusicAuth;
