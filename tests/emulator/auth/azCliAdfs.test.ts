import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultObjectId } from "../../../emulator/auth";
import { useEmulator } from "../../helpers/emulator";
import { AZ_INSTALL_COMMAND, findAz } from "../../helpers/azCli";

const CLIENT_ID = "4e2b8c1a-7d3f-4a9b-8e6c-2f1d0a9b8c7d";
const SECRET = "adfs-login-secret-value-4711";
const RESOURCE_GROUP = "rg-adfs-login";

interface AzRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The Azure CLI 2.45 logging in as a service principal. Its MSAL (1.21) performs instance discovery
 * at login.microsoftonline.com for any authority it does not know, except one ending in `/adfs`: so
 * the emulator's ADFS form (`/adfs/.well-known/openid-configuration`, `/adfs/oauth2/token`) is the
 * only way `az login --service-principal` works offline (../shared/research/az-cli-peer.md §3).
 */
describe("emulator identity: az login --service-principal through the ADFS authority", function () {
  // Each az process takes about a second (Python start-up and command loading) on 2 cores.
  this.timeout(120_000);
  const emulator = useEmulator({
    seed: { resourceGroups: [{ name: RESOURCE_GROUP }], principals: [{ clientId: CLIENT_ID, clientSecret: SECRET }] },
  });
  let configDir: string;
  let az: (args: string[]) => Promise<AzRun>;

  before(() => {
    const azPath = findAz();
    if (!azPath) throw new Error(`The Azure CLI is not installed; install it with '${AZ_INSTALL_COMMAND}' (.ci/run does).`);
    const emu = emulator();
    configDir = mkdtempSync(join(tmpdir(), "acr-tokens-az-adfs-"));
    writeFileSync(join(configDir, "config"), "[cloud]\nname = AcrTokensAdfs\n\n[core]\ncollect_telemetry = no\noutput = json\n");
    writeFileSync(
      join(configDir, "clouds.config"),
      [
        "[AcrTokensAdfs]",
        `endpoint_resource_manager = ${emu.armEndpoint}/`,
        `endpoint_active_directory = ${emu.authorityHost}/adfs`,
        "endpoint_active_directory_resource_id = https://management.core.windows.net/",
        "suffix_acr_login_server_endpoint = .azurecr.io",
        "",
      ].join("\n"),
    );
    const env = {
      PATH: process.env.PATH,
      HOME: configDir,
      LANG: "C.UTF-8",
      AZURE_CONFIG_DIR: configDir,
      REQUESTS_CA_BUNDLE: emu.caCertPath,
      AZURE_CORE_COLLECT_TELEMETRY: "no",
      AZURE_CORE_ONLY_SHOW_ERRORS: "true",
      AZURE_CORE_NO_COLOR: "true",
      NO_PROXY: "127.0.0.1,localhost",
    };
    az = (args) =>
      new Promise((resolve) => {
        execFile(azPath, args, { env, timeout: 60_000, encoding: "utf8" }, (error, stdout, stderr) => {
          resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr });
        });
      });
  });
  after(() => rmSync(configDir, { recursive: true, force: true }));

  it("refuses a wrong secret with AADSTS7000215 and never prints the secret", async () => {
    const wrong = "wrong-secret-value-0815";
    const run = await az(["login", "--service-principal", "-u", CLIENT_ID, "-p", wrong, "--tenant", "adfs"]);
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /AADSTS7000215/);
    assert.ok(!`${run.stdout}${run.stderr}`.includes(wrong), "az printed the secret");
  });

  it("logs in with a client secret, then calls ARM with the emulator-issued token", async () => {
    const emu = emulator();
    const adfsBefore = emu.identity.stats?.adfs ?? 0;
    const login = await az(["login", "--service-principal", "-u", CLIENT_ID, "-p", SECRET, "--tenant", "adfs"]);
    assert.equal(login.code, 0, login.stderr);
    const [account] = JSON.parse(login.stdout) as Array<{ id: string; user: { name: string; type: string } }>;
    assert.equal(account?.id, emu.subscriptionId);
    assert.deepEqual(account?.user, { name: CLIENT_ID, type: "servicePrincipal" });
    assert.equal(emu.identity.stats?.adfs, adfsBefore + 1, "one token from /adfs/oauth2/token");

    const groups = await az(["group", "list"]);
    assert.equal(groups.code, 0, groups.stderr);
    assert.ok((JSON.parse(groups.stdout) as Array<{ name: string }>).some((g) => g.name === RESOURCE_GROUP));
    const armCalls = emu.requests.filter((r) => r.kind === "arm" && /\/resourcegroups$/i.test(r.path));
    assert.equal(armCalls.at(-1)?.status, 200);
    assert.equal(armCalls.at(-1)?.principal, defaultObjectId(CLIENT_ID), "ARM saw the service principal");
    assert.equal(emu.identity.stats?.adfs, adfsBefore + 1, "the token was reused from az's cache");
  });
});
