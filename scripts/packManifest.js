#!/usr/bin/env node
// `npm pack` / `npm publish` hooks (prepack/postpack) for the packages of this repository.
//
// `strip` (prepack): keeps the original package.json in package.json.orig and writes the manifest a
// user installs: without the `acr-tokens-source` export condition (it points at TypeScript sources that
// are not shipped; this repository's tests, scripts and Pulumi.yaml use it to run from source) and
// without the scripts (`prepare` would make npm warn on install; the others need the repository).
// It also copies the repository's LICENSE into a workspace package, and refuses to pack without dist/.
// `restore` (postpack) puts the original package.json back and removes the copied LICENSE.
// npm has no per-publish manifest override (publishConfig cannot change `exports`), hence this file.
"use strict";
const { copyFileSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");

const SOURCE_CONDITION = "acr-tokens-source";
const dir = process.cwd();
const manifestPath = join(dir, "package.json");
const backupPath = join(dir, "package.json.orig");
const rootLicense = join(__dirname, "..", "LICENSE");
const license = join(dir, "LICENSE");

/** The published manifest: `exports` without the source condition, no scripts. */
function publishedManifest(manifest) {
  const out = { ...manifest };
  delete out.scripts;
  delete out.devDependencies;
  delete out.workspaces;
  delete out.allowScripts;
  out.exports = Object.fromEntries(
    Object.entries(manifest.exports).map(([entry, target]) => [
      entry,
      typeof target === "string" ? target : Object.fromEntries(Object.entries(target).filter(([condition]) => condition !== SOURCE_CONDITION)),
    ]),
  );
  return out;
}

function strip() {
  if (existsSync(backupPath)) {
    throw new Error(`${backupPath} exists: an earlier pack did not finish. Check that package.json is the original, then delete package.json.orig.`);
  }
  const text = readFileSync(manifestPath, "utf8");
  const manifest = JSON.parse(text);
  if (!existsSync(join(dir, manifest.main))) {
    throw new Error(`${manifest.name}: ${manifest.main} is missing. Run \`npm run build\` (at the repository root) before packing.`);
  }
  writeFileSync(backupPath, text);
  writeFileSync(manifestPath, `${JSON.stringify(publishedManifest(manifest), null, 2)}\n`);
  if (license !== rootLicense) copyFileSync(rootLicense, license);
}

function restore() {
  if (existsSync(backupPath)) renameSync(backupPath, manifestPath);
  if (license !== rootLicense) rmSync(license, { force: true });
}

module.exports = { publishedManifest };

if (require.main === module) {
  const mode = process.argv[2];
  if (mode === "strip") strip();
  else if (mode === "restore") restore();
  else {
    process.stderr.write("usage: node scripts/packManifest.js strip|restore\n");
    process.exit(2);
  }
}
