/**
 * Loads `acr-tokens/provider` for the serialized shims, when a provider method runs in the
 * dynamic-provider host. Kept tiny and dependency-free: the closure serializer copies it into every
 * `__provider` text.
 *
 * Why not a bare `require`: the host evaluates `__provider` as a module without a file name, so a
 * bare `require` resolves only through `node_modules` folders from the working directory (the Pulumi
 * project). Resolving from a file name inside that directory also lets Node's package self-reference
 * apply, so a program in this very package (the repo's own quickstart) finds it too. `NODE_PATH` and
 * the `exports` conditions apply as usual.
 */
export function loadProviderModule(): typeof import("./index") {
  const { createRequire } = require("node:module") as typeof import("node:module");
  const { join } = require("node:path") as typeof import("node:path");
  return createRequire(join(process.cwd(), "acr-tokens-provider-loader.js"))("acr-tokens/provider") as typeof import("./index");
}
