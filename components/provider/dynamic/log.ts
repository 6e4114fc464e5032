import * as pulumi from "@pulumi/pulumi";
import type { CredentialLogger } from "../../credential/types";

/**
 * The providers' logger: `pulumi.log`, so `pulumi up` shows which credential a provider used and
 * every warning about it. The credential module names sources, never values. Without an engine (a
 * provider called directly, in a test) nothing is printed: the warnings are also on the resolved
 * credential (`warnings`).
 */
export const providerLogger: CredentialLogger = {
  info: (message) => {
    if (pulumi.runtime.getEngine()) void pulumi.log.info(message);
  },
  warn: (message) => {
    if (pulumi.runtime.getEngine()) void pulumi.log.warn(message);
  },
};

/**
 * Gives the SDK's runtime the engine's address, once per process, so `pulumi.log` reaches the
 * engine's log stream. The dynamic-provider host is started as `cmd/dynamic-provider <engine address>`
 * but never passes that address on, and without it `pulumi.log` prints to the host's stdout, which the
 * engine does not show. Hand-written: the SDK has no setter; its runtime reads `PULUMI_NODEJS_ENGINE`
 * when it creates its (process-global) settings store, which may already exist, so both are set.
 * Does nothing outside that host, or when the runtime already knows an engine.
 */
export function connectLogToEngine(argv: readonly string[] = process.argv): void {
  const [, script, address] = argv;
  if (!script || !/[\\/]dynamic-provider([\\/]index(\.js)?)?$/.test(script)) return;
  if (!address || !/^[\w.-]+:\d+$/.test(address)) return;
  const store = (globalThis as { globalStore?: { settings?: { options?: { engineAddr?: string } } } }).globalStore;
  const options = store?.settings?.options;
  if (process.env.PULUMI_NODEJS_ENGINE || options?.engineAddr) return;
  process.env.PULUMI_NODEJS_ENGINE = address;
  if (options) options.engineAddr = address;
}
