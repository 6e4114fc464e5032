import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { InvalidArgumentsError, ScopeMap } from "acr-tokens";
import { recorder, SUBSCRIPTION_ID, useMocks, valueOf } from "../../testing/mocks";

const AZURE_SCOPE_MAP = "azure-native:containerregistry:ScopeMap";
const registry = { registryName: "contoso", resourceGroupName: "rg-registry" } as const;

describe("ScopeMap", () => {
  useMocks();

  it("registers an azure-native ScopeMap with exactly the inputs ARM expects", async () => {
    const map = new ScopeMap("ci-pull", {
      ...registry,
      repositories: { app: ["metadata/read", "content/read"], "team/*": ["content/read"] },
      gateways: { edge01: ["config/read"] },
      description: "CI pulls",
    });
    await valueOf(map.id);
    assert.deepEqual(recorder.findCreatedResource(AZURE_SCOPE_MAP, "ci-pull").inputs, {
      registryName: "contoso",
      resourceGroupName: "rg-registry",
      scopeMapName: "ci-pull",
      description: "CI pulls",
      actions: [
        "gateway/edge01/config/read",
        "repositories/app/content/read",
        "repositories/app/metadata/read",
        "repositories/team/*/content/read",
      ],
    });
  });

  it("sends identical inputs for reordered repositories, gateways and actions", async () => {
    const a = new ScopeMap("order-a", {
      ...registry,
      scopeMapName: "same-map",
      repositories: { web: ["content/write", "content/read"], api: ["metadata/read", "content/read", "content/read"] },
      gateways: { edge02: ["message/read"], edge01: ["config/write", "config/read"] },
    });
    const b = new ScopeMap("order-b", {
      ...registry,
      scopeMapName: "same-map",
      gateways: { edge01: ["config/read", "config/write"], edge02: ["message/read"] },
      repositories: { api: ["content/read", "metadata/read"], web: ["content/read", "content/write"] },
    });
    await Promise.all([valueOf(a.id), valueOf(b.id)]);
    assert.deepEqual(recorder.findCreatedResource(AZURE_SCOPE_MAP, "order-a").inputs, recorder.findCreatedResource(AZURE_SCOPE_MAP, "order-b").inputs);
  });

  it("names the scope map after the resource unless scopeMapName is set", async () => {
    const defaulted = new ScopeMap("default-name", { ...registry, repositories: { app: ["content/read"] } });
    const named = new ScopeMap("logical-name", { ...registry, scopeMapName: "ci_pull-1", repositories: { app: ["content/read"] } });
    assert.equal(await valueOf(defaulted.scopeMapName), "default-name");
    assert.equal(await valueOf(named.scopeMapName), "ci_pull-1");
    assert.equal(recorder.findCreatedResource(AZURE_SCOPE_MAP, "logical-name").inputs["scopeMapName"], "ci_pull-1");
  });

  it("takes the registry name and resource group from registryId", async () => {
    const map = new ScopeMap("by-id", {
      registryId: `/subscriptions/${SUBSCRIPTION_ID}/resourcegroups/rg-registry/providers/Microsoft.ContainerRegistry/registries/contoso`,
      repositories: { app: ["content/read"] },
    });
    await valueOf(map.id);
    const { inputs } = recorder.findCreatedResource(AZURE_SCOPE_MAP, "by-id");
    assert.equal(inputs["registryName"], "contoso");
    assert.equal(inputs["resourceGroupName"], "rg-registry");
  });

  it("parents the azure-native ScopeMap to the component, under the component's name", async () => {
    const map = new ScopeMap("parented", { ...registry, repositories: { app: ["content/read"] } });
    const urn = await valueOf(map.urn);
    await valueOf(map.id);
    assert.equal(recorder.findCreatedResource(AZURE_SCOPE_MAP, "parented").parent, urn);
    assert.deepEqual(
      recorder.resources.map((r) => `${r.type}::${r.name}`),
      ["acr-tokens:index:ScopeMap::parented", `${AZURE_SCOPE_MAP}::parented`],
    );
  });

  it("registers every output: id, scopeMapName, actions", async () => {
    const map = new ScopeMap("outputs", { ...registry, repositories: { app: ["content/read"] } });
    const outputs = await recorder.registeredOutputs(await valueOf(map.urn));
    const id = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg-registry/providers/Microsoft.ContainerRegistry/registries/contoso/scopeMaps/outputs`;
    assert.deepEqual(outputs, { id, scopeMapName: "outputs", actions: ["repositories/app/content/read"] });
    assert.equal(await valueOf(map.id), id);
    assert.deepEqual(await valueOf(map.actions), ["repositories/app/content/read"]);
  });

  it("accepts Outputs at any depth and sends the same canonical inputs", async () => {
    const map = new ScopeMap("outputs-in", {
      registryName: pulumi.output("contoso"),
      resourceGroupName: Promise.resolve("rg-registry"),
      repositories: pulumi.output({ app: pulumi.output([pulumi.output("metadata/read" as const), "content/read" as const]) }),
    });
    await valueOf(map.id);
    assert.deepEqual(recorder.findCreatedResource(AZURE_SCOPE_MAP, "outputs-in").inputs["actions"], [
      "repositories/app/content/read",
      "repositories/app/metadata/read",
    ]);
  });

  it("fails an invalid Output value before the azure-native ScopeMap is registered", async () => {
    const map = new ScopeMap("late-error", {
      ...registry,
      repositories: pulumi.output({ app: ["content/reed" as "content/read"] }),
    });
    await assert.rejects(valueOf(map.actions), (err: unknown) => {
      assert.ok(err instanceof InvalidArgumentsError);
      assert.match(err.message, /ScopeMap "late-error": repositories\["app"\] has unknown action "content\/reed"\./);
      return true;
    });
    assert.deepEqual(recorder.ofType(AZURE_SCOPE_MAP), []);
  });

  describe("while the registry is unknown (a preview that creates the registry)", () => {
    const unknownName = () => pulumi.output(pulumi.unknown) as pulumi.Output<string>;

    it("still checks the grants and sends the canonical actions", async () => {
      const map = new ScopeMap("new-registry", { registryName: unknownName(), resourceGroupName: "rg-registry", repositories: { b: ["content/read"], a: ["content/read"] } });
      await recorder.registeredOutputs(await valueOf(map.urn));
      const { inputs } = recorder.findCreatedResource(AZURE_SCOPE_MAP, "new-registry");
      assert.deepEqual(inputs["actions"], ["repositories/a/content/read", "repositories/b/content/read"]);
      assert.equal(inputs["scopeMapName"], "new-registry");
      assert.equal(inputs["registryName"], undefined); // unknown: the mock monitor drops it
    });

    it("still rejects bad grants", async () => {
      const map = new ScopeMap("new-registry", {
        registryName: unknownName(),
        resourceGroupName: "rg-registry",
        repositories: pulumi.output({ app: ["content/reed" as "content/read"] }),
      });
      await assert.rejects(valueOf(map.actions), /ScopeMap "new-registry": repositories\["app"\] has unknown action "content\/reed"\./);
    });
  });

  it("is recognised by ScopeMap.isInstance, other resources are not", () => {
    const map = new ScopeMap("instance", { ...registry, repositories: { app: ["content/read"] } });
    assert.equal(ScopeMap.isInstance(map), true);
    assert.equal(ScopeMap.isInstance(new pulumi.ComponentResource("acr-tokens:index:Other", "other")), false);
    assert.equal(ScopeMap.isInstance("/subscriptions/x"), false);
  });
});
