/**
 * Validation of component arguments: pure functions over resolved values, no Pulumi and no network,
 * so every rule runs before any Azure call and is tested directly. Internal. Exported for testing.
 */
export * from "./actions";
export * from "./registry";
export * from "./registryTokenArgs";
export * from "./scopeMapArgs";
