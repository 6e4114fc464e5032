import type { CredentialSettingsSource } from "../../components/credential/types";

/**
 * Test fixtures for the credential module: unsigned JWT-shaped tokens (the module only decodes them),
 * a sentinel that must never appear in a message or warning, and a config bag like the one a dynamic
 * provider's `configure` receives.
 */

/** Marks every token the tests mint; no message, warning or log may ever contain it. */
export const SENTINEL = "SENTINELx7Qk2Vb9";

/** Fixed "now" for the pre-checks: 2026-11-23T01:00:00Z. */
export const NOW = Date.parse("2026-11-23T01:00:00Z");

/** A tenant id for the tests. */
export const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";

const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString("base64url");

/** A JWT-shaped token with the given claims; the signature part carries the sentinel. */
export function jwt(claims: { aud?: string | string[]; exp?: number; tid?: string; [claim: string]: unknown } = {}): string {
  const payload = {
    aud: "https://management.azure.com/",
    iss: `https://sts.windows.net/${TENANT}/`,
    tid: TENANT,
    exp: Math.floor(NOW / 1000) + 3600,
    ...claims,
  };
  return `${b64({ alg: "RS256", typ: "JWT", kid: "k1" })}.${b64(payload)}.${SENTINEL}-sig_${"A".repeat(20)}`;
}

/** Seconds since the epoch, `offsetSeconds` from {@link NOW}. */
export function at(offsetSeconds: number): number {
  return Math.floor(NOW / 1000) + offsetSeconds;
}

/** A stack config bag: keys such as `acr-tokens:accessToken`. */
export function config(values: Record<string, string>): NonNullable<CredentialSettingsSource["config"]> {
  return { get: (key: string) => values[key] };
}

/** Asserts no text contains the sentinel or the token; the failure message never shows either. */
export function assertNoSecret(texts: Iterable<string>, token?: string): void {
  for (const text of texts) {
    if (text.includes(SENTINEL) || (token !== undefined && text.includes(token))) {
      throw new Error("a message or warning contains the access token (sentinel found); the text is withheld");
    }
  }
}

/** The first sentence of a message (up to the first ". " or the end). */
export function firstSentence(message: string): string {
  const i = message.search(/\.(\s|$)/);
  return i < 0 ? message : message.slice(0, i + 1);
}
