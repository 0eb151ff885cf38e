// Core's web-standard handler on Cloudflare Workers: core's main entry is
// bundled as wrangler would (the workerd and worker conditions, no Node.js
// built-ins available, nothing external), then workerd runs a login and a
// callback through handleLogin/handleCallback against the sandbox on loopback.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { runtimeBinary } from '../../../../scripts/runtime-binaries.mjs';
import { expectCompletedLogin, useFlowSandbox } from './flow-sandbox.js';
import type { LoginFlowConfig, LoginFlowReport } from './login-flow.js';

const run = promisify(execFile);
const here = fileURLToPath(new URL('.', import.meta.url));
const coreEntry = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
const flowConfig = useFlowSandbox();
const workDir = mkdtempSync(join(tmpdir(), 'apple-music-auth-workerd-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

/** Bundles core's main entry and the login flow into one Worker module; also lists its inputs. */
async function bundleWorker(): Promise<{ code: string; inputs: string[] }> {
  const result = await build({
    stdin: {
      contents: [
        `import * as core from ${JSON.stringify(coreEntry)};`,
        `import { runLoginFlow } from './login-flow.ts';`,
        'export default {',
        '  async test(_controller, env) {',
        "    console.log('report: ' + JSON.stringify(await runLoginFlow(core, env.CONFIG)));",
        '  },',
        '};',
      ].join('\n'),
      resolveDir: here,
      loader: 'ts',
      sourcefile: 'worker.ts',
    },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['browser', 'module', 'main'],
    target: 'es2022',
    metafile: true,
    logLevel: 'silent',
  });
  const [output] = result.outputFiles;
  if (output === undefined) throw new Error('esbuild wrote no bundle');
  return { code: output.text, inputs: Object.keys(result.metafile.inputs) };
}

/** workerd's config: the Worker with the flow's config bound, allowed to reach loopback. */
function workerdConfig(config: LoginFlowConfig): string {
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = (
      modules = [(name = "worker.js", esModule = embed "worker.js")],
      compatibilityDate = "2026-11-01",
      bindings = [(name = "CONFIG", json = ${JSON.stringify(JSON.stringify(config))})],
      globalOutbound = "loopback",
    )),
    (name = "loopback", network = (allow = ["local", "private", "public"])),
  ],
);
`;
}

describe('in workerd (Cloudflare Workers)', () => {
  it('bundles core without Node.js built-ins or undici', async () => {
    const { inputs } = await bundleWorker();
    expect(inputs).toContainEqual(
      expect.stringMatching(/core\/dist\/apple-api\/default-transport\.js$/),
    );
    expect(
      inputs.filter((input) => /^node:|\/undici\/|default-transport\.node/.test(input)),
    ).toEqual([]);
  });

  it('completes a login and a callback through handleLogin/handleCallback', {
    timeout: 120_000,
  }, async () => {
    writeFileSync(join(workDir, 'worker.js'), (await bundleWorker()).code);
    writeFileSync(join(workDir, 'config.capnp'), workerdConfig(flowConfig()));
    const { stdout, stderr } = await run(runtimeBinary('workerd'), ['test', 'config.capnp'], {
      cwd: workDir,
      timeout: 60_000,
    });
    const line = `${stdout}\n${stderr}`.split('\n').find((text) => text.includes('report: '));
    if (line === undefined) throw new Error(`workerd printed no report:\n${stdout}\n${stderr}`);
    expectCompletedLogin(JSON.parse(line.slice(line.indexOf('report: ') + 8)) as LoginFlowReport);
  });
});
