import * as assert from "node:assert/strict";
import { parseRegistryResourceId, parseTokenId, sameArmId, scopeMapIdError, tokenIdOf } from "../../components/arm/ids";

const SUB = "11111111-2222-3333-4444-555555555555";
const REG = `/subscriptions/${SUB}/resourceGroups/rg-1/providers/Microsoft.ContainerRegistry/registries/myregistry`;
const TOKEN_ID = `${REG}/tokens/ci-token`;

describe("arm/ids", () => {
  it("parses a token id into its parts and rebuilds it", () => {
    const ref = parseTokenId(TOKEN_ID);
    assert.deepEqual(ref, { subscriptionId: SUB, resourceGroupName: "rg-1", registryName: "myregistry", tokenName: "ci-token" });
    assert.equal(tokenIdOf(ref as Exclude<typeof ref, { error: string }>), TOKEN_ID);
  });

  it("accepts ARM's other casings of the segment keywords", () => {
    const ref = parseTokenId(TOKEN_ID.replace("resourceGroups", "resourcegroups").replace("Microsoft.ContainerRegistry", "microsoft.containerregistry"));
    assert.ok(!("error" in ref));
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ["nothing", undefined, /^must be a token resource id .* got nothing\.$/],
    ["an empty string", "", /got an empty string\.$/],
    ["a number", 42, /got a number\.$/],
    ["a scope map id", `${REG}/scopeMaps/pull-map`, /is not a token resource id; expected \/subscriptions\/<subscription id>/],
    ["a registry id", REG, /is not a token resource id/],
    ["a trailing slash", `${TOKEN_ID}/`, /is not a token resource id/],
    ["a non-GUID subscription", TOKEN_ID.replace(SUB, "my-sub"), /has subscription id "my-sub", which is not a GUID/],
    ["a resource group ending in a period", TOKEN_ID.replace("rg-1", "rg."), /has resource group "rg\.", which is not a valid name/],
    ["a short registry name", TOKEN_ID.replace("myregistry", "reg"), /has registry name "reg", which is not valid \(5–50 letters and digits\)/],
    ["a token name with an underscore", TOKEN_ID.replace("ci-token", "ci_token"), /has token name "ci_token", which is not valid/],
  ];
  for (const [what, id, message] of bad) {
    it(`explains a token id that is ${what}`, () => {
      const result = parseTokenId(id);
      assert.ok("error" in result, "expected an error");
      assert.match(result.error, message);
    });
  }

  it("checks scope map ids, and that they belong to the token's registry", () => {
    const ref = parseTokenId(TOKEN_ID) as Exclude<ReturnType<typeof parseTokenId>, { error: string }>;
    assert.equal(scopeMapIdError(`${REG}/scopeMaps/_repositories_pull`, ref), undefined);
    assert.equal(scopeMapIdError(`${REG.toLowerCase()}/scopemaps/pull-map`, ref), undefined);
    assert.match(scopeMapIdError(`${REG}/tokens/pull-map`, ref) ?? "", /is not a scope map resource id/);
    assert.match(
      scopeMapIdError(`${REG.replace("myregistry", "otherregistry")}/scopeMaps/pull-map`, ref) ?? "",
      /belongs to another registry than the token \("myregistry" in resource group "rg-1"\)/,
    );
  });

  it("compares ARM ids case-insensitively and never equates a missing id", () => {
    assert.ok(sameArmId(TOKEN_ID, TOKEN_ID.toUpperCase()));
    assert.ok(!sameArmId(TOKEN_ID, `${TOKEN_ID}x`));
    assert.ok(!sameArmId(undefined, undefined));
  });

  it("parseRegistryResourceId: a registry id or a resource right inside one, keywords in any case, nothing else", () => {
    assert.deepEqual(parseRegistryResourceId(REG), { subscriptionId: SUB, resourceGroupName: "rg-1", registryName: "myregistry" });
    assert.deepEqual(parseRegistryResourceId(TOKEN_ID.replace("/resourceGroups/", "/resourcegroups/")), {
      subscriptionId: SUB,
      resourceGroupName: "rg-1",
      registryName: "myregistry",
      child: { type: "tokens", name: "ci-token" },
    });
    for (const bad of ["", "myregistry", `${REG}/`, `${REG}/tokens`, `${REG}/tokens/ci-token/x`, REG.replace("Microsoft.ContainerRegistry", "Microsoft.Storage"), REG.replace("/rg-1/", "//")]) {
      assert.equal(parseRegistryResourceId(bad), undefined, bad);
    }
  });
});
