import * as assert from "node:assert/strict";
import { checkName, REGISTRY_NAME, TOKEN_NAME } from "../../components/arm/names";
import { checkRegistry, checkScopeMapReference, parseRegistryId } from "../../components/validation";

const registryId = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-registry/providers/Microsoft.ContainerRegistry/registries/contoso";

describe("parseRegistryId", () => {
  it("splits a registry id and writes ARM's keywords in their documented casing", () => {
    const lower = registryId.replace("resourceGroups", "resourcegroups").replace("Microsoft.ContainerRegistry", "microsoft.containerregistry");
    assert.deepEqual(parseRegistryId(lower, "registryId"), {
      registry: { registryName: "contoso", resourceGroupName: "rg-registry", registryId },
      problems: [],
    });
  });
  for (const bad of ["contoso", `${registryId}/`, registryId.replace("/subscriptions/", "/subscription/"), `${registryId}/scopeMaps/x`]) {
    it(`refuses ${JSON.stringify(bad)}`, () => {
      const { registry, problems } = parseRegistryId(bad, "registryId");
      assert.equal(registry, undefined);
      assert.equal(problems.length, 1);
    });
  }
});

describe("checkRegistry", () => {
  it("accepts a name and a resource group", () => {
    assert.deepEqual(checkRegistry({ registryName: "contoso", resourceGroupName: "rg_(1).a" }).problems, []);
  });
  it("accepts an id", () => {
    assert.equal(checkRegistry({ registryId }).registry?.registryName, "contoso");
  });
  it("accepts upper case in an id (ARM keeps the creation casing) but not in registryName", () => {
    assert.deepEqual(checkRegistry({ registryId: registryId.replace(/contoso$/, "ContosoProd") }).problems, []);
    assert.equal(checkRegistry({ registryName: "ContosoProd", resourceGroupName: "rg" }).problems.length, 1);
  });
});

describe("checkScopeMapReference", () => {
  const registry = { registryName: "contoso", resourceGroupName: "rg-registry", registryId };
  it("recognises the built-in scope maps", () => {
    for (const name of ["_repositories_pull", "_repositories_push", "_repositories_admin"]) {
      assert.deepEqual(checkScopeMapReference(name, registry).reference, { kind: "builtIn", name });
    }
  });
  it("accepts a scope map id of the same registry, whatever the casing of its keywords and names", () => {
    const id = `${registryId.toLowerCase().replace("contoso", "CONTOSO")}/scopemaps/ci-pull`;
    const { reference, problems } = checkScopeMapReference(id, registry);
    assert.deepEqual(problems, []);
    assert.equal(reference?.kind, "id");
  });
  it("a secret passed as scopeMap by mistake is described, also in the example id, never quoted", () => {
    const pasted = "aB3dE5fG7hJ9kL1mN2pQ4rS6";
    const [problem] = checkScopeMapReference(pasted, registry).problems;
    assert.ok(problem && !problem.message.includes(pasted), `the pasted value must not be quoted`);
    assert.match(problem.message, /^scopeMap a 24-character value .* is neither .*"<registry id>\/scopeMaps\/<scope map name>"/);
    // A name is quoted, and the example shows it in place.
    assert.match(checkScopeMapReference("ci-pull-map", registry).problems[0]!.message, /"<registry id>\/scopeMaps\/ci-pull-map"/);
  });

  it("refuses a scope map id in another subscription", () => {
    const other = `${registryId.replace("11111111", "99999999")}/scopeMaps/ci-pull`;
    assert.equal(checkScopeMapReference(other, registry).problems.length, 1);
  });
});

describe("checkName", () => {
  it("accepts names at both length limits", () => {
    assert.deepEqual(checkName(TOKEN_NAME, "a".repeat(5), { propertyPath: "tokenName" }), []);
    assert.deepEqual(checkName(TOKEN_NAME, "a".repeat(50), { propertyPath: "tokenName" }), []);
    assert.equal(checkName(TOKEN_NAME, "a".repeat(51), { propertyPath: "tokenName" }).length, 1);
  });
  it("lists every broken rule of one name in one problem", () => {
    const [problem] = checkName(REGISTRY_NAME, "My_Reg", { propertyPath: "registryName" });
    assert.equal(
      problem?.message,
      'registryName "My_Reg" is not a valid registry name: it contains "_"; it has upper-case letters. ' +
        'Registry names are 5–50 lower-case letters and digits. Use "myreg".',
    );
  });
  it("offers no fix it cannot make valid", () => {
    const [problem] = checkName(REGISTRY_NAME, "a-b", { propertyPath: "registryName" });
    assert.doesNotMatch(problem!.message, /Use "/);
  });
});

describe("one answer per rule on every surface (issue: validation disagreements)", () => {
  it("a registryId whose subscription is not a GUID is refused, as the CLI's --registry and the token id are", () => {
    const { registry, problems } = parseRegistryId(registryId.replace("11111111-2222-3333-4444-555555555555", "production"), "registryId");
    assert.equal(registry, undefined);
    assert.match(problems[0]!.message, /^registryId ".*" has the subscription id "production", which is not a GUID\. Use the registry's id as ARM gives it/);
  });

  it("a scope map id from another subscription is refused when the registry is given by name and the provider's subscription is known", () => {
    const byName = { registryName: "contoso", resourceGroupName: "rg-registry" };
    const otherSub = `${registryId.replace("11111111-2222-3333-4444-555555555555", "99999999-2222-3333-4444-555555555555")}/scopeMaps/pull-map`;
    const provider = { id: "11111111-2222-3333-4444-555555555555", source: "the azure-native provider (ARM_SUBSCRIPTION_ID)" };
    const refused = checkScopeMapReference(otherSub, byName, provider);
    assert.match(refused.problems[0]?.message ?? "", /is in subscription "99999999-2222-3333-4444-555555555555", but the token's registry is given by name, so it is in the azure-native provider \(ARM_SUBSCRIPTION_ID\)'s subscription/);
    assert.deepEqual(checkScopeMapReference(`${registryId}/scopeMaps/pull-map`, byName, provider).problems, []);
    // Unknown provider subscription (e.g. the az CLI's default): only ARM can tell.
    assert.deepEqual(checkScopeMapReference(otherSub, byName).problems, []);
  });
});
