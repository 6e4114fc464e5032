import type { ContainerRegistryManagementClient } from "@azure/arm-containerregistry";
import { definedOnly, deepEqual, stripSecrets, type Props } from "./state";

/**
 * azure-native's containerregistry resources as azure-native 3.x carries them out
 * (../shared/acr/README.md §11), through `@azure/arm-containerregistry`:
 * - create and update: one PUT whose body is the program's inputs alone (no GET-and-merge, never a
 *   PATCH: the token-PUT hazard is reproduced), then a GET stored as the outputs (read-after-write);
 * - a change of a path parameter (group, registry, own name; a registry's location) replaces;
 * - read (refresh): GET; 404 removes the resource from state; properties whose projection onto the
 *   inputs changed since the last read are written back into the stored inputs.
 * Outputs are the SDK model's JSON (dates as ISO strings), close to azure-native's flattened outputs.
 */

type Arm = ContainerRegistryManagementClient;
const LRO = { updateIntervalInMs: 0 } as const;

interface ResourceSpec {
  /** The input naming the resource itself; defaults to the Pulumi name (the harness does not add azure-native's random suffix). */
  nameKey: string;
  /** Inputs whose change replaces the resource (path parameters; forceNew properties). */
  replaceKeys: readonly string[];
  /** Inputs that are properties of the body (not path parameters): what refresh may write back. */
  bodyKeys: readonly string[];
  put(arm: Arm, rg: string, registry: string, name: string, body: Props): Promise<unknown>;
  get(arm: Arm, rg: string, registry: string, name: string): Promise<unknown>;
  delete(arm: Arm, rg: string, registry: string, name: string): Promise<unknown>;
  /** The body property as the inputs hold it (refresh's projection of an output onto the input shape). */
  project?(key: string, value: unknown): unknown;
}

/** Passwords as inputs hold them after a refresh: `{name, creationTime, expiry?}` (never a value). */
function projectCredentials(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  const c = value as { passwords?: Array<Props>; certificates?: Array<Props> };
  const out: Props = {};
  if (c.certificates !== undefined) out["certificates"] = c.certificates;
  if (c.passwords !== undefined) {
    out["passwords"] = c.passwords.map((p) => definedOnly({ name: p["name"], creationTime: p["creationTime"], expiry: p["expiry"] }));
  }
  return out;
}

/** The SDK takes Dates where inputs hold ISO strings. */
function credentialsBody(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  const c = value as { passwords?: Array<Props> };
  if (!Array.isArray(c.passwords)) return value;
  return {
    ...c,
    passwords: c.passwords.map((p) =>
      definedOnly({
        ...p,
        creationTime: typeof p["creationTime"] === "string" ? new Date(p["creationTime"]) : p["creationTime"],
        expiry: typeof p["expiry"] === "string" ? new Date(p["expiry"]) : p["expiry"],
      }),
    ),
  };
}

const SPECS: Record<string, ResourceSpec> = {
  "azure-native:containerregistry:Registry": {
    nameKey: "registryName",
    replaceKeys: ["resourceGroupName", "registryName", "location"],
    bodyKeys: ["location", "sku", "tags", "adminUserEnabled", "anonymousPullEnabled", "dataEndpointEnabled", "publicNetworkAccess", "zoneRedundancy", "networkRuleBypassOptions", "policies"],
    put: (arm, rg, _registry, name, body) => arm.registries.create(rg, name, body as never, LRO),
    get: (arm, rg, _registry, name) => arm.registries.get(rg, name),
    delete: (arm, rg, _registry, name) => arm.registries.delete(rg, name, LRO),
  },
  "azure-native:containerregistry:ScopeMap": {
    nameKey: "scopeMapName",
    replaceKeys: ["resourceGroupName", "registryName", "scopeMapName"],
    bodyKeys: ["actions", "description"],
    put: (arm, rg, registry, name, body) => arm.scopeMaps.create(rg, registry, name, body as never, LRO),
    get: (arm, rg, registry, name) => arm.scopeMaps.get(rg, registry, name),
    delete: (arm, rg, registry, name) => arm.scopeMaps.delete(rg, registry, name, LRO),
  },
  "azure-native:containerregistry:Token": {
    nameKey: "tokenName",
    replaceKeys: ["resourceGroupName", "registryName", "tokenName"],
    bodyKeys: ["scopeMapId", "status", "credentials"],
    put: (arm, rg, registry, name, body) =>
      arm.tokens.create(rg, registry, name, { ...body, ...(body["credentials"] !== undefined ? { credentials: credentialsBody(body["credentials"]) } : {}) } as never, LRO),
    get: (arm, rg, registry, name) => arm.tokens.get(rg, registry, name),
    delete: (arm, rg, registry, name) => arm.tokens.delete(rg, registry, name, LRO),
    project: (key, value) => (key === "credentials" ? projectCredentials(value) : value),
  },
};

/** True for the azure-native types the harness carries out. */
export function isAzureNativeType(type: string): boolean {
  return type in SPECS;
}

function specOf(type: string): ResourceSpec {
  const spec = SPECS[type];
  if (!spec) {
    throw new Error(
      `harness: ${type} is not carried out by the harness; it handles ${Object.keys(SPECS).join(", ")}, dynamic resources and components.`,
    );
  }
  return spec;
}

interface Coordinates {
  rg: string;
  registry: string;
  name: string;
}

function coordinates(type: string, name: string, inputs: Props): Coordinates {
  const spec = specOf(type);
  const rg = inputs["resourceGroupName"];
  const own = inputs[spec.nameKey] ?? name;
  const registry = type === "azure-native:containerregistry:Registry" ? own : inputs["registryName"];
  if (typeof rg !== "string" || typeof registry !== "string" || typeof own !== "string") {
    throw new Error(`harness: ${type} "${name}" needs string resourceGroupName and registryName inputs; got ${JSON.stringify(stripSecrets({ rg, registry }))}.`);
  }
  return { rg, registry, name: own };
}

/** JSON of an SDK model: dates as ISO strings, no undefined. */
function json(model: unknown): Props {
  return JSON.parse(JSON.stringify(model)) as Props;
}

function statusOf(err: unknown): number | undefined {
  return typeof err === "object" && err !== null ? ((err as { statusCode?: number }).statusCode ?? undefined) : undefined;
}

/** The engine + provider diff: changed input keys, and whether one of them replaces. */
export function diffAzureNative(type: string, olds: Props, news: Props): { changed: string[]; replace: boolean; replaces: string[] } {
  const spec = specOf(type);
  const keys = new Set([...Object.keys(olds), ...Object.keys(news)]);
  const changed = [...keys].filter((k) => !deepEqual(olds[k], news[k])).sort();
  const replaces = changed.filter((k) => spec.replaceKeys.includes(k));
  return { changed, replace: replaces.length > 0, replaces };
}

/** The body properties of `outputs` as inputs hold them (what an import adopts as the stored inputs). */
export function projectAzureNativeInputs(type: string, outputs: Props): Props {
  const spec = specOf(type);
  const project = spec.project ?? ((_k: string, v: unknown) => v);
  return Object.fromEntries(spec.bodyKeys.filter((k) => outputs[k] !== undefined).map((k) => [k, project(k, outputs[k])]));
}

/** PUT from the inputs (create or update alike), then GET: the outputs, and the id. */
export async function putAzureNative(arm: Arm, type: string, name: string, inputs: Props): Promise<{ id: string; outputs: Props }> {
  const spec = specOf(type);
  const plain = stripSecrets(inputs) as Props;
  const at = coordinates(type, name, plain);
  const body = Object.fromEntries(Object.entries(plain).filter(([k]) => spec.bodyKeys.includes(k)));
  await spec.put(arm, at.rg, at.registry, at.name, body);
  const outputs = json(await spec.get(arm, at.rg, at.registry, at.name));
  return { id: String(outputs["id"]), outputs };
}

/**
 * Refresh: GET. Undefined when the resource is gone. Otherwise the new outputs, and the stored inputs
 * with every body property whose input-shaped projection changed between the old and the new outputs
 * written back (azure-native's Read; a Token's generated passwords land in `credentials`).
 */
export async function readAzureNative(
  arm: Arm,
  type: string,
  name: string,
  inputs: Props,
  oldOutputs: Props,
): Promise<{ outputs: Props; inputs: Props } | undefined> {
  const spec = specOf(type);
  const at = coordinates(type, name, stripSecrets(inputs) as Props);
  let model: unknown;
  try {
    model = await spec.get(arm, at.rg, at.registry, at.name);
  } catch (err) {
    if (statusOf(err) === 404) return undefined;
    throw err;
  }
  const outputs = json(model);
  const project = spec.project ?? ((_k: string, v: unknown) => v);
  const newInputs: Props = { ...inputs };
  for (const key of spec.bodyKeys) {
    const before = project(key, oldOutputs[key]);
    const after = project(key, outputs[key]);
    if (deepEqual(before, after)) continue;
    if (after === undefined) delete newInputs[key];
    else newInputs[key] = after;
  }
  return { outputs, inputs: newInputs };
}

/** DELETE (waits for the LRO); a resource already gone is success. */
export async function deleteAzureNative(arm: Arm, type: string, name: string, inputs: Props): Promise<void> {
  const spec = specOf(type);
  const at = coordinates(type, name, stripSecrets(inputs) as Props);
  try {
    await spec.delete(arm, at.rg, at.registry, at.name);
  } catch (err) {
    if (statusOf(err) !== 404) throw err;
  }
}

/** The invokes programs make: `azure-native:containerregistry:getRegistry` is a registry GET. */
export async function invokeAzureNative(arm: Arm, token: string, args: Props): Promise<Props> {
  if (token === "azure-native:containerregistry:getRegistry") {
    const { resourceGroupName, registryName } = stripSecrets(args) as { resourceGroupName?: unknown; registryName?: unknown };
    if (typeof resourceGroupName !== "string" || typeof registryName !== "string") {
      throw new Error(`harness: ${token} needs string resourceGroupName and registryName arguments.`);
    }
    return json(await arm.registries.get(resourceGroupName, registryName));
  }
  throw new Error(`harness: the invoke ${token} is not carried out by the harness (only azure-native:containerregistry:getRegistry is).`);
}
