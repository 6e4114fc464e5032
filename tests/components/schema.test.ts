import * as assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import type { PackageSpec, Property } from "@pulumi/pulumi/provider/experimental/schema";
import { GatewayAction, RepositoryAction, TokenStatus } from "acr-tokens";
import { inferSchema, REPO_ROOT, SCHEMA_FILE } from "../../scripts/schema";

const SCOPE_MAP = "acr-tokens:index:ScopeMap";
const REGISTRY_TOKEN = "acr-tokens:index:RegistryToken";
const TOKEN_PASSWORD = "acr-tokens:index:TokenPassword";
const TOKEN_SETTINGS = "acr-tokens:index:TokenSettings";

/** The stack-config settings the credential module reads (`readSetting(settings, "<name>", …)`), from its source. */
function settingsReadByCredentialModule(): string[] {
  const dir = path.join(REPO_ROOT, "components", "credential");
  const names = readdirSync(dir)
    .filter((f) => f.endsWith(".ts"))
    .flatMap((f) => [...readFileSync(path.join(dir, f), "utf8").matchAll(/readSetting\(settings, "([A-Za-z]+)"/g)].map((m) => m[1]!));
  return [...new Set(names)].sort();
}

/** Up to `limit` JSON paths where `actual` and `expected` differ, e.g. `resources.<token>.inputProperties.scopeMap`. */
function differences(actual: unknown, expected: unknown, at = "", limit = 10): string[] {
  if (JSON.stringify(actual) === JSON.stringify(expected)) {
    return [];
  }
  if (typeof actual !== "object" || typeof expected !== "object" || actual === null || expected === null || Array.isArray(actual) !== Array.isArray(expected)) {
    return [at || "(root)"];
  }
  const a = actual as Record<string, unknown>;
  const e = expected as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(e), ...Object.keys(a)])];
  return keys.flatMap((k) => differences(a[k], e[k], at === "" ? k : `${at}.${k}`, limit)).slice(0, limit);
}

/** Every `description` in the schema, with where it is. */
function descriptions(value: unknown, at = ""): Array<[string, string]> {
  if (typeof value !== "object" || value === null) {
    return [];
  }
  return Object.entries(value).flatMap(([k, v]): Array<[string, string]> =>
    k === "description" && typeof v === "string" ? [[at, v]] : descriptions(v, `${at}.${k}`),
  );
}

describe("plugin schema (what other Pulumi languages get)", function () {
  // getSchema() builds a TypeScript program of the whole tsconfig (every source, test and bench file,
  // and the @pulumi/azure-native declarations they import) and walks its types: about 6 s on this
  // 2-core machine, more under load. It runs once, in before().
  this.timeout(90_000);

  let schema: PackageSpec;
  before(async () => {
    schema = await inferSchema();
  });

  it("equals the committed golden file (run `npm run schema` if the change is intended)", () => {
    const golden = JSON.parse(readFileSync(SCHEMA_FILE, "utf8")) as unknown;
    const changed = differences(schema, golden);
    if (changed.length > 0) {
      assert.fail(
        `The inferred plugin schema differs from ${path.relative(REPO_ROOT, SCHEMA_FILE)} at: ${changed.join(", ")}.\n` +
          "If the change to the public surface is intended, run `npm run schema` and commit the file; " +
          "otherwise a type change altered what other Pulumi languages see.",
      );
    }
  });

  it("names the package and holds the two components and the two custom resources", () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version: string };
    assert.equal(schema.name, "acr-tokens");
    assert.equal(schema.version, pkg.version);
    assert.deepEqual(Object.keys(schema.resources).sort(), [REGISTRY_TOKEN, SCOPE_MAP, TOKEN_PASSWORD, TOKEN_SETTINGS]);
    assert.equal(schema.resources[REGISTRY_TOKEN]!.isComponent, true);
    assert.equal(schema.resources[SCOPE_MAP]!.isComponent, true);
    assert.equal(schema.resources[TOKEN_PASSWORD]!.isComponent, undefined);
    assert.equal(schema.resources[TOKEN_SETTINGS]!.isComponent, undefined);
  });

  it("marks TokenPassword's password secret and takes the token as a required tokenId", () => {
    const password = schema.resources[TOKEN_PASSWORD]!;
    const secrets = Object.entries(password.properties!).filter(([, p]) => (p as { secret?: boolean }).secret).map(([k]) => k);
    assert.deepEqual(secrets, ["password"]);
    assert.deepEqual(password.requiredInputs, ["tokenId"]);
    assert.deepEqual(Object.keys(password.inputProperties!).sort(), ["credential", "expiresInDays", "expiry", "rotateBeforeExpiryDays", "slot", "tokenId"]);
    const slot = password.inputProperties!["slot"]!;
    assert.equal("$ref" in slot && slot.$ref, "#/types/acr-tokens:index:PasswordSlot");
  });

  it("configures the provider with every setting the credential module reads, the access token secret", () => {
    const full = schema as PackageSpec & {
      config: { variables: Record<string, { secret?: boolean }> };
      provider: { inputProperties: Record<string, { secret?: boolean; description?: string }> };
    };
    assert.deepEqual(Object.keys(full.config.variables).sort(), settingsReadByCredentialModule());
    assert.deepEqual(Object.keys(full.provider.inputProperties).sort(), settingsReadByCredentialModule());
    const secretOnes = (props: Record<string, { secret?: boolean }>) => Object.keys(props).filter((k) => props[k]!.secret);
    assert.deepEqual(secretOnes(full.config.variables), ["accessToken"]);
    assert.deepEqual(secretOnes(full.provider.inputProperties), ["accessToken"]);
    for (const [name, property] of Object.entries(full.provider.inputProperties)) {
      assert.ok(property.description, `provider setting ${name} has no description (TSDoc)`);
    }
  });

  it("takes RegistryToken's scopeMap as an optional string Input, not a resource reference", () => {
    const scopeMap = schema.resources[REGISTRY_TOKEN]!.inputProperties!["scopeMap"]!;
    assert.equal("type" in scopeMap && scopeMap.type, "string");
    assert.equal((scopeMap as { optional?: boolean }).optional, true);
    assert.equal("$ref" in scopeMap, false);
    assert.equal(scopeMap.plain, undefined, "an Input, so consumers may pass an Output such as map.id");
    assert.deepEqual(schema.resources[REGISTRY_TOKEN]!.requiredInputs, []);
    // No reference to another package's resources, so consumers' SDKs need no azure-native SDK.
    assert.deepEqual(schema.dependencies, []);
  });

  it("types actions and status as enums with the package's values", () => {
    const values = (token: string) => schema.types[token]?.enum?.map((e) => e.value);
    assert.deepEqual(values("acr-tokens:index:RepositoryAction"), Object.values(RepositoryAction));
    assert.deepEqual(values("acr-tokens:index:GatewayAction"), Object.values(GatewayAction));
    assert.deepEqual(values("acr-tokens:index:TokenStatus"), Object.values(TokenStatus));
    const ref = (p: Property | undefined) => (p !== undefined && "$ref" in p ? p.$ref : undefined);
    const token = schema.resources[REGISTRY_TOKEN]!;
    assert.equal(ref(token.inputProperties!["status"]), "#/types/acr-tokens:index:TokenStatus");
    assert.equal(ref(token.properties!["status"]), "#/types/acr-tokens:index:TokenStatus");
    for (const resource of [token, schema.resources[SCOPE_MAP]!]) {
      assert.equal(ref(resource.inputProperties!["repositories"]!.additionalProperties?.items), "#/types/acr-tokens:index:RepositoryAction");
      assert.equal(ref(resource.inputProperties!["gateways"]!.additionalProperties?.items), "#/types/acr-tokens:index:GatewayAction");
    }
  });

  it("lists exactly the public outputs, all required; no `id`, which Construct cannot send (inlineScopeMap is a getter, not an output)", () => {
    const token = schema.resources[REGISTRY_TOKEN]!;
    assert.deepEqual(Object.keys(token.properties!), ["tokenId", "tokenName", "username", "scopeMapId", "status", "loginServer"]);
    assert.deepEqual(token.required, ["loginServer", "scopeMapId", "status", "tokenId", "tokenName", "username"]);
    const scopeMap = schema.resources[SCOPE_MAP]!;
    assert.deepEqual(Object.keys(scopeMap.properties!), ["scopeMapId", "scopeMapName", "actions"]);
    const actions = scopeMap.properties!["actions"]!;
    assert.equal("type" in actions && actions.type, "array");
    assert.deepEqual(actions.items, { type: "string" });
  });

  it("documents every input, output and enum member in readable text", () => {
    for (const [token, resource] of Object.entries(schema.resources)) {
      for (const [name, property] of Object.entries({ ...resource.inputProperties, ...resource.properties })) {
        assert.ok(property.description, `${token} ${name} has no description (TSDoc)`);
      }
    }
    for (const [token, type] of Object.entries(schema.types)) {
      for (const member of type.enum ?? []) {
        assert.ok(member.description, `${token} ${member.name} has no description (TSDoc)`);
      }
    }
    // TSDoc inline tags such as {@link X} reach the schema as "[object Object]".
    const garbled = descriptions(schema).filter(([, text]) => text.includes("[object Object]"));
    assert.deepEqual(garbled.map(([at]) => at), []);
  });
});
