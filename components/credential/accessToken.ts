import { readFileSync } from "node:fs";
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";
import { humanDuration, utc } from "../common/clock";
import { AccessTokenError, CredentialSettingsError } from "./errors";
import { decodeJwtClaims, type AccessTokenClaims } from "./jwt";
import { isAudienceOf, trimSlashes, type ResolvedCloud } from "./clouds";
import { isTenantId, readSetting, type Setting, type SettingsReader } from "./settings";
import { displayValue, FILE_PATH_SHAPE, show } from "../common/redact";

/**
 * The bring-your-own access token: a bearer token for ARM that the caller already holds (CI systems do),
 * served as a `TokenCredential`. There is no static credential in @azure/identity (maintainers
 * declined one: azure-sdk-for-js PR #16687, "just pass `{ getToken }`"), so this file is that object plus
 * what the SDK would not do for it: pre-checks with clear errors, and refusing to send a token it knows
 * has expired (the SDK's bearer policy would otherwise keep sending it).
 */

/** The environment variable that names a token file. */
export const ACCESS_TOKEN_FILE_ENV = "ACR_TOKENS_ACCESS_TOKEN_FILE";

/** Where the token came from, and what the caller must change to replace it. Never holds the token. */
export interface AccessTokenOrigin {
  /** The setting (`acr-tokens:accessToken`, `ACR_TOKENS_ACCESS_TOKEN`, `ACR_TOKENS_ACCESS_TOKEN_FILE`, `AZURE_CLI_ACCESS_TOKEN`). */
  settingName: string;
  /** For messages: `ACR_TOKENS_ACCESS_TOKEN`, `stack config acr-tokens:accessToken`, `the file /ci/token (ACR_TOKENS_ACCESS_TOKEN_FILE)`. */
  where: string;
  /** For a token file, its path. */
  path?: string;
}

/** A token read from its source, with what could be learnt about it without a network call. */
export interface ParsedAccessToken {
  origin: AccessTokenOrigin;
  /** The token itself. Secret: kept only until it is handed to {@link AccessTokenCredential}. */
  token: string;
  /** Claims when the token is a JWT; undefined for an opaque token. */
  claims?: AccessTokenClaims;
  /** Expiry in ms: the JWT's `exp`, else the JSON's `expires_on`/`expiresOn`. */
  expiresOn?: number;
  /** From `az account get-access-token` JSON. */
  subscriptionId?: string;
  /** From `az account get-access-token` JSON (the JWT's `tid` wins when both exist). */
  tenantId?: string;
}

/**
 * Reads the bring-your-own token, highest first: stack config `acr-tokens:accessToken`, env
 * `ACR_TOKENS_ACCESS_TOKEN`, the file named by `ACR_TOKENS_ACCESS_TOKEN_FILE`, env `AZURE_CLI_ACCESS_TOKEN`
 * (the Azure CLI's proposed variable, so one CI secret serves both tools). Undefined when none is set.
 */
export function readAccessToken(settings: SettingsReader): ParsedAccessToken | undefined {
  const direct = readSetting(settings, "accessToken", ["ACR_TOKENS_ACCESS_TOKEN"]);
  if (direct) return parseAccessToken(direct.value, { settingName: direct.name, where: direct.source });

  const file = readSetting(settings, undefined, [ACCESS_TOKEN_FILE_ENV]);
  if (file) {
    // The path joins messages only once the file was read (a value that is not a readable path, e.g. the
    // token itself in the wrong variable, is described, never quoted).
    const origin = { settingName: ACCESS_TOKEN_FILE_ENV, where: `the file ${file.value} (${ACCESS_TOKEN_FILE_ENV})`, path: file.value };
    let text: string;
    try {
      text = readFileSync(file.value, "utf8");
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? "error";
      if (displayValue(file.value, FILE_PATH_SHAPE).hidden) {
        // Most likely the token itself, set where its file's path belongs: neither the value nor the
        // file-system error (whose message holds the path) may reach the message.
        throw new CredentialSettingsError(
          `${ACCESS_TOKEN_FILE_ENV} is not a readable file path (${code}): it holds ${displayValue(file.value).text}, perhaps the token itself. ` +
            `Put the token in ACR_TOKENS_ACCESS_TOKEN, or write it to a file and set ${ACCESS_TOKEN_FILE_ENV} to that file's path.`,
        );
      }
      throw new CredentialSettingsError(
        `${ACCESS_TOKEN_FILE_ENV} names a file that cannot be read (${displayValue(file.value, FILE_PATH_SHAPE).text}: ${code}). ` +
          `Write the token, or the JSON of 'az account get-access-token', to that file, or unset ${ACCESS_TOKEN_FILE_ENV}.`,
        { cause: err },
      );
    }
    if (text.trim() === "") {
      throw new AccessTokenError(
        "malformed",
        origin.where,
        `The access token file ${displayValue(file.value, FILE_PATH_SHAPE).text} (${ACCESS_TOKEN_FILE_ENV}) is empty. Write the token, or the JSON of 'az account get-access-token', to it, or unset ${ACCESS_TOKEN_FILE_ENV}.`,
      );
    }
    return parseAccessToken(text, origin);
  }

  const cli = readSetting(settings, undefined, ["AZURE_CLI_ACCESS_TOKEN"]);
  if (cli) return parseAccessToken(cli.value, { settingName: cli.name, where: cli.source });
  return undefined;
}

/**
 * Parses the raw token, or the JSON that `az account get-access-token` prints
 * (`accessToken`, `expiresOn` or `expires_on`, `subscription`, `tenant`, `tokenType`).
 *
 * Internal. Exported for testing.
 */
export function parseAccessToken(text: string, origin: AccessTokenOrigin): ParsedAccessToken {
  const trimmed = text.trim();
  const malformed = (what: string): AccessTokenError =>
    new AccessTokenError(
      "malformed",
      origin.where,
      `The access token from ${origin.where} ${what}. Set it to the token alone, or to the JSON that 'az account get-access-token' prints.`,
    );

  let token = trimmed;
  const parsed: Omit<ParsedAccessToken, "token" | "origin"> = {};
  if (trimmed.startsWith("{")) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch {
      throw malformed("starts with '{' but is not valid JSON");
    }
    const record = json !== null && typeof json === "object" && !Array.isArray(json) ? (json as Record<string, unknown>) : {};
    const accessToken = record["accessToken"];
    if (typeof accessToken !== "string" || accessToken.trim() === "") {
      throw malformed(`is JSON without an "accessToken" string`);
    }
    const tokenType = record["tokenType"];
    if (typeof tokenType === "string" && tokenType.toLowerCase() !== "bearer") {
      throw malformed(`has tokenType ${show(tokenType, { shape: /^[A-Za-z-]{1,20}$/ })}, but Azure Resource Manager needs a Bearer token`);
    }
    token = accessToken.trim();
    const expiresOn = jsonExpiry(record);
    if (expiresOn !== undefined) parsed.expiresOn = expiresOn;
    if (typeof record["subscription"] === "string" && record["subscription"]) parsed.subscriptionId = record["subscription"];
    // The tenant (here and from the JWT's `tid`) joins messages and the `az --tenant` fix: kept only when tenant-shaped.
    if (typeof record["tenant"] === "string" && isTenantId(record["tenant"])) parsed.tenantId = record["tenant"];
  }
  // A pasted "Authorization" value: the scheme is ours to add, so drop it rather than fail.
  token = token.replace(/^bearer\s+/i, "");
  // A copy-paste artifact (zero-width space, BOM, soft hyphen, a control character) would otherwise fail
  // inside Node as a bare "Invalid character in header content": named here, by code point and position.
  const odd = /[^\x21-\x7e]/.exec(token);
  if (odd && !/[ \t\r\n\v\f]/.test(odd[0])) {
    const code = `U+${odd[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
    const name = INVISIBLE_NAMES[odd[0]] ?? (/[\u0000-\u001f\u007f-\u009f]/.test(odd[0]) ? "a control character" : "a character outside printable ASCII");
    throw malformed(
      `contains ${name} (${code}) at character ${odd.index + 1} of ${token.length}, which no access token has: a copy-paste artifact. ` +
        `Copy the token again, or set it straight from the command's output (az account get-access-token -o json)`,
    );
  }
  if (/\s/.test(token)) throw malformed("contains whitespace");

  const claims = decodeJwtClaims(token);
  if (claims) {
    parsed.claims = claims;
    if (claims.expiresOn !== undefined) parsed.expiresOn = claims.expiresOn;
    if (claims.tenantId !== undefined && isTenantId(claims.tenantId)) parsed.tenantId = claims.tenantId;
  }
  return { origin, token, ...parsed };
}

/** Names of the invisible characters copy-paste leaves behind. */
const INVISIBLE_NAMES: Readonly<Record<string, string>> = {
  "\u200b": "a zero-width space",
  "\u200c": "a zero-width non-joiner",
  "\u200d": "a zero-width joiner",
  "\u200e": "a left-to-right mark",
  "\u200f": "a right-to-left mark",
  "\u2060": "a word joiner",
  "\ufeff": "a byte-order mark",
  "\u00ad": "a soft hyphen",
  "\u00a0": "a no-break space",
};

/**
 * `expires_on` (epoch seconds; newer az) wins over `expiresOn` ("2026-11-23 02:00:00.000000", which az
 * writes in the local time zone of the machine that ran it, without an offset: read here in this
 * machine's zone, right when both run on the same CI runner).
 */
function jsonExpiry(record: Record<string, unknown>): number | undefined {
  const epoch = record["expires_on"];
  if (typeof epoch === "number" && Number.isFinite(epoch)) return epoch * 1000;
  if (typeof epoch === "string" && /^\d+$/.test(epoch)) return Number(epoch) * 1000;
  const local = record["expiresOn"];
  if (typeof local !== "string") return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$/.exec(local.trim());
  if (m) {
    const [, y, mo, d, h, mi, s, frac = "0"] = m;
    return new Date(+y!, +mo! - 1, +d!, +h!, +mi!, +s!, Math.floor(Number(`0.${frac}`) * 1000)).getTime();
  }
  const withZone = Date.parse(local);
  return Number.isNaN(withZone) ? undefined : withZone;
}

/** Clock skew tolerated on `nbf` (as Entra-issued tokens are judged by ARM: a few minutes). */
const NOT_BEFORE_SKEW_MS = 5 * 60_000;

/** What the pre-checks compare the token with. */
export interface PrecheckContext {
  /** Now, in ms. */
  now: number;
  /** The token must stay valid this long after now (the margin for the operation to finish). */
  minValidityMs: number;
  cloud: ResolvedCloud;
  /** The configured tenant (`acr-tokens:tenantId`, `ACR_TOKENS_TENANT_ID`, `AZURE_CLI_TENANT_ID`). */
  tenant?: Setting;
}

/**
 * The command that gets a new token and puts it where this one came from: the exact fix for every
 * message about this token.
 *
 * Internal. Exported for testing.
 */
export function refreshCommand(origin: AccessTokenOrigin, audience: string, tenantId?: string): string {
  const az = `az account get-access-token --resource ${trimSlashes(audience)}/${tenantId ? ` --tenant ${tenantId}` : ""}`;
  if (origin.path !== undefined) return `'${az} > ${origin.path}'`;
  // The JSON keeps the subscription (and tenant) that `acr-tokens check` needs; a raw token drops them.
  // AZURE_CLI_ACCESS_TOKEN is shared with the Azure CLI's proposal, which takes the token alone.
  const value = origin.settingName === "AZURE_CLI_ACCESS_TOKEN" ? `$(${az} --query accessToken -o tsv)` : `$(${az} -o json)`;
  if (origin.settingName.includes(":")) return `'pulumi config set --secret ${origin.settingName} "${value}"'`;
  return `'export ${origin.settingName}="${value}"'`;
}

function cloudLabel(cloud: ResolvedCloud): string {
  return cloud.name === "custom" ? `the ARM endpoint ${cloud.armEndpoint}` : cloud.name;
}

/**
 * The pre-checks, without a network call, in this order: expired, not yet valid (`nbf`), audience, tenant, expiring within the
 * margin. Throws an {@link AccessTokenError} for the first failure; returns the warnings (a token that is
 * not a JWT cannot be checked, which is allowed).
 */
export function precheckAccessToken(parsed: ParsedAccessToken, ctx: PrecheckContext): string[] {
  const { origin, claims, expiresOn } = parsed;
  const audience = ctx.cloud.audiences[0]!;
  const configuredTenant = ctx.tenant?.value;
  const fix = refreshCommand(origin, audience, configuredTenant ?? parsed.tenantId);

  if (expiresOn !== undefined && expiresOn <= ctx.now) {
    throw new AccessTokenError(
      "expired",
      origin.where,
      `The access token from ${origin.where} expired at ${utc(expiresOn)} (UTC; it is now ${utc(ctx.now)}). Get a new one: ${fix}.`,
    );
  }
  if (claims?.notBefore !== undefined && claims.notBefore > ctx.now + NOT_BEFORE_SKEW_MS) {
    throw new AccessTokenError(
      "notYetValid",
      origin.where,
      `The access token from ${origin.where} is not valid before ${utc(claims.notBefore)} (UTC; its "nbf" claim), ` +
        `${humanDuration(claims.notBefore - ctx.now)} from now (${utc(ctx.now)} here), so Azure Resource Manager would refuse it. ` +
        `Check this machine's clock (and ACR_TOKENS_CLOCK_FILE, when set), or get a token valid now: ${fix}.`,
    );
  }
  if (claims && claims.audiences.length > 0 && !claims.audiences.some((a) => isAudienceOf(a, ctx.cloud.audiences))) {
    throw new AccessTokenError(
      "audience",
      origin.where,
      `The access token from ${origin.where} is for audience ${claims.audiences.map((a) => show(a, { shape: /^[\w:/.-]{1,200}$/ })).join(", ")}, which is not an Azure Resource Manager audience of ${cloudLabel(ctx.cloud)} ` +
        `(${ctx.cloud.audiences.map((a) => `${a}/`).join(" or ")}). Get a token for ARM: ${fix}.`,
    );
  }
  if (configuredTenant && parsed.tenantId && parsed.tenantId.toLowerCase() !== configuredTenant.toLowerCase()) {
    throw new AccessTokenError(
      "tenant",
      origin.where,
      `The access token from ${origin.where} was issued by tenant ${parsed.tenantId}, but ${ctx.tenant!.source} is ${configuredTenant}. ` +
        `Get a token from that tenant: ${refreshCommand(origin, audience, configuredTenant)}, or correct ${ctx.tenant!.source}.`,
    );
  }
  if (expiresOn !== undefined && expiresOn - ctx.now < ctx.minValidityMs) {
    throw new AccessTokenError(
      "expiring",
      origin.where,
      `The access token from ${origin.where} expires at ${utc(expiresOn)} (UTC), in ${humanDuration(expiresOn - ctx.now)}, ` +
        `but must stay valid for at least ${humanDuration(ctx.minValidityMs)} so the operation can finish. Get a fresh one: ${fix}, ` +
        `or lower acr-tokens:accessTokenMinValidity / ACR_TOKENS_ACCESS_TOKEN_MIN_VALIDITY (seconds, or e.g. 2m).`,
    );
  }

  const unchecked: string[] = [];
  if (expiresOn === undefined) unchecked.push("expiry");
  if (!claims || claims.audiences.length === 0) unchecked.push("audience");
  if (configuredTenant && !parsed.tenantId) unchecked.push("tenant");
  if (unchecked.length === 0) return [];
  const what = unchecked.length === 1 ? `its ${unchecked[0]}` : `its ${unchecked.slice(0, -1).join(", ")} and ${unchecked.at(-1)}`;
  const kind = claims ? "a JWT without the claims needed" : "not a JWT";
  return [
    `The access token from ${origin.where} is ${kind}, so ${what} cannot be checked before it is used; ` +
      `if it is wrong, Azure Resource Manager will reject it (HTTP 401).`,
  ];
}

/**
 * A `TokenCredential` over a bring-your-own token. It serves the token for the cloud's ARM scopes
 * only, and refuses once the token has expired (the bearer policy would otherwise send it anyway).
 * The token sits in an ES private field, so neither `util.inspect` nor `JSON.stringify` shows it.
 */
export class AccessTokenCredential implements TokenCredential {
  readonly #token: string;
  /** Where the token came from (safe to show). */
  readonly origin: AccessTokenOrigin;
  /** Expiry in ms, when known. */
  readonly expiresOn: number | undefined;
  /** The tenant the token is for, when known. */
  readonly tenantId: string | undefined;
  /** Always 0: serving a token the caller holds makes no network acquisition. */
  readonly acquisitions = 0;

  constructor(
    parsed: ParsedAccessToken,
    private readonly context: { cloud: ResolvedCloud; now: () => number; tenant?: Setting },
  ) {
    this.#token = parsed.token;
    this.origin = parsed.origin;
    this.expiresOn = parsed.expiresOn;
    this.tenantId = parsed.tenantId;
  }

  async getToken(scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken> {
    const { cloud } = this.context;
    for (const scope of Array.isArray(scopes) ? scopes : [scopes]) {
      const resource = scope.replace(/\/\.default$/, "");
      if (!isAudienceOf(resource, cloud.audiences)) {
        throw new CredentialSettingsError(
          `The access token from ${this.origin.where} is for Azure Resource Manager only, but a client asked for scope ${show(scope, { shape: /^[\w:/.-]{1,200}$/ })}. ` +
            `Create the client with credentials.scopes set to ${JSON.stringify(cloud.scopes)} (ResolvedCredential.scopes).`,
        );
      }
    }
    const now = this.context.now();
    if (this.expiresOn !== undefined && this.expiresOn <= now) {
      throw new AccessTokenError(
        "expired",
        this.origin.where,
        `The access token from ${this.origin.where} expired at ${utc(this.expiresOn)} (UTC; it is now ${utc(now)}). ` +
          `Get a new one: ${this.refreshCommand()}.`,
      );
    }
    // Unknown expiry (opaque token): the caller owns validity; an hour keeps the bearer policy asking again now and then.
    return { token: this.#token, expiresOnTimestamp: this.expiresOn ?? now + 3_600_000, tokenType: "Bearer" };
  }

  /** The exact command that replaces this token. */
  refreshCommand(tenantId?: string): string {
    return refreshCommand(this.origin, this.context.cloud.audiences[0]!, tenantId ?? this.context.tenant?.value ?? this.tenantId);
  }

  /** The resolved cloud (for messages). */
  get cloud(): ResolvedCloud {
    return this.context.cloud;
  }

  /** Keeps the token out of `JSON.stringify` and the closure serializer's view of plain fields. */
  toJSON(): Record<string, unknown> {
    return { kind: "accessToken", source: this.origin.where };
  }
}
