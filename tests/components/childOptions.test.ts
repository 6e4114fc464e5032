import * as assert from "node:assert/strict";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import * as pulumi from "@pulumi/pulumi";
import { RegistryToken, ScopeMap } from "acr-tokens";
import { dropApiVersionAliases, isApiVersionAlias, keepOnlyRead } from "../../components/childOptions";
import { recorder, useMocks, valueOf } from "../../testing/mocks";

const TOKEN = "azure-native:containerregistry:Token";
const SCOPE_MAP = "azure-native:containerregistry:ScopeMap";
const registry = { registryName: "contoso", resourceGroupName: "rg-registry" } as const;

describe("azure-native children's options", () => {
  describe("isApiVersionAlias", () => {
    const cases: [pulumi.Input<string | pulumi.Alias>, boolean][] = [
      [{ type: "azure-native:containerregistry/v20190501preview:Token" }, true],
      [{ type: "azure-native:containerregistry/v20250401:Token" }, true],
      [{ type: "azure-native:containerregistry/v20250401:ScopeMap" }, false], // another resource's
      [{ type: "azure-native:storage/v20250401:Token" }, false], // another module's
      [{ type: "azure-native:containerregistry:Token" }, false], // no version
      [{ type: "azure-native:containerregistry/v20250401:Token", name: "old" }, false], // a caller's rename
      [{ type: "azure-native:containerregistry/v20250401:Token", parent: pulumi.rootStackResource }, false],
      [{ name: "old-name" }, false],
      ["urn:pulumi:stack::project::azure-native:containerregistry/v20250401:Token::t", false],
      [pulumi.output({ type: "azure-native:containerregistry/v20250401:Token" }), false], // not inspectable: kept
    ];
    for (const [alias, expected] of cases) {
      it(`${expected ? "drops" : "keeps"} ${pulumi.Output.isInstance(alias) ? "an Output alias" : JSON.stringify(alias)}`, () => {
        assert.equal(isApiVersionAlias(alias, TOKEN), expected);
      });
    }
  });

  describe("dropApiVersionAliases", () => {
    it("keeps the caller's aliases and drops only the API-version ones", () => {
      const mine = { name: "renamed-from" };
      const result = dropApiVersionAliases({
        type: TOKEN,
        name: "t",
        props: { a: 1 },
        opts: { aliases: [{ type: "azure-native:containerregistry/v20230701:Token" }, mine, { type: "azure-native:containerregistry/v20250401:Token" }] },
        resource: undefined as unknown as pulumi.Resource,
      });
      assert.deepEqual(result?.opts.aliases, [mine]);
      assert.deepEqual(result?.props, { a: 1 });
    });

    it("changes nothing (returns undefined) when there is nothing to drop", () => {
      const args = { type: TOKEN, name: "t", props: {}, opts: { aliases: [{ name: "x" }] }, resource: undefined as unknown as pulumi.Resource };
      assert.equal(dropApiVersionAliases(args), undefined);
      assert.equal(dropApiVersionAliases({ ...args, opts: {} }), undefined);
    });
  });

  describe("keepOnlyRead", () => {
    it("drops properties without a value (output-only ones) except those the component reads, and keeps every value", () => {
      const props = { registryName: "contoso", scopeMapId: pulumi.output("/id"), credentials: undefined, name: undefined, systemData: undefined, type: undefined };
      const result = keepOnlyRead(["name"])({ type: TOKEN, name: "t", props, opts: { parent: undefined }, resource: undefined as unknown as pulumi.Resource });
      assert.deepEqual(Object.keys(result?.props ?? {}).sort(), ["name", "registryName", "scopeMapId"]);
      assert.equal(result?.props["registryName"], "contoso");
      assert.equal(result?.props["scopeMapId"], props.scopeMapId);
    });
  });

  describe("registered children", () => {
    useMocks();

    it("azure-native's own Token and ScopeMap register one API-version alias per version (what the components drop)", async () => {
      const map = new containerregistry.ScopeMap("raw-map", { ...registry, actions: ["repositories/app/content/read"] });
      const token = new containerregistry.Token("raw-token", { ...registry, scopeMapId: map.id });
      await valueOf(token.id);
      for (const [type, name] of [[TOKEN, "raw-token"], [SCOPE_MAP, "raw-map"]] as const) {
        const { aliases } = recorder.findCreatedResource(type, name);
        assert.ok(aliases.length >= 10, `${type} has ${aliases.length} aliases`);
        assert.ok(aliases.every((a) => isApiVersionAlias({ type: a }, type)), aliases.join(", "));
      }
    });

    it("RegistryToken and ScopeMap register their azure-native children without them", async () => {
      const token = new RegistryToken("ci-pull", { ...registry, repositories: { app: ["content/read"] } });
      const shared = new ScopeMap("shared", { ...registry, repositories: { app: ["content/read"] } });
      await Promise.all([valueOf(token.scopeMapId), valueOf(shared.id)]);
      for (const [type, name] of [[TOKEN, "ci-pull"], [SCOPE_MAP, "ci-pull-scope-map"], [SCOPE_MAP, "shared"]] as const) {
        assert.deepEqual(recorder.findCreatedResource(type, name).aliases, [], `${type} ${name}`);
      }
    });

    it("keeps the caller's aliases on the component, from which the engine derives its children's", async () => {
      const token = new RegistryToken("ci-renamed", { ...registry, tokenName: "ci-pull", repositories: { app: ["content/read"] } }, { aliases: [{ name: "ci-old" }] });
      await valueOf(token.scopeMapId);
      assert.deepEqual(recorder.findCreatedResource("acr-tokens:index:RegistryToken", "ci-renamed").aliases, ["ci-old"]);
      // With alias specs (what the engine supports), a child sends no alias of its parent's: the
      // engine applies the parent's to it. So a child sends nothing at all now.
      assert.deepEqual(recorder.findCreatedResource(TOKEN, "ci-renamed").aliases, []);
    });
  });
});
