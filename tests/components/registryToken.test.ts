import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { InvalidArgumentsError, RegistryToken, ScopeMap, type RegistryTokenArgs } from "acr-tokens";
import { recorder, SUBSCRIPTION_ID, useMocks, valueOf } from "../../testing/mocks";

const COMPONENT = "acr-tokens:index:RegistryToken";
const AZURE_SCOPE_MAP = "azure-native:containerregistry:ScopeMap";
const AZURE_TOKEN = "azure-native:containerregistry:Token";
const SETTINGS = "pulumi-nodejs:dynamic/acr-tokens:TokenSettings";
const GET_REGISTRY = "azure-native:containerregistry:getRegistry";

const registry = { registryName: "contoso", resourceGroupName: "rg-registry" } as const;
const registryId = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg-registry/providers/Microsoft.ContainerRegistry/registries/contoso`;

/** Waits until the token and all its children are registered. */
async function settled(token: RegistryToken): Promise<Record<string, unknown>> {
  return recorder.registeredOutputs(await valueOf(token.urn));
}

describe("RegistryToken", () => {
  useMocks();
  before(async function () {
    // The first TokenSettings in a process serializes its dynamic provider, which walks the loaded
    // modules (about 1–2 s on this machine); warm it up once instead of slowing the first test.
    this.timeout(20_000);
    await settled(new RegistryToken("warm-up", { ...registry, scopeMap: "_repositories_pull" }));
  });

  describe("with inline repositories", () => {
    it("creates a child scope map named <tokenName>-scope-map, as az acr token create does", async () => {
      const token = new RegistryToken("ci-pull", { ...registry, repositories: { app: ["metadata/read", "content/read"] } });
      await settled(token);
      assert.deepEqual(recorder.findCreatedResource(AZURE_SCOPE_MAP, "ci-pull-scope-map").inputs, {
        registryName: "contoso",
        resourceGroupName: "rg-registry",
        scopeMapName: "ci-pull-scope-map",
        actions: ["repositories/app/content/read", "repositories/app/metadata/read"],
      });
    });

    it("names the map after tokenName but keeps logical names derived from the resource name only", async () => {
      const token = new RegistryToken("ci", { ...registry, tokenName: "pipeline-7", gateways: { edge01: ["config/read"] } });
      await settled(token);
      const map = recorder.findCreatedResource(AZURE_SCOPE_MAP, "ci-scope-map");
      assert.equal(map.inputs["scopeMapName"], "pipeline-7-scope-map");
      assert.deepEqual(map.inputs["actions"], ["gateway/edge01/config/read"]);
      assert.equal(recorder.findCreatedResource(AZURE_TOKEN, "ci").inputs["tokenName"], "pipeline-7");
    });

    it("registers the Token with exactly the inputs ARM's create takes", async () => {
      const token = new RegistryToken("ci-pull", { ...registry, repositories: { app: ["content/read"] } });
      await settled(token);
      assert.deepEqual(recorder.findCreatedResource(AZURE_TOKEN, "ci-pull").inputs, {
        registryName: "contoso",
        resourceGroupName: "rg-registry",
        tokenName: "ci-pull",
        scopeMapId: `${registryId}/scopeMaps/ci-pull-scope-map`,
        status: "enabled",
      });
    });

    it("exposes the inline scope map's id, name and actions as inlineScopeMap", async () => {
      const token = new RegistryToken("ci-pull", { ...registry, repositories: { app: ["content/read"] } });
      const map = token.inlineScopeMap;
      assert.ok(map !== undefined);
      assert.equal(await valueOf(map.id), await valueOf(token.scopeMapId));
      assert.equal(await valueOf(map.scopeMapName), "ci-pull-scope-map");
      assert.deepEqual(await valueOf(map.actions), ["repositories/app/content/read"]);
    });
  });

  describe("with scopeMap", () => {
    it("resolves a built-in name under registryId without a lookup", async () => {
      // A registry no other test in this deployment looked up, so its login server lookup is not cached yet.
      const id = registryId.replace("/contoso", "/contosobyid");
      const token = new RegistryToken("ci-pull", { registryId: id, scopeMap: "_repositories_pull" });
      await settled(token);
      assert.equal(recorder.findCreatedResource(AZURE_TOKEN, "ci-pull").inputs["scopeMapId"], `${id}/scopeMaps/_repositories_pull`);
      assert.equal(token.inlineScopeMap, undefined);
      assert.deepEqual(recorder.ofType(AZURE_SCOPE_MAP), []);
      // The only invoke is the login server lookup.
      assert.equal(recorder.invokes.length, 1);
    });

    it("resolves a built-in name under the looked-up registry id when given a name and resource group", async () => {
      // A registry no earlier test of this deployment looked up (lookups are shared per registry).
      const fresh = { registryName: "contosopush", resourceGroupName: "rg-registry" };
      const token = new RegistryToken("ci-push", { ...fresh, scopeMap: "_repositories_push" });
      await settled(token);
      const id = registryId.replace("/contoso", "/contosopush");
      assert.equal(recorder.findCreatedResource(AZURE_TOKEN, "ci-push").inputs["scopeMapId"], `${id}/scopeMaps/_repositories_push`);
      assert.equal(await valueOf(token.loginServer), "contosopush.azurecr.io");
      // Two reads of the registry: its id for the scope map (before the token exists) and its login
      // server (after).
      assert.deepEqual(
        recorder.invokes.map((i) => [i.token, i.inputs]),
        [
          [GET_REGISTRY, fresh],
          [GET_REGISTRY, fresh],
        ],
      );
    });

    it("uses a ScopeMap's id, map.id, and depends on the scope map through it", async () => {
      const map = new ScopeMap("shared-map", { ...registry, repositories: { app: ["content/read"] } });
      const token = new RegistryToken("ci-pull", { ...registry, scopeMap: map.id });
      await settled(token);
      const registered = recorder.findCreatedResource(AZURE_TOKEN, "ci-pull");
      assert.equal(registered.inputs["scopeMapId"], await valueOf(map.id));
      assert.ok(registered.dependencies.includes(recorder.findCreatedResource(AZURE_SCOPE_MAP, "shared-map").urn!));
    });

    it("refuses a ScopeMap of another registry once its id is known, before the Token is registered", async () => {
      const map = new ScopeMap("other-map", { registryName: "fabrikam", resourceGroupName: "rg-registry", repositories: { app: ["content/read"] } });
      const token = new RegistryToken("ci-pull", { ...registry, scopeMap: map.id });
      await assert.rejects(valueOf(token.id), /RegistryToken "ci-pull": scopeMap ".*\/registries\/fabrikam\/scopeMaps\/other-map" belongs to registry "fabrikam"/);
      assert.deepEqual(recorder.ofType(AZURE_TOKEN), []);
    });

    it("takes a scope map id as given, with ARM's keyword casing", async () => {
      const id = `${registryId}/scopemaps/team-map`;
      const token = new RegistryToken("ci-pull", { ...registry, scopeMap: id });
      await settled(token);
      assert.equal(recorder.findCreatedResource(AZURE_TOKEN, "ci-pull").inputs["scopeMapId"], `${registryId}/scopeMaps/team-map`);
    });

    it("still validates the other arguments in the constructor while map.id is not known", () => {
      const map = new ScopeMap("shared-map", { ...registry, repositories: { app: ["content/read"] } });
      assert.throws(
        () => new RegistryToken("ci-pull", { ...registry, scopeMap: map.id, status: "Disabled" as "disabled" }),
        (err: unknown) => err instanceof InvalidArgumentsError && err.message.startsWith('RegistryToken "ci-pull": status "Disabled" is not a token status.'),
      );
      assert.throws(
        () => new RegistryToken("ci-pull", { ...registry, scopeMap: map.id, repositories: { app: ["content/read"] } }),
        (err: unknown) => err instanceof InvalidArgumentsError && err.errors[0]!.propertyPath === "scopeMap",
      );
    });

    it("refuses a ScopeMap resource from an untyped JavaScript caller, saying to pass its id, before registering anything", async () => {
      const map = new ScopeMap("shared-map", { ...registry, repositories: { app: ["content/read"] } });
      assert.throws(
        // What a JavaScript program (no types), or one written when scopeMap also took a ScopeMap, passes.
        // @ts-expect-error scopeMap takes the id (map.id), not the resource
        () => new RegistryToken("ci-pull", { ...registry, scopeMap: map }),
        (err: unknown) => {
          assert.ok(err instanceof InvalidArgumentsError);
          assert.equal(
            err.message,
            'RegistryToken "ci-pull": scopeMap got a ScopeMap resource; pass its id: scopeMap: map.id. ' +
              'scopeMap takes a string: a scope map id or a built-in name such as "_repositories_pull".',
          );
          assert.deepEqual(err.errors.map((e) => e.propertyPath), ["scopeMap"]);
          return true;
        },
      );
      // Once the scope map's own registrations are done, nothing of the token was registered.
      await recorder.registeredOutputs(await valueOf(map.urn));
      assert.deepEqual(recorder.resources.filter((r) => r.name.startsWith("ci-pull")), []);
    });

    it("refuses any other non-string scopeMap from JavaScript, naming its type", () => {
      const untyped = { ...registry, scopeMap: { id: `${registryId}/scopeMaps/team-map` } } as unknown as RegistryTokenArgs;
      assert.throws(
        () => new RegistryToken("ci-pull", untyped),
        (err: unknown) => err instanceof InvalidArgumentsError && err.message.startsWith('RegistryToken "ci-pull": scopeMap got a value of type object.'),
      );
      assert.deepEqual(recorder.resources.filter((r) => r.name.startsWith("ci-pull")), []);
    });

    it("refuses an Output that resolves to a non-string once known, before the Token is registered", async () => {
      const untyped = { ...registry, scopeMap: pulumi.output(42) } as unknown as RegistryTokenArgs;
      const token = new RegistryToken("ci-pull", untyped);
      await assert.rejects(valueOf(token.id), /RegistryToken "ci-pull": scopeMap got a value of type number\./);
      assert.deepEqual(recorder.ofType(AZURE_TOKEN), []);
    });
  });

  describe("the password hazard (README: updates never PUT)", () => {
    it("registers the azure-native Token with ignoreChanges on every property an update could send", async () => {
      const token = new RegistryToken("ci-pull", { ...registry, repositories: { app: ["content/read"] } });
      await settled(token);
      const registered = recorder.findCreatedResource(AZURE_TOKEN, "ci-pull");
      assert.deepEqual([...registered.ignoreChanges].sort(), ["credentials", "scopeMapId", "status"]);
      // Every other input is part of the token's ARM path, so changing it replaces the token (a new
      // token has no password to lose) instead of updating it.
      const updatable = Object.keys(registered.inputs).filter((k) => !registered.ignoreChanges.includes(k));
      assert.deepEqual(updatable.sort(), ["registryName", "resourceGroupName", "tokenName"]);
    });

    it("applies scope map and status through TokenSettings, which depends on the token", async () => {
      const token = new RegistryToken("ci-pull", { ...registry, scopeMap: "_repositories_pull", status: "disabled" });
      await settled(token);
      const azureToken = recorder.findCreatedResource(AZURE_TOKEN, "ci-pull");
      const settings = recorder.findCreatedResource(SETTINGS, "ci-pull-settings");
      const { __provider, ...inputs } = settings.inputs;
      assert.equal(typeof __provider, "string");
      assert.deepEqual(inputs, {
        tokenId: `${registryId}/tokens/ci-pull`,
        scopeMapId: `${registryId}/scopeMaps/_repositories_pull`,
        status: "disabled",
      });
      assert.equal(azureToken.inputs["status"], "disabled");
      assert.ok(settings.dependencies.includes(azureToken.urn!));
      assert.equal(await valueOf(token.status), "disabled");
    });
  });

  it("parents every child to the component and names it after the component", async () => {
    const token = new RegistryToken("ci-pull", { ...registry, repositories: { app: ["content/read"] } });
    const urn = await valueOf(token.urn);
    await settled(token);
    const children = recorder.resources.filter((r) => r.type !== COMPONENT);
    // The inline scope map is an azure-native ScopeMap right under the token (no component between).
    assert.deepEqual(children.map((r) => `${r.type}::${r.name}`).sort(), [
      `${AZURE_SCOPE_MAP}::ci-pull-scope-map`,
      `${AZURE_TOKEN}::ci-pull`,
      `${SETTINGS}::ci-pull-settings`,
    ].sort());
    for (const child of children) {
      assert.equal(child.parent, urn, `${child.type} ${child.name}`);
    }
  });

  it("registers every output and they resolve", async () => {
    const token = new RegistryToken("ci-pull", { ...registry, tokenName: "pipeline-7", scopeMap: "_repositories_pull" });
    const outputs = await settled(token);
    const expected = {
      id: `${registryId}/tokens/pipeline-7`,
      tokenName: "pipeline-7",
      username: "pipeline-7",
      scopeMapId: `${registryId}/scopeMaps/_repositories_pull`,
      status: "enabled",
      loginServer: "contoso.azurecr.io",
    };
    assert.deepEqual(outputs, expected);
    assert.deepEqual(
      await valueOf(pulumi.all({ id: token.id, tokenName: token.tokenName, username: token.username, scopeMapId: token.scopeMapId, status: token.status, loginServer: token.loginServer })),
      expected,
    );
  });

  it("looks up the login server with the registry's name and resource group", async () => {
    const id = registryId.replace("contoso", "contosoprod").replace("rg-registry", "rg-prod");
    const token = new RegistryToken("ci-pull", { registryId: id, scopeMap: "_repositories_pull" });
    assert.equal(await valueOf(token.loginServer), "contosoprod.azurecr.io");
    assert.deepEqual(recorder.invokes, [{ token: GET_REGISTRY, inputs: { registryName: "contosoprod", resourceGroupName: "rg-prod" } }]);
  });

  it("refuses both scopeMap and repositories in the constructor even when their values are Outputs", () => {
    assert.throws(
      () => new RegistryToken("ci-pull", { ...registry, scopeMap: pulumi.output("_repositories_pull"), repositories: pulumi.output({ app: ["content/read" as const] }) }),
      (err: unknown) => err instanceof InvalidArgumentsError && err.message.startsWith('RegistryToken "ci-pull": scopeMap and repositories are both set;'),
    );
  });

  it("checks and sends name, status and grants while the registry is unknown (a preview that creates it)", async () => {
    const token = new RegistryToken("ci-pull", {
      registryName: pulumi.output(pulumi.unknown) as pulumi.Output<string>,
      resourceGroupName: "rg-registry",
      status: "disabled",
      repositories: { app: ["content/read"] },
    });
    await settled(token);
    assert.deepEqual(recorder.findCreatedResource(AZURE_SCOPE_MAP, "ci-pull-scope-map").inputs["actions"], ["repositories/app/content/read"]);
    const { inputs } = recorder.findCreatedResource(AZURE_TOKEN, "ci-pull");
    assert.equal(inputs["tokenName"], "ci-pull");
    assert.equal(inputs["status"], "disabled");
  });

  it("fails an invalid Output value before the azure-native Token is registered", async () => {
    const token = new RegistryToken("late-error", { ...registry, status: pulumi.output("paused" as "enabled"), scopeMap: "_repositories_pull" });
    await assert.rejects(valueOf(token.id), (err: unknown) => {
      assert.ok(err instanceof InvalidArgumentsError);
      // Pulumi prefixes the path it was serializing ("error serializing property …: ").
      assert.match(err.message, /RegistryToken "late-error": status "paused" is not a token status\. Allowed: enabled, disabled\.$/);
      return true;
    });
    assert.deepEqual(recorder.ofType(AZURE_TOKEN), []);
  });
});

describe("RegistryToken login server lookup", () => {
  /** The getRegistry invokes made since the last reset, as "resourceGroup/registry". */
  const lookedUp = () => recorder.invokes.filter((i) => i.token === GET_REGISTRY).map((i) => `${String(i.inputs["resourceGroupName"])}/${String(i.inputs["registryName"])}`);
  // Inline grants: a built-in scope map by name would add its own (unshared) registry id lookup.
  const pull = { repositories: { app: ["content/read" as const] } };
  const idOf = (resourceGroup: string, name: string) => `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${resourceGroup}/providers/Microsoft.ContainerRegistry/registries/${name}`;

  describe("in one deployment", () => {
    useMocks();

    it("looks a registry up once for all its tokens, whether given by name or id and in any case", async () => {
      const tokens = [
        new RegistryToken("token-a1", { registryName: "fabrikam", resourceGroupName: "rg-one", ...pull }),
        new RegistryToken("token-a2", { registryName: "fabrikam", resourceGroupName: "RG-One", ...pull }),
        new RegistryToken("token-a3", { registryId: idOf("rg-one", "fabrikam"), ...pull }),
      ];
      const servers = await Promise.all(tokens.map((t) => valueOf(t.loginServer)));
      assert.deepEqual(servers, ["fabrikam.azurecr.io", "fabrikam.azurecr.io", "fabrikam.azurecr.io"]);
      assert.deepEqual(lookedUp(), ["rg-one/fabrikam"]);
    });

    it("looks up each registry, and the same name in another resource group, separately", async () => {
      const tokens = [
        new RegistryToken("token-b1", { registryName: "northwind", resourceGroupName: "rg-one", ...pull }),
        new RegistryToken("token-b2", { registryName: "adventureworks", resourceGroupName: "rg-one", ...pull }),
        new RegistryToken("token-b3", { registryName: "northwind", resourceGroupName: "rg-two", ...pull }),
      ];
      await Promise.all(tokens.map((t) => valueOf(t.loginServer)));
      assert.deepEqual(lookedUp().sort(), ["rg-one/adventureworks", "rg-one/northwind", "rg-two/northwind"]);
    });

    it("looks up per provider: a token under another azure-native provider (e.g. another subscription) gets its own lookup", async () => {
      class AzureNativeProvider extends pulumi.ProviderResource {
        constructor(name: string) {
          super("azure-native", name, {});
        }
      }
      const other = new AzureNativeProvider("other-subscription");
      const tokens = [
        new RegistryToken("token-c1", { registryName: "wingtip", resourceGroupName: "rg-one", ...pull }),
        new RegistryToken("token-c2", { registryName: "wingtip", resourceGroupName: "rg-one", ...pull }, { providers: [other] }),
        new RegistryToken("token-c3", { registryName: "wingtip", resourceGroupName: "rg-one", ...pull }, { providers: [other] }),
      ];
      await Promise.all(tokens.map((t) => valueOf(t.loginServer)));
      assert.deepEqual(lookedUp(), ["rg-one/wingtip", "rg-one/wingtip"]);
    });

    it("shares the registry id lookup of tokens bound to a built-in scope map by name", async () => {
      const builtIn = { scopeMap: "_repositories_pull" } as const;
      const tokens = ["token-g1", "token-g2", "token-g3"].map((n) => new RegistryToken(n, { registryName: "contososhared", resourceGroupName: "rg-one", ...builtIn }));
      const ids = await Promise.all(tokens.map((t) => valueOf(t.scopeMapId)));
      await Promise.all(tokens.map((t) => valueOf(t.loginServer)));
      assert.deepEqual(new Set(ids), new Set([`${idOf("rg-one", "contososhared")}/scopeMaps/_repositories_pull`]));
      // One read for the id (scope maps) and one for the login server, not two per token.
      assert.deepEqual(lookedUp(), ["rg-one/contososhared", "rg-one/contososhared"]);
    });

    it("looks up per token when the registry is an Output (its value is not known at construction)", async () => {
      const tokens = ["token-d1", "token-d2"].map((n) => new RegistryToken(n, { registryName: pulumi.output("tailspin"), resourceGroupName: "rg-one", ...pull }));
      await Promise.all(tokens.map((t) => valueOf(t.loginServer)));
      assert.deepEqual(lookedUp(), ["rg-one/tailspin", "rg-one/tailspin"]);
    });
  });

  // Each describe installs its own mocks: a new resource monitor, as a new `pulumi up` has.
  for (const deployment of ["first", "second"]) {
    describe(`in the ${deployment} of two deployments`, () => {
      useMocks();
      it("looks the registry up again (nothing is cached across deployments)", async () => {
        const token = new RegistryToken("token-f1", { registryName: "proseware", resourceGroupName: "rg-one", ...pull });
        assert.equal(await valueOf(token.loginServer), "proseware.azurecr.io");
        assert.deepEqual(lookedUp(), ["rg-one/proseware"]);
      });
    });
  }
});
