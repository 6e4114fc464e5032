import * as assert from "node:assert/strict";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { recorder, SUBSCRIPTION_ID, useMocks, valueOf } from "../../testing/mocks";

/** The quickstart program's exports (examples/quickstart/index.ts). */
interface Quickstart {
  loginServer: pulumi.Output<string>;
  username: pulumi.Output<string>;
  scopeMapId: pulumi.Output<string>;
  password: pulumi.Output<string>;
  dockerLogin: pulumi.Output<string>;
}

describe("examples/quickstart", function () {
  // Running the program serializes two dynamic providers (TokenSettings, TokenPassword) for the
  // first time in this process, which walks the loaded modules: 1–3 s on this machine.
  this.timeout(20_000);
  useMocks("acr-tokens-quickstart");
  let program: Quickstart;

  beforeEach(async () => {
    pulumi.runtime.setAllConfig({
      "acr-tokens-quickstart:registryName": "contoso",
      "acr-tokens-quickstart:resourceGroupName": "rg-registry",
    });
    // Run the program afresh for each test (it registers its resources when loaded).
    const entry = require.resolve(path.resolve(__dirname, "../../examples/quickstart"));
    delete require.cache[entry];
    program = require(entry) as Quickstart;
    await Promise.all([valueOf(program.dockerLogin), valueOf(program.password)]);
  });

  it("creates a pull-only token for one repository and a password for it", () => {
    const map = recorder.findCreatedResource("azure-native:containerregistry:ScopeMap", "app-pull-scope-map");
    assert.deepEqual(map.inputs["actions"], ["repositories/app/content/read", "repositories/app/metadata/read"]);
    assert.equal(recorder.findCreatedResource("azure-native:containerregistry:Token", "app-pull").inputs["tokenName"], "app-pull");
    const password = recorder.findCreatedResource("pulumi-nodejs:dynamic/acr-tokens:TokenPassword", "app-pull-password1");
    assert.equal(password.inputs["tokenId"], `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg-registry/providers/Microsoft.ContainerRegistry/registries/contoso/tokens/app-pull`);
    assert.ok(password.additionalSecretOutputs.includes("password"));
  });

  it("exports a docker login command that reads the password from stdin", async () => {
    assert.equal(
      await valueOf(program.dockerLogin),
      "pulumi stack output password --show-secrets | docker login contoso.azurecr.io --username app-pull --password-stdin",
    );
    assert.equal(await pulumi.isSecret(program.password), true);
  });
});
