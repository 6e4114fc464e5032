import * as assert from "node:assert/strict";
import { InvalidArgumentsError, RegistryToken, ScopeMap, type RegistryTokenArgs, type ScopeMapArgs } from "acr-tokens";
import { recorder, useMocks, valueOf } from "../../testing/mocks";

const registry = { registryName: "contoso", resourceGroupName: "rg-registry" } as const;
const registryId = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-registry/providers/Microsoft.ContainerRegistry/registries/contoso";
const pull = { app: ["content/read" as const] };
const ALLOWED_REPOSITORY = "Allowed: content/read, content/write, content/delete, metadata/read, metadata/write.";

/** Runs `construct`, which must throw an InvalidArgumentsError, and returns it. */
function invalid(construct: () => unknown): InvalidArgumentsError {
  let caught: unknown;
  try {
    construct();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof InvalidArgumentsError, `expected an InvalidArgumentsError, got ${String(caught)}`);
  return caught;
}

interface Case {
  readonly title: string;
  readonly construct: () => unknown;
  /** The message's first sentence, exactly. */
  readonly first: string;
  /** Text that must follow it (the fix), when the case is about the fix. */
  readonly then?: string;
  readonly propertyPath: string;
}

const scopeMap = (args: Partial<ScopeMapArgs>, name = "ci-pull") => () => new ScopeMap(name, { ...registry, repositories: pull, ...args });
const token = (args: Partial<RegistryTokenArgs>, name = "ci-pull") => () => new RegistryToken(name, { ...registry, repositories: pull, ...args });

const cases: Case[] = [
  // Actions
  {
    title: "an unknown action, with the nearest valid one",
    construct: scopeMap({ repositories: { app: ["content/reed" as "content/read"] } }),
    first: 'ScopeMap "ci-pull": repositories["app"] has unknown action "content/reed".',
    then: ` Did you mean "content/read"? ${ALLOWED_REPOSITORY}`,
    propertyPath: 'repositories["app"]',
  },
  {
    title: "an unknown action with no near match, without a guess",
    construct: scopeMap({ repositories: { app: ["push" as "content/read"] } }),
    first: 'ScopeMap "ci-pull": repositories["app"] has unknown action "push".',
    then: ` ${ALLOWED_REPOSITORY}`,
    propertyPath: 'repositories["app"]',
  },
  {
    title: "a full action string given as an action",
    construct: scopeMap({ repositories: { app: ["repositories/app/content/read" as "content/read"] } }),
    first: 'ScopeMap "ci-pull": repositories["app"] has unknown action "repositories/app/content/read".',
    then: ' Did you mean "content/read"?',
    propertyPath: 'repositories["app"]',
  },
  {
    title: "a gateway action given for a repository",
    construct: scopeMap({ repositories: { app: ["config/read" as "content/read"] } }),
    first: 'ScopeMap "ci-pull": repositories["app"] has gateway action "config/read", which applies to connected registries, not repositories.',
    then: ' Move it to gateways["<connected registry>"].',
    propertyPath: 'repositories["app"]',
  },
  {
    title: "a repository action given for a gateway",
    construct: scopeMap({ gateways: { edge01: ["content/read" as "config/read"] } }),
    first: 'ScopeMap "ci-pull": gateways["edge01"] has repository action "content/read", which applies to repositories, not connected registries.',
    then: ' Move it to repositories["<repository>"]. Allowed: config/read, config/write, message/read, message/write.',
    propertyPath: 'gateways["edge01"]',
  },
  {
    title: "a repository with no actions",
    construct: scopeMap({ repositories: { app: [] } }),
    first: 'ScopeMap "ci-pull": repositories["app"] has no actions.',
    propertyPath: 'repositories["app"]',
  },
  {
    title: "an empty scope",
    construct: scopeMap({ repositories: {} }),
    first: 'ScopeMap "ci-pull": repositories and gateways are both empty; a scope map needs at least one action.',
    propertyPath: "repositories",
  },
  {
    title: "more than 500 actions",
    construct: scopeMap({
      repositories: Object.fromEntries(
        Array.from({ length: 101 }, (_, i) => [`repo${i}`, ["content/read", "content/write", "content/delete", "metadata/read", "metadata/write"] as const]),
      ) as ScopeMapArgs["repositories"],
    }),
    first: 'ScopeMap "ci-pull": repositories and gateways grant 505 distinct actions; a scope map holds at most 500.',
    propertyPath: "repositories",
  },
  // Repository grammar
  {
    title: "a repository with upper case, with the lower-case name",
    construct: scopeMap({ repositories: { "Team/App": ["content/read"] } }),
    first: 'ScopeMap "ci-pull": repositories["Team/App"] is not a valid repository name: it has upper-case letters.',
    then: ' Repository names are lower-case path components ("a-z", "0-9", separated by ".", "_", "__" or "-") joined by "/", optionally ending in "/*" for every repository under that prefix. Use "team/app".',
    propertyPath: 'repositories["Team/App"]',
  },
  {
    title: "a repository path component outside the grammar",
    construct: scopeMap({ repositories: { "team/-app": ["content/read"] } }),
    first: 'ScopeMap "ci-pull": repositories["team/-app"] is not a valid repository name: path component "-app" does not match.',
    propertyPath: 'repositories["team/-app"]',
  },
  {
    title: "a wildcard without a prefix",
    construct: scopeMap({ repositories: { "*": ["content/read"] } }),
    first: 'ScopeMap "ci-pull": repositories["*"] is not a valid repository name: a wildcard needs a path prefix.',
    propertyPath: 'repositories["*"]',
  },
  {
    title: "a wildcard in the middle of a path",
    construct: scopeMap({ repositories: { "team/*/app": ["content/read"] } }),
    first: 'ScopeMap "ci-pull": repositories["team/*/app"] is not a valid repository name: path component "*" does not match.',
    propertyPath: 'repositories["team/*/app"]',
  },
  // Names
  {
    title: "a registry name with upper case, with the lower-case name",
    construct: scopeMap({ registryName: "Contoso" }),
    first: 'ScopeMap "ci-pull": registryName "Contoso" is not a valid registry name: it has upper-case letters.',
    then: ' Registry names are 5–50 lower-case letters and digits. Use "contoso".',
    propertyPath: "registryName",
  },
  {
    title: "a registry name with a hyphen",
    construct: scopeMap({ registryName: "con-toso" }),
    first: 'ScopeMap "ci-pull": registryName "con-toso" is not a valid registry name: it contains "-".',
    then: ' Registry names are 5–50 lower-case letters and digits. Use "contoso".',
    propertyPath: "registryName",
  },
  {
    title: "a registry name too short",
    construct: scopeMap({ registryName: "acr" }),
    first: 'ScopeMap "ci-pull": registryName "acr" is not a valid registry name: it is 3 characters long.',
    propertyPath: "registryName",
  },
  {
    title: "a resource group name ending with a period",
    construct: scopeMap({ resourceGroupName: "rg." }),
    first: 'ScopeMap "ci-pull": resourceGroupName "rg." is not a valid resource group name: it ends with a period.',
    propertyPath: "resourceGroupName",
  },
  {
    title: "a scope map name defaulted from a resource name that is too short",
    construct: scopeMap({}, "ci"),
    first: 'ScopeMap "ci": scopeMapName is not set and the resource name, "ci", is not a valid scope map name: it is 2 characters long.',
    then: " Scope map names are 5–50 letters, digits, hyphens and underscores. Set scopeMapName explicitly.",
    propertyPath: "scopeMapName",
  },
  {
    title: "a scope map name with a period",
    construct: scopeMap({ scopeMapName: "ci.pull" }),
    first: 'ScopeMap "ci-pull": scopeMapName "ci.pull" is not a valid scope map name: it contains ".".',
    then: ' Scope map names are 5–50 letters, digits, hyphens and underscores. Use "ci-pull".',
    propertyPath: "scopeMapName",
  },
  {
    title: "a scope map named like a built-in one",
    construct: scopeMap({ scopeMapName: "_repositories_pull" }),
    first: 'ScopeMap "ci-pull": scopeMapName "_repositories_pull" is the name of a built-in scope map, which every registry already has.',
    propertyPath: "scopeMapName",
  },
  {
    title: "a connected registry name too short",
    construct: scopeMap({ gateways: { e1: ["config/read"] } }),
    first: 'ScopeMap "ci-pull": gateways["e1"] is not a valid connected registry name: it is 2 characters long.',
    propertyPath: 'gateways["e1"]',
  },
  // The registry
  {
    title: "registryId together with registryName",
    construct: () => new ScopeMap("ci-pull", { registryId, registryName: "contoso", repositories: pull }),
    first: 'ScopeMap "ci-pull": registryId and registryName are both set; they are two ways to name the registry.',
    propertyPath: "registryId",
  },
  {
    title: "no registry",
    construct: () => new ScopeMap("ci-pull", { repositories: pull }),
    first: 'ScopeMap "ci-pull": registryName and resourceGroupName are not set; the registry is required.',
    propertyPath: "registryName",
  },
  {
    title: "registryName without resourceGroupName",
    construct: () => new ScopeMap("ci-pull", { registryName: "contoso", repositories: pull }),
    first: 'ScopeMap "ci-pull": resourceGroupName is not set, but registryName is; the registry needs both.',
    propertyPath: "resourceGroupName",
  },
  {
    title: "a malformed registryId (a token id)",
    construct: () => new ScopeMap("ci-pull", { registryId: `${registryId}/tokens/ci-pull`, repositories: pull }),
    first: `ScopeMap "ci-pull": registryId "${registryId}/tokens/ci-pull" is not a container registry resource id.`,
    then: " It names a resource inside a registry; drop everything after the registry name.",
    propertyPath: "registryId",
  },
  {
    title: "a registryId whose registry name is invalid",
    construct: () => new ScopeMap("ci-pull", { registryId: registryId.replace(/contoso$/, "con_toso"), repositories: pull }),
    first: 'ScopeMap "ci-pull": registryId (registry name) "con_toso" is not a valid registry name: it contains "_".',
    then: ' Registry names are 5–50 letters and digits. Use "contoso".',
    propertyPath: "registryId (registry name)",
  },
  // RegistryToken
  {
    title: "both scopeMap and inline repositories",
    construct: token({ scopeMap: "_repositories_pull" }),
    first: 'RegistryToken "ci-pull": scopeMap and repositories are both set; a token has exactly one scope.',
    then: " Remove scopeMap to create a scope map from repositories, or remove repositories to use scopeMap.",
    propertyPath: "scopeMap",
  },
  {
    title: "no scope at all",
    construct: () => new RegistryToken("ci-pull", { ...registry }),
    first: 'RegistryToken "ci-pull": scopeMap, repositories and gateways are not set; a token needs a scope.',
    propertyPath: "scopeMap",
  },
  {
    title: "an unknown built-in scope map, with the nearest",
    construct: () => new RegistryToken("ci-pull", { ...registry, scopeMap: "_repositories_pul" }),
    first: 'RegistryToken "ci-pull": scopeMap "_repositories_pul" is not a built-in scope map.',
    then: ' Did you mean "_repositories_pull"? Built-in scope maps: _repositories_pull, _repositories_push, _repositories_admin.',
    propertyPath: "scopeMap",
  },
  {
    title: "a bare scope map name",
    construct: () => new RegistryToken("ci-pull", { ...registry, scopeMap: "ci-pull-map" }),
    first: 'RegistryToken "ci-pull": scopeMap "ci-pull-map" is neither a scope map resource id nor a built-in scope map name.',
    propertyPath: "scopeMap",
  },
  {
    title: "a malformed scope map id (a registry id)",
    construct: () => new RegistryToken("ci-pull", { registryId, scopeMap: registryId }),
    first: `RegistryToken "ci-pull": scopeMap "${registryId}" is not a scope map resource id.`,
    propertyPath: "scopeMap",
  },
  {
    title: "a scope map of another registry",
    construct: () => new RegistryToken("ci-pull", { registryId, scopeMap: `${registryId.replace(/contoso$/, "fabrikam")}/scopeMaps/ci-pull` }),
    first:
      `RegistryToken "ci-pull": scopeMap "${registryId.replace(/contoso$/, "fabrikam")}/scopeMaps/ci-pull" belongs to registry "fabrikam" in resource group "rg-registry", ` +
      'but the token is in registry "contoso" in resource group "rg-registry".',
    propertyPath: "scopeMap",
  },
  {
    title: "a status in the wrong case",
    construct: token({ status: "Enabled" as "enabled" }),
    first: 'RegistryToken "ci-pull": status "Enabled" is not a token status.',
    then: ' Use "enabled". Allowed: enabled, disabled.',
    propertyPath: "status",
  },
  {
    title: "a token name with an underscore",
    construct: token({ tokenName: "ci_pull" }),
    first: 'RegistryToken "ci-pull": tokenName "ci_pull" is not a valid token name: it contains "_".',
    then: ' Token names are 5–50 letters, digits and hyphens. Use "ci-pull".',
    propertyPath: "tokenName",
  },
  {
    title: "a token name defaulted from a resource name that is too short",
    construct: token({}, "ci"),
    first: 'RegistryToken "ci": tokenName is not set and the resource name, "ci", is not a valid token name: it is 2 characters long.',
    propertyPath: "tokenName",
  },
  {
    title: "a token name too long for the inline scope map name",
    construct: token({ tokenName: "t".repeat(41) }),
    first:
      `RegistryToken "ci-pull": tokenName "${"t".repeat(41)}" is 41 characters long, too long for the inline scope map ` +
      `"${"t".repeat(41)}-scope-map" (scope map names are at most 50 characters).`,
    then: " With repositories or gateways, tokenName can have at most 40 characters; shorten it, or create a ScopeMap and pass its id as scopeMap.",
    propertyPath: "tokenName",
  },
  {
    title: "inline repositories, reported against the token",
    construct: token({ repositories: { app: ["content/reed" as "content/read"] } }),
    first: 'RegistryToken "ci-pull": repositories["app"] has unknown action "content/reed".',
    propertyPath: 'repositories["app"]',
  },
];

describe("validation messages", () => {
  useMocks();

  for (const c of cases) {
    it(`reports ${c.title}`, () => {
      const err = invalid(c.construct);
      assert.equal(err.errors.length, 1, err.message);
      assert.ok(err.message.startsWith(c.first), `message:\n${err.message}\nexpected first sentence:\n${c.first}`);
      if (c.then !== undefined) {
        assert.ok(err.message.slice(c.first.length).startsWith(c.then), `message:\n${err.message}\nexpected after the first sentence:\n${c.then}`);
      }
      assert.equal(err.errors[0]!.propertyPath, c.propertyPath);
      assert.equal(`${err.component} "${err.resourceName}": ${err.errors[0]!.reason}`, err.message);
    });
  }

  it("reports every bad entry of a scope map together, one line each", () => {
    const err = invalid(() =>
      new ScopeMap("ci-pull", {
        registryName: "Contoso",
        resourceGroupName: "rg-registry",
        repositories: { app: ["content/reed" as "content/read", "config/read" as "content/read"], App2: ["content/read"] },
        gateways: { edge01: ["mesage/read" as "message/read"] },
      }),
    );
    assert.deepEqual(
      err.errors.map((e) => e.propertyPath),
      ["registryName", 'repositories["app"]', 'repositories["app"]', 'repositories["App2"]', 'gateways["edge01"]'],
    );
    const lines = err.message.split("\n");
    assert.equal(lines.length, 5);
    assert.ok(lines.every((line) => line.startsWith('ScopeMap "ci-pull": ')), err.message);
    assert.match(lines[4]!, /has unknown action "mesage\/read"\. Did you mean "message\/read"\?/);
  });

  it("reports problems of several properties of a token together", () => {
    const err = invalid(() =>
      new RegistryToken("ci-pull", { registryName: "contoso", resourceGroupName: "rg.", tokenName: "ci_pull", status: "on" as "enabled", repositories: {} }),
    );
    assert.deepEqual(
      err.errors.map((e) => e.propertyPath),
      ["resourceGroupName", "tokenName", "status", "repositories"],
    );
  });

  it("registers nothing when the arguments are invalid", async () => {
    invalid(scopeMap({ repositories: { app: ["content/reed" as "content/read"] } }));
    invalid(token({ status: "Enabled" as "enabled" }));
    // A valid component registered afterwards is the only thing the mocks saw.
    const probe = new ScopeMap("probe-map", { ...registry, repositories: pull });
    await valueOf(probe.id);
    assert.deepEqual(
      recorder.resources.map((r) => `${r.type}::${r.name}`),
      ["acr-tokens:index:ScopeMap::probe-map", "azure-native:containerregistry:ScopeMap::probe-map"],
    );
  });
});
