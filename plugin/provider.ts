import { readFileSync } from "node:fs";
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import type * as provider from "@pulumi/pulumi/provider";
import { importPassword } from "../components/provider/tokenPassword/crud";
import { tokenPasswordMethods, tokenSettingsMethods } from "../components/provider/methods";
import { TOKEN_PASSWORD, type TokenPasswordInputs, type TokenPasswordOutputs } from "../components/provider/tokenPassword/types";
import type { TokenSettingsState } from "../components/provider/tokenSettings/types";
import { RegistryToken } from "../components/registryToken";
import { ScopeMap } from "../components/scopeMap";
import { redactedProvider } from "../components/common/providerBoundary";
import { pluginContext } from "./context";
import { revealSecrets } from "./wire";

/** The package root: where package.json and the generated schema live (from plugin/ or dist/plugin/). */
export const PACKAGE_ROOT = path.dirname(require.resolve("acr-tokens/package.json"));

/** The generated schema the plugin serves (`npm run schema`; checked by tests/components/schema.test.ts). */
export const SCHEMA_PATH = path.join(PACKAGE_ROOT, "schema", "acr-tokens.schema.json");

type Props = Record<string, unknown>;

/** One custom resource's CRUD on the plain values of the wire (secret markers already removed). */
interface CustomResourceAdapter {
  check(olds: Props, news: Props): Promise<provider.CheckResult>;
  diff(olds: Props, news: Props): Promise<provider.DiffResult>;
  create(inputs: Props): Promise<provider.CreateResult>;
  read(id: string, props: Props): Promise<provider.ReadResult>;
  update(olds: Props, news: Props): Promise<provider.UpdateResult>;
  delete(props: Props): Promise<void>;
}

const passwordMethods = tokenPasswordMethods(pluginContext);
const settingsMethods = tokenSettingsMethods(pluginContext);

/**
 * TokenPassword: the methods the dynamic provider serves too (components/provider/methods.ts) with this
 * plugin's settings. Read with the id alone is `pulumi import`, which only the plugin can serve.
 */
// Through the redaction boundary, as the dynamic provider's methods are (components/common/providerBoundary.ts).
const tokenPassword: CustomResourceAdapter = redactedProvider<CustomResourceAdapter>({
  check: (olds, news) => passwordMethods.check(olds, news),
  diff: (olds, news) => passwordMethods.diff(olds as Partial<TokenPasswordOutputs>, news as unknown as TokenPasswordInputs),
  create: (inputs) => passwordMethods.create(inputs as unknown as TokenPasswordInputs),
  async read(id, props) {
    if (props["tokenId"] === undefined) {
      const imported = await importPassword(id, pluginContext(TOKEN_PASSWORD));
      return imported ? { id, props: imported.outs, inputs: imported.inputs } : { id: "", props: {} };
    }
    return passwordMethods.read(id, props as unknown as TokenPasswordOutputs);
  },
  update: (olds, news) => passwordMethods.update(olds as unknown as TokenPasswordOutputs, news as unknown as TokenPasswordInputs),
  delete: (props) => passwordMethods.delete(props as unknown as TokenPasswordOutputs),
});

/** TokenSettings: the methods the dynamic provider serves too; RegistryToken's child under the plugin. */
const tokenSettings: CustomResourceAdapter = redactedProvider<CustomResourceAdapter>({
  check: (olds, news) => settingsMethods.check(olds, news),
  diff: (olds, news) => settingsMethods.diff(olds as Partial<TokenSettingsState>, news as unknown as TokenSettingsState),
  create: (inputs) => settingsMethods.create(inputs as unknown as TokenSettingsState),
  read: (id, props) => settingsMethods.read(id, props as unknown as TokenSettingsState),
  update: (olds, news) => settingsMethods.update(olds as unknown as TokenSettingsState, news as unknown as TokenSettingsState),
  delete: (props) => settingsMethods.delete(props as unknown as TokenSettingsState),
});

/** The custom resources and their adapters, by type token. */
const CUSTOM: Record<string, CustomResourceAdapter> = {
  "acr-tokens:index:TokenPassword": tokenPassword,
  "acr-tokens:index:TokenSettings": tokenSettings,
};

type ComponentClass = new (name: string, args: never, opts?: pulumi.ComponentResourceOptions) => pulumi.ComponentResource;

/** The components served by Construct, by type token. */
const COMPONENTS: Record<string, ComponentClass> = {
  "acr-tokens:index:ScopeMap": ScopeMap,
  "acr-tokens:index:RegistryToken": RegistryToken,
};

function typeOfUrn(urn: string): string {
  // urn:pulumi:<stack>::<project>::<parent types$>type::<name>
  const qualified = urn.split("::")[2] ?? "";
  return qualified.split("$").pop() ?? "";
}

function adapterFor(urn: string): CustomResourceAdapter {
  const type = typeOfUrn(urn);
  const adapter = CUSTOM[type];
  if (!adapter) throw new Error(`acr-tokens plugin: unknown resource type "${type}"; it serves ${Object.keys(CUSTOM).join(", ")}.`);
  return adapter;
}

const plain = (value: unknown): Props => (revealSecrets(value ?? {}) ?? {}) as Props;

/**
 * The `acr-tokens` provider plugin (README "Other Pulumi languages"): the components by Construct,
 * TokenPassword and TokenSettings by CRUD through the provider core the dynamic resources use
 * (components/provider), with the engine's secret markers removed from what it sends. Settings arrive
 * by Configure (plugin/configure.ts, plugin/context.ts).
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
    return adapterFor(urn).check(plain(olds), plain(news));
  }

  async diff(_id: string, urn: string, olds: unknown, news: unknown): Promise<provider.DiffResult> {
    return adapterFor(urn).diff(plain(olds), plain(news));
  }

  async create(urn: string, inputs: unknown): Promise<provider.CreateResult> {
    return adapterFor(urn).create(plain(inputs));
  }

  async read(id: string, urn: string, props?: unknown): Promise<provider.ReadResult> {
    return adapterFor(urn).read(id, plain(props));
  }

  async update(_id: string, urn: string, olds: unknown, news: unknown): Promise<provider.UpdateResult> {
    return adapterFor(urn).update(plain(olds), plain(news));
  }

  async delete(_id: string, urn: string, props: unknown): Promise<void> {
    await adapterFor(urn).delete(plain(props));
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
