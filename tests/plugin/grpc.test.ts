import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { FakeEngine, type Registration } from "../../testing/fakeEngine";
import { isSecret, ProviderHost, reveal, secret, type Props } from "../../testing/providerHost";
import { armOperationsSince, passwordNames, REGISTRY, RG, startTestBed, type ProviderTestBed } from "../provider/setup";

/** The launcher the engine runs (`pulumi-resource-acr-tokens <engine address>`). */
const PLUGIN = path.resolve(__dirname, "../../bin/pulumi-resource-acr-tokens");
const SCHEMA_FILE = path.resolve(__dirname, "../../schema/acr-tokens.schema.json");
const PASSWORD = "acr-tokens:index:TokenPassword";
const SETTINGS = "acr-tokens:index:TokenSettings";

/**
 * The plugin's gRPC surface, driven as the Pulumi engine drives it (no CLI): GetPluginInfo and
 * GetSchema; Configure with an explicit provider's secret settings; Check/Create/Read/Diff/Update/
 * Delete and import of a TokenPassword against the emulator; Construct of a RegistryToken whose
 * children are registered with a fake engine. The plugin runs from this checkout through its launcher.
 */
describe("acr-tokens provider plugin over gRPC (as the engine drives it)", function () {
  // Starting the plugin under ts-node takes seconds on 2 cores; each call is then fast.
  this.timeout(120_000);

  let bed: ProviderTestBed;
  let engine: FakeEngine;
  let host: ProviderHost;
  let accessToken: string;
  const seenPasswords: string[] = [];

  before(async () => {
    bed = await startTestBed();
    engine = await FakeEngine.start({
      // What azure-native would answer: ARM ids and names (the stand-in is not needed for Construct).
      outputs: (reg: Registration) =>
        reg.type === "azure-native:containerregistry:Token"
          ? { id: bed.tokenId(String(reg.inputs["tokenName"])), outputs: { ...reg.inputs, name: reg.inputs["tokenName"] } }
          : reg.type === "azure-native:containerregistry:ScopeMap"
            ? { id: bed.scopeMapId(String(reg.inputs["scopeMapName"])), outputs: { ...reg.inputs, name: reg.inputs["scopeMapName"] } }
            : { outputs: reg.inputs },
      invoke: () => ({ id: bed.registryId, loginServer: `${REGISTRY}.azurecr.io` }),
    });
    // No ARM endpoint in the environment: it comes from the provider's settings (Configure).
    const env = bed.hostEnv({ ACR_TOKENS_ARM_ENDPOINT: undefined, PATH: `${path.dirname(process.execPath)}:${process.env["PATH"]}` });
    host = await ProviderHost.start({ plugin: { executable: PLUGIN, engineAddress: engine.address }, env });
    accessToken = bed.emu.issueToken();
    // As the engine configures an explicit `new acrtokens.Provider("byo", { accessToken, armEndpoint })`: the
    // provider's inputs by name, the access token secret (the Provider class and the schema mark it).
    await host.configure({ accessToken: secret(accessToken), armEndpoint: bed.emu.armEndpoint });
  });

  after(async () => {
    await host?.close();
    await engine?.close();
    await bed?.close();
  });

  it("answers GetPluginInfo with the package version and GetSchema with the generated schema file", async () => {
    const pkg = JSON.parse(readFileSync(path.resolve(__dirname, "../../package.json"), "utf8")) as { version: string };
    assert.equal(await host.pluginVersion(), pkg.version);
    assert.deepEqual(await host.schema(), JSON.parse(readFileSync(SCHEMA_FILE, "utf8")));
  });

  it("Check refuses a bad slot with the provider core's message, before any ARM call", async () => {
    const mark = bed.emu.requests.length;
    const checked = await host.check(PASSWORD, "bad", {}, { tokenId: bed.tokenId("whatever"), slot: "password3" });
    assert.deepEqual(
      checked.failures.map((f) => f.property),
      ["slot"],
    );
    assert.match(checked.failures[0]!.reason, /TokenPassword: slot is a 9-character value; use "password1" or "password2"\./);
    assert.deepEqual(armOperationsSince(bed.emu, mark), []);
  });

  describe("a TokenPassword's life cycle", () => {
    let tokenId: string;
    let id: string;
    let inputs: Props;
    let outs: Props;

    before(async () => {
      tokenId = await bed.createToken("plugin-pull");
    });

    it("Create generates the slot with one generateCredentials: a secret password that logs in, id <token>/passwords/<slot>", async () => {
      const checked = await host.check(PASSWORD, "pw1", {}, { tokenId, slot: "password1", expiresInDays: 30 });
      assert.deepEqual(checked.failures, []);
      inputs = checked.inputs;
      const mark = bed.emu.requests.length;
      ({ id, outs } = await host.create(PASSWORD, "pw1", inputs));
      assert.equal(id, `${tokenId}/passwords/password1`);
      assert.ok(isSecret(outs["password"]), "password must come back as a secret");
      const value = reveal<string>(outs["password"]);
      seenPasswords.push(value);
      assert.equal(bed.emu.checkPassword(tokenId, value).ok, true, "the generated password does not log in");
      assert.equal(outs["username"], "plugin-pull");
      assert.equal(outs["loginServer"], `${REGISTRY}.azurecr.io`);
      assert.ok(armOperationsSince(bed.emu, mark).some((op) => /generateCredentials/i.test(op)));
    });

    it("Read (refresh) after an out-of-band regeneration reports drift, and Diff plans a replacement", async () => {
      bed.emu.clock.advance({ minutes: 3 });
      await bed.sdk.registries.generateCredentials(RG, REGISTRY, { tokenId, name: "password1" }, { updateIntervalInMs: 0 });
      const read = await host.read(PASSWORD, "pw1", id, outs, inputs);
      assert.deepEqual(read.outs["driftCodes"], ["slotRegenerated"]);
      assert.match(String(read.outs["drift"]), /^password1 was regenerated out of band at /);
      assert.ok(isSecret(read.outs["password"]), "the stored password stays secret after a refresh");
      const diff = await host.diff(PASSWORD, "pw1", id, read.outs, inputs);
      assert.deepEqual(diff.replaces, ["drift"]);
      outs = read.outs;
    });

    it("Update of the credential selector keeps the password and makes no ARM call", async () => {
      const mark = bed.emu.requests.length;
      const updated = await host.update(PASSWORD, "pw1", id, outs, { ...inputs, credential: "accessToken" });
      assert.equal(updated.outs["credential"], "accessToken");
      assert.ok(reveal(updated.outs["password"]) === reveal(outs["password"]), "the password changed (not printed)");
      assert.deepEqual(armOperationsSince(bed.emu, mark), []);
    });

    it("Read with the id alone (pulumi import) adopts the slot's metadata; the password cannot be read back", async () => {
      const imported = await host.read(PASSWORD, "adopted", id, {});
      assert.equal(imported.id, id);
      assert.equal(imported.outs["tokenId"], tokenId);
      assert.equal(imported.outs["slot"], "password1");
      assert.equal(imported.outs["username"], "plugin-pull");
      assert.equal(typeof imported.outs["creationTime"], "string");
      assert.equal(imported.outs["password"], null);
      // The out-of-band password has no expiry, so neither has the imported resource.
      assert.equal(imported.outs["expiry"], null);
      assert.deepEqual(imported.inputs, { tokenId, slot: "password1" });
    });

    it("import of a slot that does not exist is 'not found'; a malformed id says what an id looks like", async () => {
      const missing = await host.read(PASSWORD, "adopted", `${tokenId}/passwords/password2`, {});
      assert.equal(missing.id, "");
      await assert.rejects(host.read(PASSWORD, "adopted", tokenId, {}), /give the id as <token resource id>\/passwords\/<slot>/);
    });

    it("Delete removes only its own slot", async () => {
      const second = await host.create(PASSWORD, "pw2", { tokenId, slot: "password2" });
      seenPasswords.push(reveal<string>(second.outs["password"]));
      // The slot holds the out-of-band password now; our state must match it for delete to remove it.
      const own = await host.read(PASSWORD, "pw2", second.id, second.outs);
      await host.delete(PASSWORD, "pw2", second.id, own.outs);
      assert.deepEqual(await passwordNames(bed, "plugin-pull"), ["password1"]);
    });
  });

  describe("Construct of a RegistryToken (a program in another language)", () => {
    let result: { urn: string; state: Props };
    let mark: number;
    const providerRef = "urn:pulumi:test::acr-tokens-test::pulumi:providers:acr-tokens::byo::byo-id";

    before(async () => {
      mark = engine.registrations.length;
      result = await host.construct(
        "acr-tokens:index:RegistryToken",
        "ci-pull",
        { registryName: REGISTRY, resourceGroupName: RG, repositories: { app: ["content/read", "metadata/read"] } },
        engine.address,
        { providers: { "acr-tokens": providerRef } },
      );
    });

    it("registers the component, an azure-native ScopeMap and Token, and the plugin's own TokenSettings: no dynamic resource", () => {
      const registered = engine.registrations.slice(mark);
      assert.deepEqual(
        registered.map((r) => `${r.type} ${r.name}`),
        [
          "acr-tokens:index:RegistryToken ci-pull",
          "azure-native:containerregistry:ScopeMap ci-pull-scope-map",
          "azure-native:containerregistry:Token ci-pull",
          `${SETTINGS} ci-pull-settings`,
        ],
      );
      assert.equal(registered.some((r) => r.type.startsWith("pulumi-nodejs:dynamic")), false);
      const settings = registered.find((r) => r.type === SETTINGS)!;
      assert.equal(settings.custom, true);
      assert.equal(settings.parent, result.urn);
      assert.deepEqual(settings.inputs, { tokenId: bed.tokenId("ci-pull"), scopeMapId: `${bed.registryId}/scopeMaps/ci-pull-scope-map`, status: "enabled" });
    });

    it("gives the explicit acr-tokens provider passed to the component to its TokenSettings child", () => {
      const settings = engine.registrations.slice(mark).find((r) => r.type === SETTINGS)!;
      assert.equal(settings.provider, providerRef);
    });

    it("returns the component's outputs (the schema's properties)", () => {
      assert.equal(result.urn, "urn:pulumi:test::acr-tokens-test::acr-tokens:index:RegistryToken::ci-pull");
      // `tokenId`, not `id`: the SDK never sends a component's `id` back (see scripts/schema.ts).
      assert.equal(result.state["tokenId"], bed.tokenId("ci-pull"));
      assert.equal("id" in result.state, false);
      assert.equal(result.state["username"], "ci-pull");
      assert.equal(result.state["tokenName"], "ci-pull");
      assert.equal(result.state["loginServer"], `${REGISTRY}.azurecr.io`);
    });
  });

  // Last (mocha runs a suite's own tests before its nested suites): scans what all of the above printed.
  describe("afterwards", () => {
  it("never prints the access token or a password (stdout, stderr, engine logs)", () => {
    const printed = [host.stdout, host.stderr, ...engine.logs].join("\n");
    for (const value of [accessToken, ...seenPasswords]) {
      assert.equal(printed.includes(value), false, "a secret value was printed by the plugin (value not shown)");
    }
    assert.ok(seenPasswords.length >= 2);
  });
});
});
