import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type * as provider from "@pulumi/pulumi/provider";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { RegistryToken } from "../components/registryToken";
import { ScopeMap } from "../components/scopeMap";
import { tokenPasswordProvider } from "../components/provider/tokenPasswordProvider";
import { tokenSettingsProvider } from "../components/provider/tokenSettingsProvider";

/** The package root: where package.json and the generated schema live (from plugin/ or dist/plugin/). */
export const PACKAGE_ROOT = path.dirname(require.resolve("acr-tokens/package.json"));

/** The generated schema the plugin serves (`npm run schema`; checked by tests/components/schema.test.ts). */
export const SCHEMA_PATH = path.join(PACKAGE_ROOT, "schema", "acr-tokens.schema.json");

/** What the dynamic providers export: the core both hosts call (components/provider). */
type Core = typeof tokenPasswordProvider | typeof tokenSettingsProvider;

/** The custom resources and the core that serves each: the same objects the dynamic resources' shims load. */
const CUSTOM: Record<string, Core> = {
  "acr-tokens:index:TokenPassword": tokenPasswordProvider,
  "acr-tokens:index:TokenSettings": tokenSettingsProvider,
};

type ComponentClass = new (name: string, args: never, opts?: pulumi.ComponentResourceOptions) => pulumi.ComponentResource;

/** The components served by Construct, by type token. */
const COMPONENTS: Record<string, ComponentClass> = {
  "acr-tokens:index:ScopeMap": ScopeMap,
  "acr-tokens:index:RegistryToken": RegistryToken,
};

/** A value without the engine's secret markers (the core works on plain values and marks its own secrets). */
export function revealSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(revealSecrets);
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    if (record[specialSigKey] === specialSecretSig) return revealSecrets(record["value"]);
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, revealSecrets(v)]));
  }
  return value;
}

function typeOfUrn(urn: string): string {
  // urn:pulumi:<stack>::<project>::<parent types$>type::<name>
  const qualified = urn.split("::")[2] ?? "";
  return qualified.split("$").pop() ?? "";
}

function coreFor(urn: string): Core {
  const type = typeOfUrn(urn);
  const core = CUSTOM[type];
  if (!core) throw new Error(`acr-tokens plugin: unknown resource type "${type}"; it serves ${Object.keys(CUSTOM).join(", ")}.`);
  return core;
}

type Props = Record<string, never>;

/**
 * The `acr-tokens` provider plugin (README "Other Pulumi languages"): the components by Construct,
 * TokenPassword and TokenSettings by CRUD. Every CRUD method forwards to the provider core the dynamic
 * resources use (components/provider), with the engine's secret markers removed from what it sends;
 * the core marks `password` secret itself. Settings arrive by Configure (plugin/configure.ts).
 */
export class AcrTokensProvider implements provider.Provider {
  readonly version: string;
  private readonly outputNames: Record<string, string[]>;
  private readonly schemaText: string;

  constructor() {
    this.schemaText = readFileSync(SCHEMA_PATH, "utf8");
    const schema = JSON.parse(this.schemaText) as { version: string; resources: Record<string, { properties?: Record<string, unknown> }> };
    this.version = schema.version;
    this.outputNames = Object.fromEntries(Object.entries(schema.resources).map(([type, r]) => [type, Object.keys(r.properties ?? {})]));
  }

  async getSchema(): Promise<string> {
    return this.schemaText;
  }

  async check(urn: string, olds: unknown, news: unknown): Promise<provider.CheckResult> {
    const result = await coreFor(urn).check(revealSecrets(olds ?? {}) as Props, revealSecrets(news) as Props);
    return { inputs: result.inputs, failures: result.failures ?? [] };
  }

  async diff(id: string, urn: string, olds: unknown, news: unknown): Promise<provider.DiffResult> {
    return coreFor(urn).diff(id, revealSecrets(olds) as never, revealSecrets(news) as never);
  }

  async create(urn: string, inputs: unknown): Promise<provider.CreateResult> {
    return coreFor(urn).create(revealSecrets(inputs) as never);
  }

  async read(id: string, urn: string, props?: unknown): Promise<provider.ReadResult> {
    return coreFor(urn).read(id, revealSecrets(props ?? {}) as never);
  }

  async update(id: string, urn: string, olds: unknown, news: unknown): Promise<provider.UpdateResult> {
    return coreFor(urn).update(id, revealSecrets(olds) as never, revealSecrets(news) as never);
  }

  async delete(id: string, urn: string, props: unknown): Promise<void> {
    await coreFor(urn).delete(id, revealSecrets(props) as never);
  }

  /** Runs the component's own constructor (its children are registered with the engine from here) and returns its outputs. */
  async construct(name: string, type: string, inputs: pulumi.Inputs, options: pulumi.ComponentResourceOptions): Promise<provider.ConstructResult> {
    const Component = COMPONENTS[type];
    if (!Component) throw new Error(`acr-tokens plugin: unknown component type "${type}"; it serves ${Object.keys(COMPONENTS).join(", ")}.`);
    const component = new Component(name, inputs as never, options) as unknown as Record<string, unknown> & pulumi.ComponentResource;
    const state = Object.fromEntries((this.outputNames[type] ?? []).map((key) => [key, component[key]]));
    return { urn: component.urn, state };
  }
}
