import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";

/**
 * A user's Pulumi project in a temp folder, installed from packed tarballs of this repository next to
 * the user's own packages, offline: `npm ci --offline` from the npm cache that this repository's
 * `npm ci` filled.
 *
 * Why a lockfile is written here: `npm ci` caches package tarballs but not the registry's package
 * documents, so `npm install --offline` cannot resolve version ranges (ENOTCACHED). The project's
 * package-lock.json is therefore taken from this repository's lockfile: every package the project's
 * dependencies reach (by Node's lookup, including peers), at the path and version npm chose there, plus
 * the tarballs. npm itself then checks the result: `npm ls --all` fails on any range or peer the tree
 * does not satisfy, i.e. on anything a real `npm install` would have nested or refused.
 */

export const REPO_ROOT = path.resolve(__dirname, "../..");
const run = promisify(execFile);

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [key: string]: unknown;
}
type Lock = { packages: Record<string, LockEntry> };

/** A packed tarball of one of this repository's packages. */
export interface Tarball {
  name: string;
  version: string;
  file: string;
  manifest: Record<string, unknown> & { dependencies?: Record<string, string>; peerDependencies?: Record<string, string> };
}

/** `npm pack` of the package in `dir` (runs its prepack/postpack hooks) into `into`. */
export async function pack(dir: string, into: string): Promise<Tarball> {
  const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", into], { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
  const [info] = JSON.parse(stdout) as Array<{ name: string; version: string; filename: string }>;
  const file = path.join(into, info!.filename);
  const { stdout: manifest } = await run("tar", ["-xzOf", file, "package/package.json"]);
  return { name: info!.name, version: info!.version, file, manifest: JSON.parse(manifest) as Tarball["manifest"] };
}

/** The files a tarball holds (paths relative to its package folder). */
export async function tarballFiles(file: string): Promise<string[]> {
  const { stdout } = await run("tar", ["-tzf", file], { maxBuffer: 16 * 1024 * 1024 });
  return stdout
    .split("\n")
    .filter((l) => l.startsWith("package/") && !l.endsWith("/"))
    .map((l) => l.slice("package/".length));
}

/** Where Node would find `name` when required from the package installed at `from` ("" = the project). */
function lookup(packages: Lock["packages"], from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = dir === "" ? `node_modules/${name}` : `${dir}/node_modules/${name}`;
    if (packages[candidate] && !packages[candidate]!.link) return candidate;
    if (dir === "") return undefined;
    const cut = dir.lastIndexOf("/node_modules/");
    dir = cut < 0 ? "" : dir.slice(0, cut);
  }
}

/**
 * The project's lockfile: `dependencies` and `devDependencies` from the registry (versions as this
 * repository locked them) and `tarballs` as `file:` dependencies.
 */
function projectLock(name: string, deps: Record<string, string>, devDeps: Record<string, string>, tarballs: Tarball[], projectDir: string): Lock & Record<string, unknown> {
  const repo = JSON.parse(readFileSync(path.join(REPO_ROOT, "package-lock.json"), "utf8")) as Lock;
  const source: Lock["packages"] = {};
  for (const [key, entry] of Object.entries(repo.packages)) if (key.startsWith("node_modules/")) source[key] = entry;
  for (const t of tarballs) {
    source[`node_modules/${t.name}`] = {
      version: t.version,
      resolved: `file:${path.relative(projectDir, t.file)}`,
      integrity: `sha512-${createHash("sha512").update(readFileSync(t.file)).digest("base64")}`,
      ...(t.manifest.dependencies ? { dependencies: t.manifest.dependencies } : {}),
      ...(t.manifest.peerDependencies ? { peerDependencies: t.manifest.peerDependencies } : {}),
      ...(t.manifest["bin"] ? { bin: t.manifest["bin"] } : {}),
      ...(t.manifest["engines"] ? { engines: t.manifest["engines"] } : {}),
      ...(t.manifest["license"] ? { license: t.manifest["license"] } : {}),
    };
  }
  const packages: Lock["packages"] = {};
  const queue: Array<[string, string, boolean]> = Object.keys({ ...deps, ...devDeps }).map((n) => ["", n, false]);
  while (queue.length > 0) {
    const [from, dep, optional] = queue.shift()!;
    const at = lookup(source, from, dep);
    if (at === undefined) {
      if (optional) continue;
      throw new Error(`${dep} (needed by ${from || "the project"}) is not in this repository's package-lock.json, so it is not in the npm cache.`);
    }
    if (packages[at]) continue;
    const { dev: _d, peer: _p, optional: _o, devOptional: _do, ...entry } = source[at]!;
    packages[at] = entry;
    for (const d of Object.keys(entry.dependencies ?? {})) queue.push([at, d, false]);
    for (const d of Object.keys(entry.optionalDependencies ?? {})) queue.push([at, d, true]);
    for (const d of Object.keys(entry.peerDependencies ?? {})) queue.push([at, d, entry.peerDependenciesMeta?.[d]?.optional === true]);
  }
  const sorted = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a < b ? -1 : 1)));
  return {
    name,
    version: "1.0.0",
    lockfileVersion: 3,
    requires: true,
    packages: { "": { name, version: "1.0.0", dependencies: deps, devDependencies: devDeps }, ...sorted },
  };
}

/** What `npm ci` printed, and the project folder. */
export interface InstalledProject {
  dir: string;
  npmOutput: string;
}

/**
 * Writes `package.json` (+ the lockfile, see above) and `files` into `dir`, then `npm ci --offline`.
 */
export async function installProject(
  dir: string,
  spec: {
    dependencies: Record<string, string>;
    devDependencies?: Record<string, string>;
    tarballs?: Tarball[];
    files?: Record<string, string>;
    /** Other package.json fields (e.g. npm's `allowScripts`). */
    manifest?: Record<string, unknown>;
  },
): Promise<InstalledProject> {
  mkdirSync(dir, { recursive: true });
  const tarballs = spec.tarballs ?? [];
  const deps = { ...spec.dependencies };
  const devDeps = { ...spec.devDependencies };
  for (const t of tarballs) {
    const target = t.name in devDeps ? devDeps : deps;
    target[t.name] = `file:${path.relative(dir, t.file)}`;
  }
  const name = path.basename(dir);
  writeFileSync(path.join(dir, "package.json"), `${JSON.stringify({ name, version: "1.0.0", private: true, main: "index.ts", dependencies: deps, devDependencies: devDeps, ...spec.manifest }, null, 2)}\n`);
  writeFileSync(path.join(dir, "package-lock.json"), `${JSON.stringify(projectLock(name, deps, devDeps, tarballs, dir), null, 2)}\n`);
  for (const [file, text] of Object.entries(spec.files ?? {})) writeFileSync(path.join(dir, file), text);
  const { stdout, stderr } = await run("npm", ["ci", "--offline", "--no-audit", "--no-fund"], { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
  return { dir, npmOutput: `${stdout}${stderr}` };
}

/** Bytes on disk and number of packages under `dir/node_modules`. */
export function installedSize(dir: string): { bytes: number; packages: number } {
  let bytes = 0;
  let packages = 0;
  const walk = (d: string, inModules: boolean): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isSymbolicLink()) continue;
      if (entry.isDirectory()) {
        if (inModules && !entry.name.startsWith("@") && !entry.name.startsWith(".")) packages++;
        walk(full, entry.name === "node_modules" || (inModules && entry.name.startsWith("@")));
      } else bytes += statSync(full).size;
    }
  };
  walk(path.join(dir, "node_modules"), true);
  return { bytes, packages };
}
