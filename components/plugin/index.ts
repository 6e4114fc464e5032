/**
 * `acr-tokens/plugin`: TypeScript types of the `acr-tokens` provider plugin's resources, for programs
 * that want the plugin (the types every other language gets) instead of the dynamic resources of the
 * main entry. The components (`ScopeMap`, `RegistryToken`, `RotatingTokenPassword`) are the same
 * classes in both; only their custom children differ (components/resourceHost.ts).
 */
export { Provider, PROVIDER_SECRET_INPUTS, type ProviderArgs } from "./provider";
export { TokenPassword, TOKEN_PASSWORD_SECRET_OUTPUTS, type TokenPasswordResourceArgs } from "./tokenPassword";
export { TokenSettings } from "./tokenSettings";
