import type * as pulumi from "@pulumi/pulumi";

/**
 * Options for an `@pulumi/azure-native` resource that a component of this package creates as its
 * child: `{ parent, ...extra }` plus two transformations that make the child cheap to construct:
 *
 * - **No API-version aliases.** Every azure-native resource adds one alias per API version it ever
 *   shipped (`azure-native:containerregistry/v20190501preview:Token`, … — 20 for Token and ScopeMap
 *   in azure-native 3.28) so that stacks created with a versioned type migrate to the default one.
 *   The Node SDK turns each alias into Outputs and a URN at construction time, which is most of what
 *   a Token costs a program: 1,000 ScopeMap+Token pairs under the mock runtime take 19 s and 1.9 GiB
 *   of RSS with the aliases and 7 s and 0.56 GiB without (`npm run bench`, `mocks1000Tokens…`). The
 *   children of this package's components have only ever been registered with the default type,
 *   under a parent of this package, so no state can hold them under a versioned type: those aliases
 *   can never match. Aliases the caller gives are kept, and the engine applies the caller's aliases
 *   on the component to its children.
 * - **No Outputs for output properties the component never reads.** The SDK makes an Output (four
 *   promises, each with a captured stack) for every property a resource declares, also for
 *   output-only ones such as `systemData` or `provisioningState`. The component reads only `read`
 *   (and `id`), so the other output-only properties (those without an input value) are left off the
 *   child object. Nothing is lost: the engine still stores every output the provider returns in the
 *   state, and the child object is not reachable from the component's public surface.
 *
 * @param read - The child's output-only properties that the component reads (e.g. `["name"]`).
 */
export function azureNativeChildOptions<T extends pulumi.CustomResourceOptions>(
  parent: pulumi.Resource,
  read: readonly string[],
  extra?: T,
): T & { parent: pulumi.Resource } {
  return { ...(extra as T), parent, transformations: [...(extra?.transformations ?? []), dropApiVersionAliases, keepOnlyRead(read)] };
}

/** A transformation that drops properties without a value (output-only ones), except `read`. */
export function keepOnlyRead(read: readonly string[]): pulumi.ResourceTransformation {
  return ({ props, opts }) => {
    const kept: pulumi.Inputs = {};
    for (const [key, value] of Object.entries(props)) {
      if (value !== undefined || read.includes(key)) kept[key] = value;
    }
    return { props: kept, opts };
  };
}

/**
 * A legacy (in-process, synchronous) transformation, not a `transforms` hook: it has to run inside
 * the resource constructor, before the SDK turns `opts.aliases` into Outputs, to save anything.
 */
export const dropApiVersionAliases: pulumi.ResourceTransformation = ({ type, props, opts }) => {
  if (!opts.aliases?.length) return undefined;
  const aliases = opts.aliases.filter((alias) => !isApiVersionAlias(alias, type));
  return aliases.length === opts.aliases.length ? undefined : { props, opts: { ...opts, aliases } };
};

/**
 * `{ type: "<package>:<module>/v<version>:<Name>" }` for `type` `"<package>:<module>:<Name>"`, and
 * nothing else set: the shape azure-native's generated constructors add.
 */
export function isApiVersionAlias(alias: pulumi.Input<string | pulumi.Alias>, type: string): boolean {
  if (typeof alias !== "object" || alias === null || !("type" in alias) || Object.keys(alias).length !== 1) return false;
  const aliasType = (alias as { type?: unknown }).type;
  const [pkg, module, name] = type.split(":");
  if (typeof aliasType !== "string" || !pkg || !module || !name) return false;
  return aliasType.startsWith(`${pkg}:${module}/v`) && aliasType.endsWith(`:${name}`) && /^[^:]+:[^:/]+\/v\d[^:]*:[^:]+$/.test(aliasType);
}
