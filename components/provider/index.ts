/**
 * `acr-tokens/provider`: the dynamic providers' real code. The serialized providers stored in state
 * are shims that `require("acr-tokens/provider")` at call time, so the installed version of this
 * module always runs (see dynamic/shim.ts).
 */
export { tokenPasswordProvider } from "./dynamic/tokenPasswordProvider";
export type { TokenPasswordInputs, TokenPasswordOutputs } from "./tokenPassword/types";
export { tokenSettingsProvider } from "./dynamic/tokenSettingsProvider";
export type { TokenSettingsState } from "./tokenSettings/types";
export { ArmRequestError, ArmRequestErrorName, ArmTimeoutError, ArmTimeoutErrorName, RetryAfterTooLongError, RetryAfterTooLongErrorName } from "../arm/errors";
export { DEFAULT_LRO_POLL_INTERVAL_MS } from "../arm/client";
