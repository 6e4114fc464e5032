import * as https from "node:https";
import * as tls from "node:tls";
import { ContainerRegistryManagementClient } from "@azure/arm-containerregistry";
import {
  retryPolicy,
  type PipelinePolicy,
  type PipelineResponse,
  type RetryModifiers,
  type RetryStrategy,
  type TlsSettings,
} from "@azure/core-rest-pipeline";
import type { ResolvedCredential } from "../credential/types";
import { displayValue, DURATION_SHAPE } from "../common/redact";
import { armIdentifier, ArmTimeoutError, RetryAfterTooLongError } from "./errors";

/**
 * The `@azure/arm-containerregistry` client the providers use: one per (resolved credential,
 * subscription, retry settings) per provider process, so every resource of a run shares one HTTP
 * pipeline, one keep-alive connection pool and one token cache (bench/overheadProbe.ts: 100
 * sequential passwords open one TLS connection). The credential module memoizes the resolved
 * credential per settings (a changed credential variable or stack config resolves to a new one, and
 * so gets a new client); the retry settings are read from the environment on every call and are part
 * of the key, so a changed `ACR_TOKENS_*` retry or timeout variable gets a new client too. The
 * cache holds no secret of its own: it is keyed by the resolved credential object, which it does not
 * keep alive (WeakMap).
 *
 * - `endpoint` and `credentials.scopes` come from the resolved credential: the SDK derives the scope
 *   from the endpoint (`<endpoint>/.default`), which is wrong for the emulator and for sovereign
 *   clouds whose ARM audience differs from the endpoint.
 * - Retries are the pipeline's own default retry policy, configured through `retryOptions`
 *   ({@link retrySettings}): the throttling strategy (429/503 with `Retry-After`, waited exactly) and
 *   exponential back-off for 408, 5xx (not 501/505) and network errors (ECONNRESET, ECONNREFUSED, …),
 *   at most {@link MAX_RETRIES} retries. Two strategies are added in a second `retryPolicy` of the
 *   SDK, inside the default one (see {@link throttleGuardPolicy}): a `Retry-After` longer than the bound
 *   fails at once, and a 429 without `Retry-After` is retried with back-off.
 * - Every attempt has a timeout ({@link armTimeoutMs}); a timed-out attempt is not retried (the SDK
 *   treats the abort as final), so a slow generateCredentials is never sent twice by us.
 * - LRO polling (generateCredentials may answer 202, token PATCH answers 201 + Azure-AsyncOperation) is
 *   the SDK's poller, which waits for `Retry-After` when the service sends it and otherwise
 *   {@link lroPollIntervalMs}.
 *
 * Retrying generateCredentials is safe: it is keyed by slot, so a second POST replaces the password
 * the first one may have made (nothing is duplicated, and the value that was never returned stops
 * working).
 */

const clients = new WeakMap<ResolvedCredential, Map<string, ContainerRegistryManagementClient>>();

/** Retries after the first attempt, for every retried kind of failure (the SDK's default count). */
export const MAX_RETRIES = 3;
/** Default base delay of the exponential back-off (doubles per retry, with jitter). */
export const DEFAULT_RETRY_DELAY_MS = 800;
/** Cap of one exponential back-off wait. */
export const MAX_RETRY_DELAY_MS = 30_000;
/** Default longest `Retry-After` the provider waits for; a longer one fails the operation at once. */
export const DEFAULT_MAX_RETRY_AFTER_SECONDS = 60;
/** Default timeout of one ARM request (one attempt; LRO polls are requests of their own). */
export const DEFAULT_ARM_TIMEOUT_MS = 120_000;

/** The retry settings of this process, from the environment. */
export interface RetrySettings {
  /** Base delay of the exponential back-off (`ACR_TOKENS_RETRY_DELAY_MS`). */
  retryDelayInMs: number;
  /** Longest `Retry-After` waited for, in seconds (`ACR_TOKENS_MAX_RETRY_AFTER_SECONDS`). */
  maxRetryAfterSeconds: number;
  /** Timeout of one request (`ACR_TOKENS_ARM_TIMEOUT_MS`). */
  timeoutMs: number;
}

/** Returns the process-wide client for this credential, subscription and the current retry settings. */
export function armClientFor(resolved: ResolvedCredential, subscriptionId: string): ContainerRegistryManagementClient {
  let bySubscription = clients.get(resolved);
  if (!bySubscription) {
    bySubscription = new Map();
    clients.set(resolved, bySubscription);
  }
  const settings = retrySettings();
  const key = `${subscriptionId.toLowerCase()} ${settings.retryDelayInMs} ${settings.maxRetryAfterSeconds} ${settings.timeoutMs}`;
  let client = bySubscription.get(key);
  if (!client) {
    client = new ContainerRegistryManagementClient(resolved.credential, subscriptionId, {
      endpoint: resolved.armEndpoint,
      credentials: { scopes: resolved.scopes },
      retryOptions: { maxRetries: MAX_RETRIES, retryDelayInMs: settings.retryDelayInMs, maxRetryDelayInMs: MAX_RETRY_DELAY_MS },
      userAgentOptions: { userAgentPrefix: "acr-tokens" },
      // Extra trust (acr-tokens:caCertFile), the same the identity credential got; else Node's defaults.
      ...(resolved.tlsOptions ? { tlsOptions: resolved.tlsOptions } : {}),
    });
    // After the "Retry" phase: these run inside the default retry policy, once per attempt.
    // (The client's `additionalPolicies` option is declared by @azure-rest/core-client but not applied.)
    if (resolved.tlsOptions) client.pipeline.addPolicy(tlsAgentPolicy(resolved.tlsOptions));
    client.pipeline.addPolicy(throttleGuardPolicy(settings), { afterPhase: "Retry" });
    client.pipeline.addPolicy(timeoutPolicy(settings.timeoutMs), { afterPhase: "Retry" });
    bySubscription.set(key, client);
  }
  return client;
}

/** One keep-alive agent per trust settings object (caCertificates.ts returns the same object while the CA file is unchanged). */
const tlsAgents = new WeakMap<TlsSettings, https.Agent>();

/**
 * Sends ARM requests through one keep-alive HTTPS agent whose TLS context is built once from the extra
 * trust (`acr-tokens:caCertFile`: Node's default roots plus the file's PEM), unless another policy
 * already chose an agent (the SDK's proxy policy, which uses the client's `tlsOptions` itself).
 *
 * Why not the SDK's own agent for `tlsOptions`: it puts `ca` in the agent's options, and Node's
 * `https.Agent` names its connection pool on EVERY request from those options, joining the whole trust
 * list (about 150 roots, 200 kB) into a string: ≈ 1.7 ms of CPU per ARM request (bench/README.md,
 * "Where our provider spends beyond the floor"). A `secureContext` is not part of that name.
 */
export function tlsAgentPolicy(tlsOptions: TlsSettings): PipelinePolicy {
  let agent = tlsAgents.get(tlsOptions);
  if (!agent) {
    agent = new https.Agent({ keepAlive: true, secureContext: tls.createSecureContext(tlsOptions) });
    tlsAgents.set(tlsOptions, agent);
  }
  const shared = agent;
  return {
    name: "acrTokensTlsAgent",
    sendRequest(request, next) {
      request.agent ??= shared;
      return next(request);
    },
  };
}

/**
 * Reads `ACR_TOKENS_RETRY_DELAY_MS`, `ACR_TOKENS_MAX_RETRY_AFTER_SECONDS` and `ACR_TOKENS_ARM_TIMEOUT_MS`
 * (whole numbers; unset or empty means the default). Throws naming the variable and a valid value.
 */
export function retrySettings(env: NodeJS.ProcessEnv = process.env): RetrySettings {
  return {
    retryDelayInMs: wholeNumberSetting(env, "ACR_TOKENS_RETRY_DELAY_MS", DEFAULT_RETRY_DELAY_MS, "milliseconds"),
    maxRetryAfterSeconds: wholeNumberSetting(env, "ACR_TOKENS_MAX_RETRY_AFTER_SECONDS", DEFAULT_MAX_RETRY_AFTER_SECONDS, "seconds"),
    timeoutMs: wholeNumberSetting(env, "ACR_TOKENS_ARM_TIMEOUT_MS", DEFAULT_ARM_TIMEOUT_MS, "milliseconds", { min: 1 }),
  };
}

/**
 * The package's one reader of a whole-number `ACR_TOKENS_*` variable (a count of seconds or
 * milliseconds): `fallback` when unset or blank, else the number, which must lie in `range` (`min`
 * defaults to 0, no `max` unless given). A bad value throws naming the variable, the allowed range and
 * a valid value; the value itself is quoted only through the redaction rule (a duration-shaped typo
 * such as `2s` or `soon`; a secret set in the wrong variable is described, never quoted).
 */
export function wholeNumberSetting(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  unit: string,
  range: { min?: number; max?: number } = {},
): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = raw.trim();
  const { min = 0, max } = range;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || (max !== undefined && n > max)) {
    const bounds = max !== undefined ? ` from ${min} to ${max}` : min > 0 ? ` of at least ${min}` : "";
    throw new Error(
      `${name} is ${displayValue(raw, DURATION_SHAPE).text}, which is not a whole number of ${unit}${bounds}; ` +
        `set it to e.g. ${fallback}, or unset it for the default (${fallback}).`,
    );
  }
  return n;
}

/**
 * The `Retry-After` of a 429/503 in milliseconds, read as the SDK's throttling strategy reads it
 * (`retry-after-ms`, `x-ms-retry-after-ms`, then `Retry-After` in seconds or as an HTTP date).
 * The SDK does not export its parser, hence this copy.
 */
export function retryAfterMs(response: PipelineResponse | undefined, nowMs: number = Date.now()): number | undefined {
  if (!response || (response.status !== 429 && response.status !== 503)) return undefined;
  for (const [header, factor] of [["retry-after-ms", 1], ["x-ms-retry-after-ms", 1], ["retry-after", 1000]] as const) {
    const raw = response.headers.get(header);
    if (raw === undefined || raw.trim() === "") continue;
    const n = Number(raw);
    if (Number.isFinite(n)) return n * factor;
    if (header === "retry-after") {
      const date = Date.parse(raw);
      if (Number.isFinite(date)) return Math.max(0, date - nowMs);
    }
  }
  return undefined;
}

/**
 * A second SDK `retryPolicy` (the SDK's loop, not ours), placed inside the default one, with two
 * strategies the default lacks:
 * - a 429/503 whose `Retry-After` exceeds `maxRetryAfterSeconds` ends the operation with a
 *   {@link RetryAfterTooLongError} (not a RestError, so the outer policy does not retry it either):
 *   the default throttling strategy would wait any `Retry-After` ARM sends, for hours if asked;
 * - a 429 with no `Retry-After` is retried with exponential back-off. The default does not retry it
 *   (the throttling strategy needs the header, the exponential one takes only 408/5xx). ARM sends
 *   the header on its own throttling, but gateways and proxies in front of it may not; a 429 means the
 *   request was refused before it ran, and generateCredentials is keyed by slot, so a retry is safe.
 */
export function throttleGuardPolicy(settings: Pick<RetrySettings, "retryDelayInMs" | "maxRetryAfterSeconds">): PipelinePolicy {
  const bound: RetryStrategy = {
    name: "acrTokensRetryAfterBound",
    retry({ response }): RetryModifiers {
      const wait = retryAfterMs(response);
      if (wait === undefined || wait <= settings.maxRetryAfterSeconds * 1000) return { skipStrategy: true };
      return { errorToThrow: new RetryAfterTooLongError(response!.status, wait, settings.maxRetryAfterSeconds, armIdentifier(response!.headers.get("x-ms-request-id"))) };
    },
  };
  const throttledWithoutHeader: RetryStrategy = {
    name: "acrTokensThrottledWithoutRetryAfter",
    retry({ response, retryCount }): RetryModifiers {
      if (response?.status !== 429 || retryAfterMs(response) !== undefined) return { skipStrategy: true };
      return { retryAfterInMs: backoffMs(retryCount, settings.retryDelayInMs) };
    },
  };
  const policy = retryPolicy([bound, throttledWithoutHeader], { maxRetries: MAX_RETRIES });
  return { ...policy, name: "acrTokensThrottleGuard" };
}

/**
 * Exponential back-off with jitter, the shape of the SDK's `calculateRetryDelay` (not exported):
 * base × 2^retry, capped, then a random point in its upper half.
 */
export function backoffMs(retryCount: number, baseMs: number, random: () => number = Math.random): number {
  const capped = Math.min(baseMs * 2 ** retryCount, MAX_RETRY_DELAY_MS);
  return Math.round(capped / 2 + random() * (capped / 2));
}

/**
 * The timeout of each attempt, enforced here rather than through `PipelineRequest.timeout`: the SDK's
 * Node HTTP client clears that timer only when response headers arrive, so after a connection failure
 * it kept the process alive for the whole timeout (`acr-tokens check` exited 120 s after printing the
 * error). This policy owns its timer and clears it in `finally`, whatever the attempt's outcome, so no
 * timer outlives its request; it covers the body too. The attempt is aborted through a signal that
 * also follows the caller's own signal; the SDK's bare `AbortError` for our timer becomes an
 * {@link ArmTimeoutError} naming the setting, and a caller's own abort is passed through unchanged.
 */
export function timeoutPolicy(timeoutMs: number): PipelinePolicy {
  return {
    name: "acrTokensArmTimeout",
    async sendRequest(request, next) {
      const callerSignal = request.abortSignal;
      if (callerSignal?.aborted) return next(request);
      const controller = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, timeoutMs);
      const follow = (): void => controller.abort();
      callerSignal?.addEventListener("abort", follow, { once: true });
      request.abortSignal = controller.signal;
      try {
        return await next(request);
      } catch (err) {
        const aborted = err instanceof Error && err.name === "AbortError";
        if (aborted && timedOut && !callerSignal?.aborted) throw new ArmTimeoutError(request.method, timeoutMs, err);
        throw err;
      } finally {
        clearTimeout(timer);
        callerSignal?.removeEventListener("abort", follow);
        request.abortSignal = callerSignal;
      }
    },
  };
}

/** Default LRO poll interval when the service sends no `Retry-After` (what the Azure SDKs use for real Azure). */
export const DEFAULT_LRO_POLL_INTERVAL_MS = 2000;

/**
 * The LRO poll interval: `ACR_TOKENS_LRO_POLL_INTERVAL_MS` (a non-negative integer; tests against the
 * emulator use 0), else {@link DEFAULT_LRO_POLL_INTERVAL_MS}.
 */
export function lroPollIntervalMs(env: NodeJS.ProcessEnv = process.env): number {
  return wholeNumberSetting(env, "ACR_TOKENS_LRO_POLL_INTERVAL_MS", DEFAULT_LRO_POLL_INTERVAL_MS, "milliseconds");
}
