import * as assert from "node:assert/strict";
import { settingsOf } from "../../plugin/configure";
import { configurePlugin, pluginContext, resetPluginSettings } from "../../plugin/context";

const SIG = "4dabf18193072939515e22adb298388d";
const SECRET = "1b47061264138c4ac30d75fd1eb44270";

describe("plugin Configure settings (plugin/configure.ts, plugin/context.ts)", () => {
  afterEach(() => resetPluginSettings());

  it("keys the provider's arguments as stack config, reveals secrets and skips the engine's version", () => {
    const settings = settingsOf(
      { accessToken: { [SIG]: SECRET, value: "byo-token" }, armEndpoint: "https://127.0.0.1:9443", version: "0.1.0" },
      new Map(),
    );
    assert.deepEqual([...settings.entries()].sort(), [
      ["acr-tokens:accessToken", "byo-token"],
      ["acr-tokens:armEndpoint", "https://127.0.0.1:9443"],
    ]);
  });

  it("takes the deprecated `variables` (acr-tokens:config:<key>) too; the arguments win", () => {
    const settings = settingsOf(
      { cloud: "AzureChinaCloud" },
      new Map([
        ["acr-tokens:config:cloud", "AzureCloud"],
        ["acr-tokens:config:tenantId", "t"],
        ["other:config:x", "y"],
      ]),
    );
    assert.deepEqual([...settings.entries()].sort(), [
      ["acr-tokens:cloud", "AzureChinaCloud"],
      ["acr-tokens:tenantId", "t"],
    ]);
  });

  it("refuses to work unconfigured, naming the resource type, instead of ignoring the provider's settings", () => {
    assert.throws(() => pluginContext("TokenPassword"), /^Error: TokenPassword: the acr-tokens plugin was not configured/);
    configurePlugin(new Map([["acr-tokens:cloud", "AzureCloud"]]));
    assert.equal(typeof pluginContext("TokenPassword").now().getTime(), "number");
  });
});
