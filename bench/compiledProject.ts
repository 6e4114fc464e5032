import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { BUILD_DIR, REPO_ROOT } from "./imports";

/**
 * A Pulumi project directory as a user has it, for the provider host to run compiled JavaScript in
 * (bench/results/project, gitignored): `node_modules/acr-tokens` links to the package compiled by
 * `buildPackage()` (bench/results/build), which gets the package's `package.json` with its
 * `exports` reduced to their `default` (compiled) targets, rewritten from `dist/` to the build. The
 * host then resolves `acr-tokens/provider` as in a user's project: plain `node`, no ts-node, no
 * source condition. Dependencies resolve from the repo's node_modules (the build lies under it).
 */
export const PROJECT_DIR = path.join(REPO_ROOT, "bench", "results", "project");

/** Writes the build's package.json and the project's link to it; returns the project directory. */
export function compiledProject(): string {
  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { name: string; version: string; exports: Record<string, unknown> };
  const exportsOf: Record<string, string> = {};
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    const file = typeof target === "string" ? target : (target as { default?: string }).default;
    if (typeof file !== "string") continue;
    exportsOf[subpath] = file.replace(/^\.\/dist\//, "./");
  }
  writeFileSync(path.join(BUILD_DIR, "package.json"), JSON.stringify({ name: pkg.name, version: pkg.version, exports: exportsOf }, null, 2));
  readFileSync(path.join(BUILD_DIR, exportsOf["./provider"] ?? "missing-provider-export")); // throws if the build has no provider
  // The project's own package.json: without it, the repo's (name "acr-tokens") would be the nearest,
  // and Node's package self-reference would resolve `acr-tokens/provider` to the repo's dist/.
  mkdirSync(PROJECT_DIR, { recursive: true });
  writeFileSync(path.join(PROJECT_DIR, "package.json"), JSON.stringify({ name: "acr-tokens-bench-project", private: true }, null, 2));
  const link = path.join(PROJECT_DIR, "node_modules", pkg.name);
  mkdirSync(path.dirname(link), { recursive: true });
  rmSync(link, { force: true, recursive: true });
  symlinkSync(BUILD_DIR, link, "dir");
  return PROJECT_DIR;
}
