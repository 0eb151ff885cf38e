#!/usr/bin/env node
process.stdout.write('apple-music-auth: not yet\n');
