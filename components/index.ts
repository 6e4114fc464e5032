/**
 * acr-tokens: Pulumi components for Azure Container Registry repository-scoped tokens.
 *
 * Importing this module has no side effects and loads only `@pulumi/azure-native/containerregistry`
 * (never the azure-native root, which eagerly loads ~300 modules).
 */
export { InvalidArgumentsError } from "./validation/errors";
export { RegistryToken, type InlineScopeMap, type RegistryTokenArgs } from "./registryToken";
export { RotatingTokenPassword, type RotatingTokenPasswordArgs } from "./rotatingTokenPassword";
export { ScopeMap, type ScopeMapArgs } from "./scopeMap";
export { TokenPassword, type TokenPasswordArgs } from "./tokenPassword";
export { TokenSettings, type TokenSettingsArgs } from "./tokenSettings";
export { BuiltInScopeMap, GatewayAction, PasswordSlot, RepositoryAction, TokenStatus } from "./arm/types";
