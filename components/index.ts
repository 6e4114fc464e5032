/**
 * acr-tokens: Pulumi components for Azure Container Registry repository-scoped tokens.
 *
 * The public surface, and nothing else (README "Public surface"): the components and their args, the
 * value sets their inputs and outputs take, and the error classes a program or CI script may see, each
 * with a stable `name` equal to its class name and exported as a constant.
 *
 * Importing this module has no side effects and loads only `@pulumi/azure-native/containerregistry`
 * (never the azure-native root, which eagerly loads ~300 modules).
 */
export { RegistryToken, type InlineScopeMap, type RegistryTokenArgs } from "./registryToken";
export { RotatingTokenPassword, type RotatingTokenPasswordArgs } from "./rotatingTokenPassword";
export { ScopeMap, type ScopeMapArgs } from "./scopeMap";
export { TokenPassword, type TokenPasswordArgs, type TokenPasswordOutputProperties } from "./tokenPassword";
export { BuiltInScopeMap, GatewayAction, PasswordSlot, RepositoryAction, TokenStatus } from "./arm/types";
export { DriftCode } from "./provider/tokenPassword/types";
export { CredentialKind } from "./credential/types";
export { InvalidArgumentsError, InvalidArgumentsErrorName } from "./validation/errors";
export {
  AccessTokenError,
  AccessTokenErrorName,
  CredentialAuthenticationError,
  CredentialAuthenticationErrorName,
  CredentialSettingsError,
  CredentialSettingsErrorName,
  NoCredentialError,
  NoCredentialErrorName,
  type AccessTokenProblem,
} from "./credential/errors";
