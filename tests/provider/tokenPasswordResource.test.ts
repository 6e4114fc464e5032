import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { RegistryToken, TokenPassword } from "acr-tokens";
import { recorder, useMocks, valueOf, SUBSCRIPTION_ID } from "../../testing/mocks";

const PASSWORD_TYPE = "pulumi-nodejs:dynamic/acr-tokens:TokenPassword";

/** The TokenPassword resource as a program registers it (under mocks; the provider is tested through the host). */
describe("TokenPassword resource registration", function () {
  // The first closure serialization of a process (the dynamic provider's __provider) walks the loaded
  // module graph: one to two seconds on 2 cores, more than mocha's default timeout.
  this.timeout(15_000);
  useMocks();

  it("takes a RegistryToken's id, and always marks password as an additional secret output", async () => {
    const token = new RegistryToken("ci-token", { registryName: "contoso", resourceGroupName: "rg", scopeMap: "_repositories_pull" });
    const pw = new TokenPassword("ci-pw", { token, slot: "password2", expiresInDays: 30 }, { additionalSecretOutputs: ["username"] });
    await valueOf(pw.urn);
    const recorded = recorder.findCreatedResource(PASSWORD_TYPE, "ci-pw");
    assert.equal(
      recorded.inputs["tokenId"],
      `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/contoso/tokens/ci-token`,
    );
    assert.equal(recorded.inputs["slot"], "password2");
    assert.equal(recorded.inputs["expiresInDays"], 30);
    assert.deepEqual([...recorded.additionalSecretOutputs].sort(), ["password", "username"]);
    assert.equal(typeof recorded.inputs["__provider"], "string", "the serialized provider is a plain string, not a secret");
  });

  it("takes a token id given as a string or an Output", async () => {
    const id = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/contoso/tokens/cd";
    const a = new TokenPassword("by-string", { token: id });
    const b = new TokenPassword("by-output", { token: pulumi.output(id) });
    await Promise.all([valueOf(a.urn), valueOf(b.urn)]);
    assert.equal(recorder.findCreatedResource(PASSWORD_TYPE, "by-string").inputs["tokenId"], id);
    assert.equal(recorder.findCreatedResource(PASSWORD_TYPE, "by-output").inputs["tokenId"], id);
  });
});
