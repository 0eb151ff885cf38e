// The Bun and Deno entry of the runtime tests: runs the login flow with
// core's built main entry and writes its report as one JSON line. The
// config comes as JSON in LOGIN_FLOW_CONFIG.
import type * as Core from '../../src/index.js';
import { type LoginFlowConfig, runLoginFlow } from './login-flow.ts';

const config = JSON.parse(process.env.LOGIN_FLOW_CONFIG ?? '') as LoginFlowConfig;
const core = (await import(new URL('../../dist/index.js', import.meta.url).href)) as typeof Core;
process.stdout.write(`${JSON.stringify(await runLoginFlow(core, config))}\n`);
