import { createDefaultHttpClient, createPipelineRequest, type HttpClient, type TlsSettings } from "@azure/core-rest-pipeline";
import { setTimeout as delay } from "node:timers/promises";
import { displayValue, DURATION_SHAPE } from "../../common/redact";

/**
 * Waiting, after `generateCredentials`, until the new password logs in at the registry.
 *
 * ACR documents that a regenerated token password can take up to 60 s to work. A consumer that
 * switches to a password the moment the stack exports it (RotatingTokenPassword's `password`, a new
 * TokenPassword) would fail to log in for that long. So the provider asks the registry's token endpoint
 * (`GET https://<loginServer>/oauth2/token?service=<loginServer>`, HTTP Basic with the token name and
 * the new password — what `docker login` does) until it answers 200, and only then returns the password.
 *
 * - `ACR_TOKENS_REPLICATION_WAIT_SECONDS` bounds the wait (default {@link DEFAULT_WAIT_SECONDS}: the
 *   documented 60 s and a margin; 0 turns the wait off). `ACR_TOKENS_REPLICATION_POLL_MS` is the pause between
 *   attempts (default {@link DEFAULT_POLL_MS}). The deadline is read on the package's clock (the
 *   emulator's in tests), and the attempts are also capped at wait/max(poll, 1 s) + 1, so the wait ends
 *   even on a clock that does not move.
 * - Only 401 means "not yet": any other answer (403 from a registry firewall, 404, a network or TLS
 *   error, a timeout of {@link ATTEMPT_TIMEOUT_MS}) ends the wait at once — the registry is not reachable
 *   from where Pulumi runs, which is common (private endpoints) and not the provider's to fix.
 * - The wait never fails the operation: the password exists and its slot was overwritten, so failing
 *   would lose it. When the bound passes, or the registry cannot be asked, the outcome says so and the
 *   caller warns.
 * - Safety: when ARM itself is served on a loopback address (the emulator) the registry is asked only if
 *   its login server is a loopback address too, so a test setup never reaches out to a real registry.
 *
 * Cost: each new password is published when it logs in (with the service, usually within seconds; at
 * most the bound), one HTTPS request per attempt. The password never appears in a message.
 */

/**
 * Default bound of the wait: ACR's documented replication time (60 s) plus a margin, because the wait
 * starts when the answer arrives, after the service stamped the password, and ends on a poll.
 */
export const DEFAULT_WAIT_SECONDS = 90;
/** Default pause between attempts. */
export const DEFAULT_POLL_MS = 5000;
/** Timeout of one attempt. */
export const ATTEMPT_TIMEOUT_MS = 10_000;

/** The wait's settings, from the environment. */
export interface ReplicationWaitSettings {
  waitSeconds: number;
  pollMs: number;
}

/** Reads `ACR_TOKENS_REPLICATION_WAIT_SECONDS` and `ACR_TOKENS_REPLICATION_POLL_MS`; throws naming a bad one. */
export function replicationWaitSettings(env: NodeJS.ProcessEnv = process.env): ReplicationWaitSettings {
  return {
    waitSeconds: whole(env, "ACR_TOKENS_REPLICATION_WAIT_SECONDS", DEFAULT_WAIT_SECONDS, 3600, "seconds"),
    pollMs: whole(env, "ACR_TOKENS_REPLICATION_POLL_MS", DEFAULT_POLL_MS, 600_000, "milliseconds"),
  };
}

function whole(env: NodeJS.ProcessEnv, name: string, fallback: number, max: number, unit: string): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  if (!/^\d+$/.test(raw.trim()) || Number(raw.trim()) > max) {
    // Through the redaction rule: a secret pasted into the wrong variable is described, not quoted.
    throw new Error(`${name} is ${displayValue(raw, DURATION_SHAPE).text}, which is not a whole number of ${unit} from 0 to ${max}; set it to e.g. ${fallback}, or unset it for the default (${fallback}).`);
  }
  return Number(raw.trim());
}

/** How the wait ended. */
export type ReplicationOutcome =
  | { kind: "off" }
  | { kind: "skipped"; why: string }
  | { kind: "authenticated"; attempts: number }
  | { kind: "timedOut"; attempts: number; waitSeconds: number }
  | { kind: "unreachable"; attempts: number; why: string };

/** What the wait needs. */
export interface ReplicationWaitRequest {
  loginServer: string;
  username: string;
  password: string;
  /** The ARM endpoint in use (for the loopback safety rule). */
  armEndpoint: string;
  /** Extra trust (acr-tokens:caCertFile), as for ARM. */
  tlsSettings?: TlsSettings;
  now: () => Date;
  settings?: ReplicationWaitSettings;
  /** Internal. For tests. */
  httpClient?: HttpClient;
  /** Internal. For tests: the pause between attempts. */
  sleep?: (ms: number) => Promise<void>;
}

let sharedClient: HttpClient | undefined;

/** Waits until the password logs in at `loginServer` (see the file's comment). */
export async function waitForReplication(r: ReplicationWaitRequest): Promise<ReplicationOutcome> {
  const settings = r.settings ?? replicationWaitSettings();
  if (settings.waitSeconds === 0) return { kind: "off" };
  if (isLoopbackUrl(r.armEndpoint) && !isLoopbackHost(r.loginServer)) {
    return { kind: "skipped", why: "ARM is on a loopback address (an emulator) and the login server is not" };
  }
  const client = r.httpClient ?? (sharedClient ??= createDefaultHttpClient());
  const sleep = r.sleep ?? ((ms: number) => delay(ms));
  const deadline = r.now().getTime() + settings.waitSeconds * 1000;
  // Counted as if each pause lasted at least a second, so a zero pause on a clock that never moves still ends.
  const maxAttempts = Math.floor((settings.waitSeconds * 1000) / Math.max(settings.pollMs, 1000)) + 1;
  const url = `https://${r.loginServer}/oauth2/token?service=${encodeURIComponent(r.loginServer)}`;
  const authorization = `Basic ${Buffer.from(`${r.username}:${r.password}`).toString("base64")}`;
  for (let attempt = 1; ; attempt++) {
    let status: number;
    try {
      const request = createPipelineRequest({ url, method: "GET", timeout: ATTEMPT_TIMEOUT_MS });
      if (r.tlsSettings) request.tlsSettings = r.tlsSettings;
      request.headers.set("Authorization", authorization);
      status = (await client.sendRequest(request)).status;
    } catch (err) {
      // The message of a network error names the host, never the credential (it is only in a header).
      const code = (err as { code?: unknown }).code;
      return { kind: "unreachable", attempts: attempt, why: typeof code === "string" ? code : (err as Error).name || "network error" };
    }
    if (status === 200) return { kind: "authenticated", attempts: attempt };
    if (status !== 401) return { kind: "unreachable", attempts: attempt, why: `HTTP ${status}` };
    if (attempt >= maxAttempts || r.now().getTime() >= deadline) return { kind: "timedOut", attempts: attempt, waitSeconds: settings.waitSeconds };
    await sleep(settings.pollMs);
  }
}

/** A warning for outcomes where the password was published without being seen to log in; undefined otherwise. */
export function replicationWarning(outcome: ReplicationOutcome, label: string, loginServer: string): string | undefined {
  switch (outcome.kind) {
    case "timedOut":
      return `${label}: the new password did not log in at ${loginServer} within ${outcome.waitSeconds} s (${outcome.attempts} attempts); it is published anyway and should work shortly. Raise ACR_TOKENS_REPLICATION_WAIT_SECONDS to wait longer.`;
    case "unreachable":
      return `${label}: could not check the new password at ${loginServer} (${outcome.why}); it is published without waiting for it to replicate (ACR: up to 60 s). Set ACR_TOKENS_REPLICATION_WAIT_SECONDS=0 to skip the check where the registry is not reachable.`;
    default:
      return undefined;
  }
}

function isLoopbackUrl(url: string): boolean {
  try {
    return isLoopbackHost(new URL(url).host);
  } catch {
    return false;
  }
}

/** `127.x.x.x`, `[::1]` or `localhost`, with or without a port. */
export function isLoopbackHost(hostPort: string): boolean {
  const host = hostPort.startsWith("[") ? hostPort.slice(1, hostPort.indexOf("]")) : hostPort.replace(/:\d+$/, "");
  return /^127(\.\d{1,3}){3}$/.test(host) || host === "::1" || host.toLowerCase() === "localhost";
}
