import * as assert from "node:assert/strict";
import { RegistryToken, RotatingTokenPassword } from "acr-tokens";
import { TokenPassword as PluginTokenPassword, TokenSettings as PluginTokenSettings } from "../../components/plugin";
import { resourceHost, setResourceHost } from "../../components/resourceHost";
import { recorder, useMocks, valueOf } from "../../testing/mocks";

const TOKEN_ID = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/contoso/tokens/ci-pull";

/** Waits until the children registered: the token's status comes from its settings child, the password from both password children. */
async function settle(token: RegistryToken, rotating: RotatingTokenPassword): Promise<void> {
  await Promise.all([valueOf(token.status), valueOf(rotating.password), valueOf(rotating.previousPassword)]);
}

describe("resource host of the components' custom children (components/resourceHost.ts)", () => {
  useMocks();
  afterEach(() => setResourceHost("dynamic"));

  it("is `dynamic` by default: RegistryToken's settings and RotatingTokenPassword's passwords are dynamic resources", async () => {
    assert.equal(resourceHost(), "dynamic");
    const token = new RegistryToken("ci-pull", { registryName: "contoso", resourceGroupName: "rg", scopeMap: "_repositories_pull" });
    const rotating = new RotatingTokenPassword("ci-rot", { token: TOKEN_ID, rotationPeriodDays: 30 });
    await settle(token, rotating);
    assert.deepEqual(recorder.resources.filter((r) => r.custom && !r.type.startsWith("azure-native")).map((r) => r.type).sort(), [
      "pulumi-nodejs:dynamic/acr-tokens:TokenPassword",
      "pulumi-nodejs:dynamic/acr-tokens:TokenPassword",
      "pulumi-nodejs:dynamic/acr-tokens:TokenSettings",
    ]);
  });

  it("under the plugin they are the plugin's own custom resources, of other types, with no alias to the dynamic ones", async () => {
    setResourceHost("plugin", { TokenPassword: PluginTokenPassword, TokenSettings: PluginTokenSettings });
    const token = new RegistryToken("ci-pull", { registryName: "contoso", resourceGroupName: "rg", scopeMap: "_repositories_pull" });
    const rotating = new RotatingTokenPassword("ci-rot", { token: TOKEN_ID, rotationPeriodDays: 30 });
    await settle(token, rotating);
    const own = recorder.resources.filter((r) => r.custom && !r.type.startsWith("azure-native"));
    assert.deepEqual(own.map((r) => `${r.type} ${r.name}`).sort(), [
      "acr-tokens:index:TokenPassword ci-rot-password1",
      "acr-tokens:index:TokenPassword ci-rot-password2",
      "acr-tokens:index:TokenSettings ci-pull-settings",
    ]);
    // Another type is another URN: the engine never reads a dynamic resource's state as the plugin's.
    for (const r of own) assert.deepEqual(r.aliases, []);
    const password = own.find((r) => r.name === "ci-rot-password1")!;
    assert.deepEqual(password.additionalSecretOutputs, ["password"]);
    assert.equal(password.inputs["tokenId"], TOKEN_ID);
    assert.equal("__provider" in password.inputs, false);
  });

  it("refuses an unknown host", () => {
    assert.throws(() => setResourceHost("other" as never), /"other" is not "dynamic" or "plugin"/);
    assert.throws(() => (setResourceHost as (v: string) => void)("plugin"), /"plugin" needs the plugin's resource classes/);
    assert.equal(resourceHost(), "dynamic");
  });
});
