import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { ProviderHost } from "../../testing/providerHost";

const run = promisify(execFile);
const REPO_ROOT = path.resolve(__dirname, "../..");

/**
 * The plugin as a user gets it from the published package: `npm pack` (the files package.json
 * publishes, the compiled dist/ as `npm ci` built it), unpacked into a project's node_modules, started
 * through `node_modules/.bin/pulumi-resource-acr-tokens` as the engine starts it from PATH. Without the
 * TypeScript source, the launcher runs dist/plugin/main.js.
 */
describe("acr-tokens plugin from the published package", function () {
  this.timeout(180_000);
  let dir: string;
  let host: ProviderHost | undefined;

  before(async () => {
    if (!existsSync(path.join(REPO_ROOT, "dist", "plugin", "main.js"))) {
      throw new Error("dist/plugin/main.js is missing: build the package first (npm run build; npm ci does it).");
    }
    dir = mkdtempSync(path.join(tmpdir(), "acr-tokens-published-"));
    const { stdout } = await run("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", dir], { cwd: REPO_ROOT });
    const tarball = path.join(dir, stdout.trim().split("\n").pop()!);
    const modules = path.join(dir, "project", "node_modules");
    const pkg = path.join(modules, "acr-tokens");
    mkdirSync(pkg, { recursive: true });
    await run("tar", ["-xzf", tarball, "-C", pkg, "--strip-components=1"]);
    // The package's dependencies, as npm would install them beside it.
    for (const entry of readdirSync(path.join(REPO_ROOT, "node_modules"))) {
      if (entry !== ".bin" && entry !== "acr-tokens") symlinkSync(path.join(REPO_ROOT, "node_modules", entry), path.join(modules, entry));
    }
    mkdirSync(path.join(modules, ".bin"));
    symlinkSync("../acr-tokens/bin/pulumi-resource-acr-tokens", path.join(modules, ".bin", "pulumi-resource-acr-tokens"));
  });

  after(async () => {
    await host?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("ships the launcher, the compiled plugin and the schema, and no TypeScript source of the plugin", () => {
    const pkg = path.join(dir, "project", "node_modules", "acr-tokens");
    for (const file of ["bin/pulumi-resource-acr-tokens", "dist/plugin/main.js", "schema/acr-tokens.schema.json"]) {
      assert.ok(existsSync(path.join(pkg, file)), `${file} is not in the published package`);
    }
    assert.equal(existsSync(path.join(pkg, "plugin", "main.ts")), false);
  });

  it("starts from node_modules/.bin and serves the package's schema", async () => {
    const project = path.join(dir, "project");
    host = await ProviderHost.start({
      plugin: { executable: path.join(project, "node_modules", ".bin", "pulumi-resource-acr-tokens") },
      projectDir: project,
      env: { PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env["PATH"]}` },
    });
    assert.deepEqual(await host.schema(), JSON.parse(readFileSync(path.join(REPO_ROOT, "schema", "acr-tokens.schema.json"), "utf8")));
    assert.equal(await host.pluginVersion(), (JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version: string }).version);
  });
});
