import { log } from "@pulumi/pulumi";
import { armSession, type ProviderContext } from "../../arm/session";
import { currentTime } from "../../common/clock";
import { resolveCredential } from "../../credential";
import { providerConfig } from "./config";
import { connectLogToEngine, providerLogger } from "./log";

/**
 * The {@link ProviderContext} of a dynamic-provider call: the stack config the engine handed to
 * `configure` (required: throws, naming `resourceType`, when `configure` never ran), the environment
 * and the package clock. The credential is resolved at call time; the credential module memoizes it
 * per process and settings, so every resource of a run shares one credential and one token. Never
 * stored, never returned. Which credential was resolved, and every warning about it, goes to the
 * engine's log through `pulumi.log` (the source named, never the value).
 */
export function dynamicContext(resourceType: string): ProviderContext {
  const config = providerConfig(resourceType);
  connectLogToEngine();
  return {
    now: () => currentTime({ env: process.env }),
    // Without an engine connection (the dynamic-provider host has none) pulumi.log writes to stderr.
    warn: (message) => void log.warn(message),
    async session(ref, label, selector) {
      const resolved = await resolveCredential({
        config,
        env: process.env,
        logger: providerLogger,
        ...(selector !== undefined ? { credentialSelector: selector } : {}),
      });
      return armSession(ref, label, resolved);
    },
  };
}
