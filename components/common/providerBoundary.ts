import type * as pulumi from "@pulumi/pulumi";
import { redactError, rememberEnvSecrets, scrub } from "./redact";

/**
 * The provider boundary of the redaction rule (dynamic host and plugin): whatever path built an error or a check failure,
 * it leaves the provider through components/common/redact.ts — its message, stack and cause chain
 * scrubbed of credential-shaped text and of every secret this process was handed (its environment's,
 * the access token, the passwords it generated). The host prints what a method throws.
 */
export function redactedProvider<P extends object>(provider: P): P {
  const wrapped: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(provider)) {
    // configure stays synchronous (its errors are the credential module's, already redacted).
    if (typeof method !== "function" || name === "configure") {
      wrapped[name] = method;
      continue;
    }
    wrapped[name] = async (...args: unknown[]) => {
      try {
        const result = (await (method as (...a: unknown[]) => unknown).apply(provider, args)) as unknown;
        if (name === "check") return scrubFailures(result as pulumi.dynamic.CheckResult);
        return result;
      } catch (err) {
        rememberEnvSecrets(process.env);
        throw redactError(err);
      }
    };
  }
  return wrapped as P;
}

function scrubFailures(result: pulumi.dynamic.CheckResult): pulumi.dynamic.CheckResult {
  if (!result?.failures?.length) return result;
  return { ...result, failures: result.failures.map((f) => ({ property: f.property, reason: scrub(f.reason) })) };
}
