/**
 * `npm run schema`: writes the Pulumi package schema that other languages would get for the
 * cross-language components (ScopeMap, RegistryToken) to the golden file `schema/acr-tokens.schema.json`.
 *
 * The schema is inferred from the TypeScript types offline, with no engine and no Pulumi CLI, by the
 * same code the Node language host runs when a source-based component package is hosted:
 * `ComponentProvider.getSchema()` of `@pulumi/pulumi/provider/experimental`
 * (../shared/research/component-provider.md §3.1). tests/components/schema.test.ts regenerates it and
 * fails when it differs from the golden file, so a type change that breaks other languages (a union,
 * a resource-typed arg, a new output) shows up in review. Run this after an intended change.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import type { PackageSpec } from "@pulumi/pulumi/provider/experimental/schema";
import { RegistryToken, ScopeMap } from "../components";

/** The repository root: it holds the package.json and tsconfig.json the schema is inferred with. */
export const REPO_ROOT = path.resolve(__dirname, "..");

/** The committed golden schema. */
export const SCHEMA_FILE = path.join(REPO_ROOT, "schema", "acr-tokens.schema.json");

/**
 * The components other languages can use. TokenPassword (and RotatingTokenPassword, which creates
 * TokenPasswords) stay TypeScript-only: a dynamic resource's provider cannot run from a Python, Go,
 * .NET or YAML program (pulumi/pulumi#5455).
 */
export const CROSS_LANGUAGE_COMPONENTS = [ScopeMap, RegistryToken];

/** The schema `ComponentProvider.getSchema()` infers for {@link CROSS_LANGUAGE_COMPONENTS}. */
export async function inferSchema(): Promise<PackageSpec> {
  const provider = new ComponentProvider({ components: CROSS_LANGUAGE_COMPONENTS, name: "acr-tokens", dirname: REPO_ROOT });
  // The analyzer looks for the entry file in package.json's `exports["."]` (default/require/import),
  // then `main`, mapping `.js` to `.ts`. Both name the compiled `dist/components/index.js`, and there
  // is no `dist/components/index.ts`, so it would find none ("No entry points found"). Give it the
  // package's manifest with the entry at its source, as the `acr-tokens-source` export condition does
  // for the tests; name, version and description stay the package's own. `packageJSON` is private in
  // @pulumi/pulumi 3.270.0 (pinned exactly), hence the check.
  const internals = provider as unknown as { packageJSON?: Record<string, unknown> };
  if (typeof internals.packageJSON !== "object" || internals.packageJSON === null) {
    throw new Error("ComponentProvider has no packageJSON field any more (an @pulumi/pulumi upgrade?); update scripts/schema.ts.");
  }
  internals.packageJSON = { ...internals.packageJSON, exports: undefined, main: "components/index.ts" };
  return JSON.parse(await provider.getSchema()) as PackageSpec;
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
