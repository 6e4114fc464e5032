import * as assert from "node:assert/strict";
import { defaultObjectId } from "../../../emulator/auth";
import { useEmulator } from "../../../testing/emulator";
import { AZ_INSTALL_COMMAND, AzCli, findAz, redactSecrets } from "../../../testing/azCli";

const CLIENT_ID = "4e2b8c1a-7d3f-4a9b-8e6c-2f1d0a9b8c7d";
const SECRET = "adfs-login-secret-value-4711";
const RESOURCE_GROUP = "rg-adfs-login";

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
  let cli: AzCli;
  const az = (args: string[]) => cli.run(args);

  before(async () => {
    const azPath = findAz();
    if (!azPath) throw new Error(`The Azure CLI is not installed; install it with '${AZ_INSTALL_COMMAND}' (.ci/run does).`);
    cli = await AzCli.create(azPath, emulator(), "adfs");
  });
  after(() => cli?.dispose());

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
    assert.equal(login.code, 0, redactSecrets(login.stderr));
    const [account] = JSON.parse(login.stdout) as Array<{ id: string; user: { name: string; type: string } }>;
    assert.equal(account?.id, emu.subscriptionId);
    assert.deepEqual(account?.user, { name: CLIENT_ID, type: "servicePrincipal" });
    assert.equal(emu.identity.stats?.adfs, adfsBefore + 1, "one token from /adfs/oauth2/token");

    const groups = await az(["group", "list"]);
    assert.equal(groups.code, 0, redactSecrets(groups.stderr));
    assert.ok((JSON.parse(groups.stdout) as Array<{ name: string }>).some((g) => g.name === RESOURCE_GROUP));
    const armCalls = emu.requests.filter((r) => r.kind === "arm" && /\/resourcegroups$/i.test(r.path));
    assert.equal(armCalls.at(-1)?.status, 200);
    assert.equal(armCalls.at(-1)?.principal, defaultObjectId(CLIENT_ID), "ARM saw the service principal");
    assert.equal(emu.identity.stats?.adfs, adfsBefore + 1, "the token was reused from az's cache");
  });
});
