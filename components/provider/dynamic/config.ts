/**
 * The stack config the dynamic-provider host handed to `configure`, kept per provider process.
 *
 * The host calls `configure` once per serialized provider text before its first CRUD call, with the
 * whole stack config (namespaced keys such as `acr-tokens:accessToken`, secrets already unwrapped).
 * Both shims (TokenPassword, TokenSettings) forward it here, so every provider of the process sees the
 * same settings. Nothing here is ever written to state, a log or an error.
 */

/** What `configure` receives from the host (`cmd/dynamic-provider/config.js`): string values by key. */
export interface ProviderConfig {
  get(key: string): string | undefined;
}

/** The `configure` request of a dynamic provider (`pulumi.dynamic.ConfigureRequest`). */
export interface ConfigureRequest {
  config: ProviderConfig;
}

let configured: ProviderConfig | undefined;

/** Stores the stack config of this provider process. Called by the shims' `configure`. */
export function configureProviders(req: ConfigureRequest): void {
  if (!req || typeof req.config?.get !== "function") {
    throw new Error(
      "acr-tokens provider: configure() was called without a config object; this is a bug in the caller " +
        "(the Pulumi dynamic-provider host always passes one).",
    );
  }
  configured = req.config;
}

/**
 * The stack config of this process. Throws when `configure` never ran, rather than falling back to
 * an empty config: an unconfigured provider would silently ignore `acr-tokens:accessToken` and pick
 * another credential (the host caches a provider even when its `configure` failed, so a later call must not fall back).
 */
export function providerConfig(resourceType: string): ProviderConfig {
  if (configured === undefined) {
    throw new Error(
      `${resourceType}: the provider was not configured, so stack config (acr-tokens:*) is unavailable. ` +
        "The Pulumi engine configures dynamic providers before any operation; if you call the provider " +
        "directly, call its configure({ config }) first.",
    );
  }
  return configured;
}

/** Forgets the stored config. Internal. Exported for testing. @internal */
export function resetProviderConfig(): void {
  configured = undefined;
}
