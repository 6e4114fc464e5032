/**
 * `acr-tokens/provider`: the dynamic providers' real code. The serialized providers stored in state
 * are shims that `require("acr-tokens/provider")` at call time, so the installed version of this
 * module always runs (see components/tokenPassword.ts).
 */
export { tokenPasswordProvider } from "./tokenPasswordProvider";
export type { TokenPasswordInputs, TokenPasswordOutputs } from "./tokenPasswordProvider";
export { tokenSettingsProvider } from "./tokenSettingsProvider";
export type { TokenSettingsState } from "./tokenSettingsProvider";
export { ArmRequestError, ArmRequestErrorName } from "../arm/errors";
export { DEFAULT_LRO_POLL_INTERVAL_MS } from "../arm/client";
