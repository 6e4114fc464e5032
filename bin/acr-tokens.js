#!/usr/bin/env node
// The `acr-tokens` command (see `acr-tokens --help`). The code is TypeScript in cli/, compiled to
// dist/ by `npm run build` (which `npm ci` runs through the `prepare` script).
"use strict";
require("../dist/cli/index.js").run();
