import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { RegistryToken, TokenPassword } from "acr-tokens";
import { acrTokensMocks } from "acr-tokens/testing";

function value<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

async function isSecret(output: pulumi.Output<unknown>): Promise<boolean> {
  return pulumi.isSecret(output);
}

describe("acr-tokens/testing: acrTokensMocks", () => {
  const fallbackTypes: string[] = [];
  before(async () => {
    await pulumi.runtime.setMocks(
      acrTokensMocks({
        fallback: {
          newResource: (args) => {
            fallbackTypes.push(args.type);
            return { id: "fallback-id", state: { ...args.inputs, fromFallback: true } };
          },
          call: (args) => ({ answeredBy: args.token }),
        },
      }),
      "mocks-test",
      "test",
      false,
    );
  });

  it("gives a RegistryToken its username and login server, and a TokenPassword a secret fake password", async () => {
    const token = new RegistryToken("app-pull", { registryName: "contosoregistry", resourceGroupName: "rg", repositories: { app: ["content/read"] } });
    const pw = new TokenPassword("app-pull-password1", { token, expiresInDays: 30 });
    assert.equal(await value(token.username), "app-pull");
    assert.equal(await value(token.loginServer), "contosoregistry.azurecr.io");
    assert.equal(await value(pw.username), "app-pull");
    assert.equal(await value(pw.password), "mock-password-app-pull-password1");
    assert.equal(await isSecret(pw.password), true);
    assert.equal(await value(pw.slot), "password1");
    const expiry = Date.parse(await value(pw.expiry as pulumi.Output<string>));
    assert.ok(Math.abs(expiry - (Date.now() + 30 * 86_400_000)) < 60_000, "expiry is not 30 days from now");
    assert.deepEqual(await value(pw.driftCodes), []);
  });

  it("hands every other resource and invoke to the fallback mocks", async () => {
    class Other extends pulumi.CustomResource {
      constructor(name: string) {
        super("test:index:Other", name, { x: 1 });
      }
    }
    const other = new Other("other");
    assert.equal(await value(other.id), "fallback-id");
    assert.ok(fallbackTypes.includes("test:index:Other"));
    const answer = await pulumi.runtime.invoke("test:index:fn", {});
    assert.equal(answer["answeredBy"], "test:index:fn");
  });

  it("without a fallback, an unknown invoke fails as Pulumi's own mocks advise", async () => {
    const mocks = acrTokensMocks();
    assert.throws(() => mocks.call({ token: "test:index:fn", inputs: {}, provider: "" } as pulumi.runtime.MockCallArgs), /^Error: Mock call not implemented: test:index:fn$/);
  });
});
