import * as assert from "node:assert/strict";
import { checkScopeMapIsString, planRegistryToken, planScopeMap } from "../../components/validation";

const registry = { registryName: "contoso", resourceGroupName: "rg-registry" } as const;

describe("planScopeMap", () => {
  it("plans exactly what azure-native receives", () => {
    assert.deepEqual(planScopeMap("ci-pull", { ...registry, repositories: { app: ["content/read"] }, description: "CI" }), {
      plan: { registry, scopeMapName: "ci-pull", actions: ["repositories/app/content/read"], description: "CI" },
      problems: [],
    });
  });
});

describe("planRegistryToken", () => {
  it("plans an inline scope map named <tokenName>-scope-map with the default status", () => {
    assert.deepEqual(planRegistryToken("ci", { ...registry, tokenName: "pipeline-7", repositories: { app: ["content/read"] } }), {
      plan: {
        registry,
        tokenName: "pipeline-7",
        status: "enabled",
        scope: { kind: "inline", scopeMapName: "pipeline-7-scope-map", actions: ["repositories/app/content/read"], repositories: { app: ["content/read"] } },
      },
      problems: [],
    });
  });

  it("accepts a 40-character token name with an inline scope, not 41", () => {
    assert.deepEqual(planRegistryToken("ci", { ...registry, tokenName: "t".repeat(40), repositories: { app: ["content/read"] } }).problems, []);
    assert.equal(planRegistryToken("ci", { ...registry, tokenName: "t".repeat(41), repositories: { app: ["content/read"] } }).problems.length, 1);
    // Without an inline scope map, the token name rule alone applies (up to 50).
    assert.deepEqual(planRegistryToken("ci", { ...registry, tokenName: "t".repeat(50), scopeMap: "_repositories_pull" }).problems, []);
  });

  it("plans a built-in scope map reference", () => {
    assert.deepEqual(planRegistryToken("ci-pull", { ...registry, scopeMap: "_repositories_admin", status: "disabled" }).plan?.scope, {
      kind: "reference",
      reference: { kind: "builtIn", name: "_repositories_admin" },
    });
  });

  it("plans a scope map id reference, normalized to ARM's keyword casing", () => {
    const id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-registry/providers/Microsoft.ContainerRegistry/registries/contoso/scopemaps/team-map";
    assert.deepEqual(planRegistryToken("ci-pull", { ...registry, scopeMap: id }).plan?.scope, {
      kind: "reference",
      reference: { kind: "id", id: id.replace("/scopemaps/", "/scopeMaps/") },
    });
  });
});

describe("checkScopeMapIsString", () => {
  it("accepts a string (nothing to describe)", () => {
    assert.deepEqual(checkScopeMapIsString(undefined), []);
  });

  it("tells a JavaScript caller who passed a ScopeMap to pass its id", () => {
    assert.deepEqual(checkScopeMapIsString({ resourceType: "acr-tokens:index:ScopeMap" }), [
      {
        propertyPath: "scopeMap",
        message: 'scopeMap got a ScopeMap resource; pass its id: scopeMap: map.id. scopeMap takes a string: a scope map id or a built-in name such as "_repositories_pull".',
      },
    ]);
  });

  it("names the type of another resource, and of any other value", () => {
    assert.match(checkScopeMapIsString({ resourceType: "azure-native:containerregistry:ScopeMap" })[0]!.message, /^scopeMap got a resource of type "azure-native:containerregistry:ScopeMap"; pass its id: scopeMap: map\.id\./);
    assert.match(checkScopeMapIsString({ typeOf: "number" })[0]!.message, /^scopeMap got a value of type number\. scopeMap takes a string: .* For a ScopeMap, pass its id: scopeMap: map\.id\.$/);
  });
});
