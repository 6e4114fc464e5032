import type * as pulumi from "@pulumi/pulumi";

/**
 * Options for an `@pulumi/azure-native` resource that a component of this package creates as its
 * child: `{ parent, ...extra }` plus a transformation that drops azure-native's API-version aliases.
 *
 * Why: every azure-native resource adds one alias per API version it ever shipped
 * (`azure-native:containerregistry/v20190501preview:Token`, … — 20 for Token and ScopeMap in
 * azure-native 3.28) so that stacks created with a versioned type migrate to the default one. The
 * Node SDK turns each alias into Outputs and a URN at construction time, which is most of what a
 * Token costs a program: 1,000 ScopeMap+Token pairs under the mock runtime take 19 s and 1.9 GiB of
 * RSS with the aliases and 7 s and 0.56 GiB without (`npm run bench`, `mocks1000Tokens…`). The
 * children of this package's components have only ever been registered with the default type, under
 * a parent of this package, so no state can hold them under a versioned type: those aliases can
 * never match. Aliases the caller gives (strings, or with a name, parent, stack or project) are kept,
 * and so are the aliases a child inherits from the caller's aliases on the component.
 */
export function azureNativeChildOptions<T extends pulumi.CustomResourceOptions>(parent: pulumi.Resource, extra?: T): T & { parent: pulumi.Resource } {
  return { ...(extra as T), parent, transformations: [...(extra?.transformations ?? []), dropApiVersionAliases] };
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
