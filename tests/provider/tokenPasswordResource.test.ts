import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { InvalidArgumentsError, RegistryToken, TokenPassword } from "acr-tokens";
import { checkResult } from "../../components/validation/errors";
import { TOKEN_PASSWORD } from "../../components/provider/tokenPassword/types";
import { checkTokenPasswordInputs } from "../../components/validation/tokenPasswordArgs";
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
    const id = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/contoso/tokens/cd-token";
    const a = new TokenPassword("by-string", { token: id });
    const b = new TokenPassword("by-output", { token: pulumi.output(id) });
    await Promise.all([valueOf(a.urn), valueOf(b.urn)]);
    assert.equal(recorder.findCreatedResource(PASSWORD_TYPE, "by-string").inputs["tokenId"], id);
    assert.equal(recorder.findCreatedResource(PASSWORD_TYPE, "by-output").inputs["tokenId"], id);
  });

  describe("plain arguments are checked at construction, in the provider check's words", () => {
    const TOKEN_ID = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/contoso/tokens/ci-token`;
    /** The reasons the provider's check gives for these inputs (the host's answer, through its one adapter). */
    const providerReasons = (news: Record<string, unknown>) =>
      checkResult(TOKEN_PASSWORD, checkTokenPasswordInputs({}, news, new Date())).failures.map((f) => f.reason);

    const rows: Array<[string, Record<string, unknown>, string]> = [
      ["a third slot", { token: TOKEN_ID, slot: "password3" }, "slot"],
      ["a token that is not an id", { token: "ci-token" }, "token"],
      ["both expiry and expiresInDays", { token: TOKEN_ID, expiry: "2099-01-01T00:00:00Z", expiresInDays: 30 }, "expiry"],
      ["a rotation window without expiresInDays", { token: TOKEN_ID, expiry: "2099-01-01T00:00:00Z", rotateBeforeExpiryDays: 7 }, "rotateBeforeExpiryDays"],
      ["an unknown credential selector", { token: TOKEN_ID, credential: "magic" }, "credential"],
    ];
    for (const [what, args, property] of rows) {
      it(`throws InvalidArgumentsError for ${what} before registering`, () => {
        const name = `bad-${property}`;
        const { token, ...rest } = args;
        const expected = providerReasons({ tokenId: token, ...rest }).map((r) => r.replace(/^TokenPassword: /, `TokenPassword "${name}": `));
        assert.ok(expected.length > 0, "the provider's check refuses these inputs too");
        assert.throws(
          () => new TokenPassword(name, args as unknown as ConstructorParameters<typeof TokenPassword>[1]),
          (err: Error) => {
            assert.ok(err instanceof InvalidArgumentsError, `${err.name}: ${err.message}`);
            assert.equal(err.message, expected.join("\n"));
            assert.deepEqual(
              err.problems.map((p) => p.propertyPath),
              [property],
            );
            return true;
          },
        );
        assert.equal(recorder.resources.filter((r) => r.type === PASSWORD_TYPE && r.name === name).length, 0, "nothing registered");
      });
    }

    it("leaves Output arguments, and a fixed expiry that has passed, to the provider's check", async () => {
      // Past expiries are refused only when new, which only the provider knows (it has the old inputs).
      const past = new TokenPassword("past", { token: TOKEN_ID, expiry: "2020-01-01T00:00:00Z" });
      const unknownSlot = new TokenPassword("output-slot", { token: TOKEN_ID, slot: pulumi.output("password3" as string) as pulumi.Output<"password1"> });
      await Promise.all([valueOf(past.urn), valueOf(unknownSlot.urn)]);
      assert.equal(recorder.findCreatedResource(PASSWORD_TYPE, "past").inputs["expiry"], "2020-01-01T00:00:00Z");
      assert.equal(recorder.findCreatedResource(PASSWORD_TYPE, "output-slot").inputs["slot"], "password3");
    });
  });
});
