import { settingsContext, type ProviderContext } from "../../arm/session";
import { providerConfig } from "./config";

/**
 * The {@link ProviderContext} of a dynamic-provider call: the stack config the engine handed to
 * `configure` (required: throws, naming `resourceType`, when `configure` never ran), the environment
 * and the package clock (see {@link settingsContext}).
 */
export function dynamicContext(resourceType: string): ProviderContext {
  return settingsContext(providerConfig(resourceType));
}
