import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AZ_INSTALL_COMMAND, findAz, redactSecrets } from "../../../testing/azCli";
import { REPO_ROOT } from "../../../testing/recordings";
import { requireRegistryTools, writeOciLayout } from "../../../testing/registryClients";

/**
 * emulator/README.md's skopeo recipe (section "Registry data plane"), run as written with the real `az`,
 * `skopeo` and `docker-registry`: the Azure CLI recipe's first block with `--data-plane` added to its
 * emulator line, then the data-plane block, then the stop block, in an empty folder holding an OCI
 * layout at ./image. As in readmeAzRecipe.test.ts, `npx acr-tokens-emulator` runs this checkout's source.
 */

function blocks(readme: string, heading: string): string[] {
  const start = readme.indexOf(heading);
  if (start < 0) throw new Error(`emulator/README.md has no "${heading}" section.`);
  const end = readme.indexOf("\n## ", start + heading.length);
  return [...readme.slice(start, end < 0 ? undefined : end).matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

describe("emulator README: the skopeo recipe of the registry data plane, as written", function () {
  this.timeout(120_000);
  if (!requireRegistryTools("the README skopeo recipe test")) return;
  if (!findAz()) {
    if (process.env.CI === "true") {
      it("has the Azure CLI installed (required under CI=true)", () => assert.fail(`The Azure CLI ("az") is not on PATH; the README skopeo recipe needs it under CI. Install it with: ${AZ_INSTALL_COMMAND}`));
    } else {
      console.warn(`\n!!! SKIPPED: the README skopeo recipe — the Azure CLI ("az") is not on PATH.\n!!! Install it with: ${AZ_INSTALL_COMMAND}   (under CI=true this test fails instead)\n`);
    }
    return;
  }

  it("pushes with a _repositories_push token's password and pulls the image back", async () => {
    const readme = readFileSync(join(REPO_ROOT, "emulator", "README.md"), "utf8");
    const [start, stop] = blocks(readme, "## Azure CLI against the emulator");
    const [dataPlane] = blocks(readme, "## Registry data plane");
    assert.ok(start && stop && dataPlane, "the README lost a recipe block");
    assert.match(start, /npx acr-tokens-emulator .*\n/);
    const fromSource = `TS_NODE_PROJECT=${join(REPO_ROOT, "tsconfig.json")} TS_NODE_TRANSPILE_ONLY=true node -r ${join(REPO_ROOT, "node_modules", "ts-node", "register")} --conditions=acr-tokens-source ${join(REPO_ROOT, "emulator", "cli.ts")}`;
    // The one edit the README asks for: --data-plane on the emulator's line.
    const startWithDataPlane = start.replace(/npx acr-tokens-emulator /, `${fromSource} --data-plane `);
    const script = `set -euo pipefail\n${startWithDataPlane}\n${dataPlane}\n${stop}\nwait\n`;
    const dir = mkdtempSync(join(tmpdir(), "acr-tokens-readme-dp-"));
    try {
      const pushed = writeOciLayout(join(dir, "image"), "v1", "from the README recipe\n");
      const env = { PATH: process.env.PATH, HOME: dir, LANG: "C.UTF-8", NO_PROXY: "127.0.0.1,localhost" };
      const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile("bash", ["-c", script], { cwd: dir, env, timeout: 110_000, maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
          resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr });
        });
      });
      assert.equal(result.code, 0, `the recipe failed: ${redactSecrets(result.stderr).trim().slice(-2000)}`);
      assert.match(result.stdout, /Login Succeeded!/);
      // The pulled layout holds the very manifest pushed.
      const index = JSON.parse(readFileSync(join(dir, "pulled", "index.json"), "utf8")) as { manifests: Array<{ digest: string }> };
      assert.deepEqual(index.manifests.map((m) => m.digest), [pushed]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
