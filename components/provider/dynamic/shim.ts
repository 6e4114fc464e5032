/**
 * Loads `acr-tokens/provider` for the serialized shims, when a provider method runs in the
 * dynamic-provider host. Kept tiny and dependency-free: the closure serializer copies it into every
 * `__provider` text.
 *
 * Why not a bare `require`: the host evaluates `__provider` as a module without a file name, so a
 * bare `require` resolves only through `node_modules` folders from the working directory (the Pulumi
 * project). Resolving from a file name inside that directory also lets Node's package self-reference
 * apply, so a program in this very package (the repo's own quickstart) finds it too. `NODE_PATH` and
 * the `exports` conditions apply as usual.
 */
export function loadProviderModule(): Record<ProviderName, unknown> {
  const { createRequire } = require("node:module") as typeof import("node:module");
  const { join } = require("node:path") as typeof import("node:path");
  return createRequire(join(process.cwd(), "acr-tokens-provider-loader.js"))("acr-tokens/provider") as Record<ProviderName, unknown>;
}

/** The providers `acr-tokens/provider` exports, by the name a shim forwards to. */
export type ProviderName = "tokenPasswordProvider" | "tokenSettingsProvider";

/**
 * The provider a dynamic resource passes to Pulumi, serialized into state as `__provider`: every method
 * loads the installed `acr-tokens/provider` when it runs and forwards to the provider named `name`.
 * It captures only `name` and {@link loadProviderModule} — no credential, no config, no logic — so
 * `__provider` is a short plain string with no secret and no absolute path, upgrading the package does
 * not change it (no `~__provider` diff on every resource, pulumi/pulumi#12401), and refresh/destroy run
 * the installed code, not stale code kept in state (pulumi/pulumi#6490). The cost: the host must be able
 * to resolve `acr-tokens/provider` from the project directory, which holds for any project that
 * installed the package. tests/provider/serialization.test.ts checks the text.
 */
export function providerShim(name: ProviderName): Required<Omit<import("@pulumi/pulumi").dynamic.ResourceProvider, "configure">> &
  Pick<import("@pulumi/pulumi").dynamic.ResourceProvider, "configure"> {
  const provider = () => loadProviderModule()[name] as unknown as Required<import("@pulumi/pulumi").dynamic.ResourceProvider>;
  return {
    async configure(req) {
      await provider().configure(req);
    },
    async check(olds, news) {
      return provider().check(olds, news);
    },
    async diff(id, olds, news) {
      return provider().diff(id, olds, news);
    },
    async create(inputs) {
      return provider().create(inputs);
    },
    async read(id, props) {
      return provider().read(id, props);
    },
    async update(id, olds, news) {
      return provider().update(id, olds, news);
    },
    async delete(id, props) {
      return provider().delete(id, props);
    },
  };
}
