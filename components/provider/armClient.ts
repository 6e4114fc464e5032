import { ContainerRegistryManagementClient } from "@azure/arm-containerregistry";
import type { ResolvedCredential } from "../credential/types";

/**
 * The `@azure/arm-containerregistry` client the providers use: one per (resolved credential,
 * subscription) per provider process, so every resource of a run shares one HTTP pipeline and one
 * token cache.
 *
 * - `endpoint` and `credentials.scopes` come from the resolved credential: the SDK derives the scope
 *   from the endpoint (`<endpoint>/.default`), which is wrong for the emulator and for sovereign
 *   clouds whose ARM audience differs from the endpoint.
 * - Retries are the pipeline's own (exponential back-off for 5xx and network errors, and the
 *   throttling policy, which honours `Retry-After` on 429/503).
 * - LRO polling (generateCredentials may answer 202, token PATCH answers 201 + Azure-AsyncOperation) is
 *   the SDK's poller, which waits for `Retry-After` when the service sends it and otherwise
 *   {@link lroPollIntervalMs}.
 */

const clients = new WeakMap<ResolvedCredential, Map<string, ContainerRegistryManagementClient>>();

/** Returns the process-wide client for this credential and subscription. */
export function armClientFor(resolved: ResolvedCredential, subscriptionId: string): ContainerRegistryManagementClient {
  let bySubscription = clients.get(resolved);
  if (!bySubscription) {
    bySubscription = new Map();
    clients.set(resolved, bySubscription);
  }
  const key = subscriptionId.toLowerCase();
  let client = bySubscription.get(key);
  if (!client) {
    client = new ContainerRegistryManagementClient(resolved.credential, subscriptionId, {
      endpoint: resolved.armEndpoint,
      credentials: { scopes: resolved.scopes },
      retryOptions: { maxRetries: 3, retryDelayInMs: 800, maxRetryDelayInMs: 30_000 },
      userAgentOptions: { userAgentPrefix: "acr-tokens" },
      // Extra trust (acr-tokens:caCertFile), the same the identity credential got; else Node's defaults.
      ...(resolved.tlsOptions ? { tlsOptions: resolved.tlsOptions } : {}),
    });
    bySubscription.set(key, client);
  }
  return client;
}

/** Default LRO poll interval when the service sends no `Retry-After` (what the Azure SDKs use for real Azure). */
export const DEFAULT_LRO_POLL_INTERVAL_MS = 2000;

/**
 * The LRO poll interval: `ACR_TOKENS_LRO_POLL_INTERVAL_MS` (a non-negative integer; tests against the
 * emulator use 0), else {@link DEFAULT_LRO_POLL_INTERVAL_MS}.
 */
export function lroPollIntervalMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env["ACR_TOKENS_LRO_POLL_INTERVAL_MS"];
  if (raw === undefined || raw.trim() === "") return DEFAULT_LRO_POLL_INTERVAL_MS;
  if (!/^\d+$/.test(raw.trim())) {
    throw new Error(
      `ACR_TOKENS_LRO_POLL_INTERVAL_MS is "${raw}", which is not a whole number of milliseconds; ` +
        `set it to e.g. 2000, or unset it for the default (${DEFAULT_LRO_POLL_INTERVAL_MS}).`,
    );
  }
  return Number(raw.trim());
}
