// passport-apple-music 1.0.1, as its README configures it, with the page
// template its login route renders supplied here. Its login route reads
// `dist/index.html` beside its own code (`fs.readFileSync(__dirname +
// "/index.html")`), a file the published package does not contain, so every
// login crashes with ENOENT. Its files stay untouched: fs.readFileSync answers
// that one path with the template below and passes every other read through
// (its key file included, which it reads again on every login).
import fs, { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Strategy as LegacyStrategy } from 'passport-apple-music';
import { BENCH_KEY_ID, BENCH_TEAM_ID, benchPrivateKey } from '../bench-options.mjs';

/**
 * The page its code fills in (`$TOKEN`, `$REDIRECT_URI`, `$STATE`,
 * `$APP_NAME`, `$APP_ICON`, `$SHOW_DIALOG`, each replaced once): MusicKit JS
 * configured with the developer token, then a redirect to the callback with
 * the Music User Token as `code` and the developer token as `id_token_hint`,
 * both in the URL, as its README describes.
 */
const LEGACY_TEMPLATE = `<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>Apple Music login</title>
<script src="https://js-cdn.music.apple.com/musickit/v1/musickit.js"></script>
</head>
<body>
<script>
var developerToken = '$TOKEN';
document.addEventListener('musickitloaded', function () {
  MusicKit.configure({ developerToken: developerToken, app: { name: '$APP_NAME', icon: '$APP_ICON' } });
  var showDialog = $SHOW_DIALOG;
  var music = MusicKit.getInstance();
  if (showDialog) music.unauthorize();
  music.authorize().then(function (musicUserToken) {
    var url = new URL('$REDIRECT_URI', window.location.href);
    url.searchParams.set('code', musicUserToken);
    url.searchParams.set('state', '$STATE');
    url.searchParams.set('id_token_hint', developerToken);
    window.location.href = url.toString();
  });
});
</script>
</body>
</html>
`;

function supplyTemplate() {
  const moduleFile = createRequire(import.meta.url).resolve('passport-apple-music');
  const templateFile = join(dirname(moduleFile), 'index.html');
  const readFileSync = fs.readFileSync;
  fs.readFileSync = function readWithTemplate(file, options) {
    if (file === templateFile) return LEGACY_TEMPLATE;
    return readFileSync.call(this, file, options);
  };
}

/** Creates the legacy strategy, its key in a file as it expects, its template supplied. */
export function createLegacyStrategy() {
  supplyTemplate();
  const keyFile = join(mkdtempSync(join(tmpdir(), 'bench-legacy-')), `AuthKey_${BENCH_KEY_ID}.p8`);
  writeFileSync(keyFile, benchPrivateKey());
  return new LegacyStrategy(
    {
      teamID: BENCH_TEAM_ID,
      keyID: BENCH_KEY_ID,
      privateKeyLocation: keyFile,
      callbackURL: 'http://127.0.0.1/legacy/auth/apple-music/callback',
      appName: 'Bench App',
    },
    (token, _refresh, _profile, done) => done(null, { token }),
  );
}
