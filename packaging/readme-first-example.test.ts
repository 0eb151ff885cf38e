// The first examples' Markdown, checked in seconds (the Chromium run of
// each is readme-first-examples.browser.test.ts): each is marked once, its
// shell block makes an ES-module project and installs every package the
// code imports, and every error table leads to the 401-vs-403 section.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from './packed-packages.js';
import { PACKAGES_WITH_FIRST_EXAMPLE, readFirstExample } from './readme-first-example.js';

describe.each(PACKAGES_WITH_FIRST_EXAMPLE)("packages/%s/README.md's first example", (name) => {
  const example = readFirstExample(name);

  it('is set up by npm init -y, the line that makes it ESM, and one npm install', () => {
    expect(example.setup.slice(0, 2)).toEqual([
      ['npm', 'init', '-y'],
      ['npm', 'pkg', 'set', 'type=module'],
    ]);
    expect(example.setup.slice(2).map((command) => command.slice(0, 2))).toEqual([
      ['npm', 'install'],
    ]);
  });

  it('installs every package it imports, its own included', () => {
    const installed = example.setup[2]?.slice(2) ?? [];
    expect(example.imports).toContain(`@apple-music-auth/${name}`);
    for (const imported of example.imports) expect(installed, imported).toContain(imported);
  });

  it('reads the ids and the key path from the lines `apple-music-auth sandbox` prints', () => {
    for (const variable of ['APPLE_TEAM_ID', 'APPLE_KEY_ID', 'APPLE_PRIVATE_KEY_PATH']) {
      expect(example.code).toContain(variable);
    }
    expect(example.code).toMatch(
      /callbackURL: process\.env\.CALLBACK_URL \?\? `http:\/\/localhost:\$\{port\}\/auth\/apple-music\/callback`/,
    );
  });
});

describe('the README sections a production user needs', () => {
  const core = readFileSync(join(root, 'packages/core/README.md'), 'utf8');

  it.each(['Behind a proxy', 'Storing the Music User Token', 'Background jobs', '401 or 403'])(
    'core has the section "%s"',
    (title) => {
      expect(core).toMatch(new RegExp(`^## ${title}$`, 'm'));
    },
  );

  it.each(['core', 'fastify', 'koa', 'passport', 'cli'])(
    "%s's README links its errors to core's 401-vs-403 section",
    (name) => {
      const readme = readFileSync(join(root, 'packages', name, 'README.md'), 'utf8');
      const link = name === 'core' ? '(#401-or-403)' : '(../core/README.md#401-or-403)';
      expect(readme).toContain(link);
    },
  );
});
