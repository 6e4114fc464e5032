#!/usr/bin/env node
// The `acr-tokens-emulator` command: runs the compiled CLI (dist/ is built by `npm run build`,
// which `npm ci`/`npm install` run through the `prepare` script).
"use strict";
require("../dist/emulator/cli.js")
  .main(process.argv.slice(2))
  .then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`acr-tokens-emulator: ${e && e.message ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
