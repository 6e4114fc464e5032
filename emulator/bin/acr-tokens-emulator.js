#!/usr/bin/env node
// The `acr-tokens-emulator` command: runs the compiled CLI in ../dist (built by `npm run build`; in this
// repository `npm ci` builds it through the root package's `prepare` script).
"use strict";
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) {
  process.stdout.write(`${require("../package.json").version}\n`);
  process.exit(0);
}
require("../dist/cli.js")
  .main(argv)
  .then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`acr-tokens-emulator: ${e && e.message ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
