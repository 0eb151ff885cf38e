import { appleMusicAuth } from './plugin.js';

export type { LoginStorage } from '@apple-music-auth/core';
export type { AppleMusicDecorator, LoginGuard } from './decorators.js';
export type { AppleMusicAuthPluginOptions } from './plugin.js';
export { appleMusicAuth };
export default appleMusicAuth;
