/**
 * `npm run schema`: writes the Pulumi package schema of the `acr-tokens` provider plugin (plugin/) to
 * the golden file `schema/acr-tokens.schema.json`: what `pulumi package add` / `gen-sdk` turn into
 * the Python, Go, .NET, Java and YAML SDKs, and what the plugin answers to GetSchema.
 *
 * Nothing in it is written by hand; it is inferred from the TypeScript types offline, with no engine
 * and no Pulumi CLI, by the analyzer of `@pulumi/pulumi/provider/experimental` (what the Node language
 * host runs for a source-based component package, ../shared/research/component-provider.md §3.1):
 * - the components (ScopeMap, RegistryToken) by `ComponentProvider.getSchema()`;
 * - the custom resources (components/plugin: TokenPassword, TokenSettings) and the provider's settings
 *   (`Provider`/`ProviderArgs`) by the same analyzer, pointed at those classes;
 * - `secret` from the lists the classes themselves use (TOKEN_PASSWORD_SECRET_OUTPUTS,
 *   PROVIDER_SECRET_INPUTS), since the analyzer cannot express it.
 * tests/components/schema.test.ts regenerates it and fails when it differs from the golden file, so
 * a type change that alters other languages' SDKs shows up in review. Run this after an intended change.
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import { Analyzer, type PropertyDefinition } from "@pulumi/pulumi/provider/experimental/analyzer";
import { generateSchema, type PackageSpec } from "@pulumi/pulumi/provider/experimental/schema";
import type * as ts from "typescript";
import { RegistryToken, ScopeMap } from "../components";
import { PROVIDER_SECRET_INPUTS, TOKEN_PASSWORD_SECRET_OUTPUTS } from "../components/plugin";

/** The repository root: it holds the package.json and tsconfig.json the schema is inferred with. */
export const REPO_ROOT = path.resolve(__dirname, "..");

/** The committed golden schema. */
export const SCHEMA_FILE = path.join(REPO_ROOT, "schema", "acr-tokens.schema.json");

/**
 * The components other languages can use, served by the plugin's Construct. RotatingTokenPassword is
 * not among them: its `token` arg is a union (a token id or a RegistryToken), which a schema cannot
 * express; other languages declare two TokenPasswords (README "Other Pulumi languages").
 */
export const CROSS_LANGUAGE_COMPONENTS = [ScopeMap, RegistryToken];

/** The plugin's custom resources (type `acr-tokens:index:<name>`), classes of components/plugin. */
export const PLUGIN_RESOURCES = ["TokenPassword", "TokenSettings"] as const;

/** The secret properties of each custom resource's outputs, from the lists its class uses. */
const SECRET_OUTPUTS: Record<(typeof PLUGIN_RESOURCES)[number], readonly string[]> = {
  TokenPassword: TOKEN_PASSWORD_SECRET_OUTPUTS,
  TokenSettings: [],
};

/** The whole schema of the plugin: components, custom resources, provider and config (see the file docs). */
export async function inferSchema(): Promise<PackageSpec> {
  const components = await inferComponentSchema();
  const custom = inferPluginResourceSchema(components);
  const schema: PackageSpec & { config?: unknown; provider?: unknown } = {
    ...components,
    config: custom.config,
    provider: custom.provider,
    resources: sortKeys({ ...components.resources, ...custom.resources }),
    types: sortKeys({ ...custom.types, ...components.types }),
  };
  return schema;
}

/** The schema `ComponentProvider.getSchema()` infers for {@link CROSS_LANGUAGE_COMPONENTS}. */
async function inferComponentSchema(): Promise<PackageSpec> {
  const provider = new ComponentProvider({ components: CROSS_LANGUAGE_COMPONENTS, name: "acr-tokens", dirname: REPO_ROOT });
  // The analyzer looks for the entry file in package.json's `exports["."]` (default/require/import),
  // then `main`, mapping `.js` to `.ts`. Both name the compiled `dist/components/index.js`, and there
  // is no `dist/components/index.ts`, so it would find none ("No entry points found"). Give it the
  // package's manifest with the entry at its source, as the `acr-tokens-source` export condition does
  // for the tests; name, version and description stay the package's own. `packageJSON` is private in
  // @pulumi/pulumi 3.276.0 (the devDependency, pinned exactly), hence the check.
  const internals = provider as unknown as { packageJSON?: Record<string, unknown> };
  if (typeof internals.packageJSON !== "object" || internals.packageJSON === null) {
    throw new Error("ComponentProvider has no packageJSON field any more (an @pulumi/pulumi upgrade?); update scripts/schema.ts.");
  }
  internals.packageJSON = { ...internals.packageJSON, exports: undefined, main: "components/index.ts" };
  const schema = JSON.parse(await provider.getSchema()) as PackageSpec;
  // A component's `id` never reaches another language: Construct's answer is serialized without `id`
  // and `urn` (serializeResourceProperties), so the SDK property would always be empty. The
  // components expose the same value as `tokenId` / `scopeMapId`.
  for (const resource of Object.values(schema.resources)) {
    delete resource.properties?.["id"];
    resource.required = resource.required?.filter((name) => name !== "id");
  }
  return schema;
}

/**
 * The custom resources and the provider, inferred by the components' analyzer. It hosts only
 * `ComponentResource` subclasses, so the one check that picks classes is replaced for this run to
 * accept the `pulumi.CustomResource` / `pulumi.ProviderResource` classes of components/plugin (found
 * from its index, like components from the package entry); their args interfaces and declared output
 * fields are analyzed exactly as a component's. The result is then given the shape of custom
 * resources: no `isComponent`, the `Provider` class as `provider` and `config`, secrets marked.
 */
function inferPluginResourceSchema(components: PackageSpec): {
  resources: PackageSpec["resources"];
  types: PackageSpec["types"];
  provider: unknown;
  config: unknown;
} {
  const names = new Set<string>([...PLUGIN_RESOURCES, "Provider"]);
  const manifest = { ...readPackageJson(), exports: undefined, main: "components/plugin/index.ts" };
  const analyzer = new Analyzer(REPO_ROOT, components.name, manifest, names);
  const internals = analyzer as unknown as { isPulumiComponent?: (node: ts.ClassDeclaration) => boolean };
  if (typeof internals.isPulumiComponent !== "function") {
    throw new Error("Analyzer has no isPulumiComponent method any more (an @pulumi/pulumi upgrade?); update scripts/schema.ts.");
  }
  internals.isPulumiComponent = (node) =>
    (node.heritageClauses ?? []).some((clause) =>
      clause.types.some((t) => /^pulumi\.(CustomResource|ProviderResource)$/.test(t.expression.getText())),
    );
  const analyzed = analyzer.analyze();
  const { Provider: provider, ...resources } = analyzed.components;
  if (!provider) throw new Error("components/plugin has no Provider class.");
  const generated = generateSchema(components.name, components.version ?? "", components.description ?? "", resources, analyzed.typeDefinitions, []);
  for (const [name, resource] of Object.entries(generated.resources)) {
    delete (resource as { isComponent?: boolean }).isComponent;
    const short = name.split(":")[2] as (typeof PLUGIN_RESOURCES)[number];
    markSecret(resource.properties ?? {}, SECRET_OUTPUTS[short] ?? []);
  }
  const inputs = markSecret(provider.inputs, PROVIDER_SECRET_INPUTS);
  // Config variables are plain strings set with `pulumi config set acr-tokens:<name>`: no Input/optional flags.
  const variables = Object.fromEntries(
    Object.entries(inputs).map(([key, { optional: _o, plain: _p, ...spec }]) => [key, spec]),
  );
  return {
    resources: generated.resources,
    types: generated.types,
    provider: { description: provider.description, inputProperties: inputs, requiredInputs: [] },
    config: { variables },
  };
}

/** Adds `secret: true` to the named properties; a name that is not a property is a bug in the lists. */
function markSecret<T extends Record<string, unknown>>(properties: T, secrets: readonly string[]): T {
  for (const key of secrets) {
    const property = properties[key] as (PropertyDefinition & { secret?: boolean }) | undefined;
    if (!property) throw new Error(`secret property "${key}" is not in the schema; update the secret lists in components/plugin.`);
    property.secret = true;
  }
  return properties;
}

function readPackageJson(): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as Record<string, unknown>;
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

/** The golden file's text: two-space indented JSON and a final newline. */
export function formatSchema(schema: PackageSpec): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

if (require.main === module) {
  inferSchema().then(
    (schema) => {
      writeFileSync(SCHEMA_FILE, formatSchema(schema));
      console.log(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)}: ${Object.keys(schema.resources).join(", ")}`);
    },
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exitCode = 1;
    },
  );
}
