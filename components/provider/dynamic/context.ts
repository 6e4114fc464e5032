import { log } from "@pulumi/pulumi";
import { settingsContext, type ProviderContext } from "../../arm/session";
import { providerConfig } from "./config";
import { connectLogToEngine, providerLogger } from "./log";

/**
 * The {@link ProviderContext} of a dynamic-provider call: the stack config the engine handed to
 * `configure` (required: throws, naming `resourceType`, when `configure` never ran), the environment
 * and the package clock (see {@link settingsContext}).
 */
export function dynamicContext(resourceType: string): ProviderContext {
  const config = providerConfig(resourceType);
  connectLogToEngine();
  // Which credential was resolved, and every warning about it, goes to the engine's log through
  // pulumi.log (the source named, never the value).
  // Without an engine connection (a host started by hand) pulumi.log writes warnings to stderr.
  return { ...settingsContext(config, providerLogger), warn: (message) => void log.warn(message) };
}
