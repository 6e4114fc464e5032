import { settingsContext, type ProviderContext } from "../components/arm/session";

/**
 * The settings of this plugin process's provider instance (the engine starts one process per
 * provider: the default one, or each explicit `Provider`), as Configure delivered them: full stack
 * config keys (`acr-tokens:accessToken`) to values. Kept in memory only; never logged or returned.
 */
let settings: ReadonlyMap<string, string> | undefined;

/** Stores the settings Configure delivered (plugin/configure.ts). */
export function configurePlugin(values: ReadonlyMap<string, string>): void {
  settings = values;
}

/**
 * The {@link ProviderContext} of one call: the configured settings, then the environment (as the
 * dynamic providers' context, {@link settingsContext}). Throws when Configure never ran, rather than
 * silently ignoring the provider's settings and picking another credential.
 */
export function pluginContext(resourceType: string): ProviderContext {
  if (settings === undefined) {
    throw new Error(
      `${resourceType}: the acr-tokens plugin was not configured, so its settings are unavailable. ` +
        "The Pulumi engine configures every provider before any operation; a caller driving the plugin directly must send Configure first.",
    );
  }
  const configured = settings;
  return settingsContext({ get: (key) => configured.get(key) });
}

/** Forgets the settings. Internal. Exported for testing. @internal */
export function resetPluginSettings(): void {
  settings = undefined;
}
