import * as assert from "node:assert/strict";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Emulator } from "acr-tokens-emulator";
import { mkdtempSync } from "node:fs";
import { main } from "../../cli";
import type { EmulatorHarness } from "../../testing/harness";
import { jwt } from "../credential/fixtures";
import { useE2eBed } from "../e2e/fixture";
import { recordFigure } from "../faults/figures";
import { setProcessEnv } from "../cli/helpers";

const RG = "rg-bad-input";
const REGISTRY = "badinputreg";
const PROGRAM = "tests/badInput/programs/component.ts";
const OTHER_TENANT = "11111111-2222-3333-4444-555555555555";

/** Every message must say what to do: an action, or the valid values/shape to write instead. */
const NAMES_A_FIX = /\b(use|set|give|remove|run|get|write|pass|unset|choose|rename|raise|add|sign in|grant|check|did you mean|allowed|valid \w+:|expected|names are)\b|\(e\.g\. /i;

/** A component built by the program: which one, and its args (beyond the registry names). */
interface ComponentRow {
  surface: "ScopeMap" | "RegistryToken" | "TokenPassword" | "RotatingTokenPassword" | "stack config";
  what: string;
  component: "ScopeMap" | "RegistryToken" | "TokenPassword" | "RotatingTokenPassword";
  args: Record<string, unknown>;
  /** Extra stack config (credential settings). */
  config?: Record<string, string>;
  /** A secret in the input that must not appear in the message. */
  secret?: string;
  expect: RegExp;
}

/** The check CLI with an environment: flags and credential settings. */
interface CliRow {
  surface: "CLI flags" | "credential settings";
  what: string;
  argv: string[];
  env?: Record<string, string | undefined>;
  /** A secret in the input that must not appear in the message. */
  secret?: string;
  /** Variables @azure/identity and the ARM client read from process.env itself (set for this row only). */
  processEnv?: Record<string, string>;
  expect: RegExp;
}

/** Secret-shaped values a user may paste in the wrong place (made up here; none is live). */
const CLIENT_SECRET = "Xq48Q~vRz1kPq.3Cz9rXWmT0uTYv9nRoL8H_yVa2";
const ACR_PASSWORD = "KKLOv3EVjDY7+fD1FX2BVfy8AuugGrVcwK7LWEWPuC+ACRCr/316";
// Shaped like an access token (header.payload.signature, base64url), built here so no token-shaped text is committed.
const JWT_LIKE = [{ typ: "JWT", alg: "RS256" }, { aud: "https://management.azure.com/" }, "signaturesignature"]
  .map((part) => Buffer.from(typeof part === "string" ? part : JSON.stringify(part)).toString("base64url"))
  .join(".");

/**
 * One table of what a user can get wrong, for every surface: the components (ScopeMap,
 * RegistryToken, TokenPassword, RotatingTokenPassword, through the mini-up harness and the real dynamic-provider host;
 * TokenPassword's plain arguments are judged at construction by the provider's own rules, in its words),
 * the stack's credential config, the check
 * CLI's flags and the credential environment. Each row must fail with a message that names the fix,
 * and the emulator must have seen no ARM request for it. Control rows (valid input) show the same
 * path does reach ARM, so "no ARM request" is a real observation.
 */
describe("bad input: rejected before any ARM request, with the fix", function () {
  // The harness spawns the dynamic-provider host under ts-node and loads azure-native (seconds on 2 cores).
  this.timeout(60_000);

  const bed = useE2eBed("bad", { resourceGroup: RG, name: REGISTRY });
  let emu: Emulator;
  let harness: EmulatorHarness;
  before(() => ({ emu, harness } = bed()));

  const registryId = () => `/subscriptions/${emu.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.ContainerRegistry/registries/${REGISTRY}`;
  const armCalls = (mark: number) => emu.requests.slice(mark).filter((r) => r.kind === "arm").map((r) => r.operation ?? r.path);
  const validToken = () => emu.issueToken({ expiresInSeconds: 6 * 3600 });
  const nowSeconds = () => Math.floor(emu.clock.now().getTime() / 1000);

  async function up(component: string, args: Record<string, unknown>, config: Record<string, string> = {}): Promise<void> {
    const session = harness.session({
      program: PROGRAM,
      config: { component, args: JSON.stringify(args), registryName: REGISTRY, resourceGroupName: RG, ...config },
    });
    await session.up();
  }

  async function cli(argv: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; stderr: string; stdout: string }> {
    let stdout = "";
    let stderr = "";
    const base: Record<string, string | undefined> = {
      ACR_TOKENS_ARM_ENDPOINT: emu.armEndpoint,
      ACR_TOKENS_CA_CERT_FILE: emu.caCertPath,
      ACR_TOKENS_ACCESS_TOKEN: validToken(),
      ACR_TOKENS_SUBSCRIPTION_ID: emu.subscriptionId,
      ACR_TOKENS_CLOCK_FILE: bed().clockFile,
    };
    const merged: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries({ ...base, ...env })) if (v !== undefined) merged[k] = v;
    const code = await main(argv, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, env: merged, isTTY: false });
    return { code, stderr, stdout };
  }

  const tokenId = (name: string) => `${registryId()}/tokens/${name}`;
  const grants = { repositories: { app: ["content/read"] } };

  const componentRows = (): ComponentRow[] => [
    { surface: "ScopeMap", what: "an unknown action", component: "ScopeMap", args: { scopeMapName: "bad-map", repositories: { app: ["content/reed"] } }, expect: /repositories\["app"\] has unknown action "content\/reed"\. Did you mean "content\/read"\? Allowed: / },
    { surface: "ScopeMap", what: "no grants at all", component: "ScopeMap", args: { scopeMapName: "bad-map" }, expect: /ScopeMap "bad"/ },
    { surface: "ScopeMap", what: "an empty action list", component: "ScopeMap", args: { scopeMapName: "bad-map", repositories: { app: [] } }, expect: /ScopeMap "bad".*app/ },
    { surface: "ScopeMap", what: "an invalid repository name", component: "ScopeMap", args: { scopeMapName: "bad-map", repositories: { "App!": ["content/read"] } }, expect: /ScopeMap "bad".*App!/ },
    { surface: "ScopeMap", what: "a too-short scope map name", component: "ScopeMap", args: { scopeMapName: "x", ...grants }, expect: /scopeMapName "x" is not a valid scope map name: it is 1 character long\. Scope map names are 5–50/ },
    { surface: "ScopeMap", what: "registryId together with registryName", component: "ScopeMap", args: { scopeMapName: "bad-map", registryId: "/subscriptions/x", registryName: REGISTRY, resourceGroupName: RG, ...grants }, expect: /registryId and registryName and resourceGroupName are both set.*Remove registryId, or remove registryName and resourceGroupName/ },
    { surface: "ScopeMap", what: "an unknown gateway action", component: "ScopeMap", args: { scopeMapName: "bad-map", ...grants, gateways: { gw: ["config/reed"] } }, expect: /ScopeMap "bad".*config\/reed/ },
    { surface: "ScopeMap", what: "an invalid registry name", component: "ScopeMap", args: { scopeMapName: "bad-map", registryName: "reg1", ...grants }, expect: /registryName "reg1" is not a valid registry name: it is 4 characters long\. Registry names are 5–50/ },
    { surface: "RegistryToken", what: "neither scopeMap nor repositories", component: "RegistryToken", args: { tokenName: "bad-token" }, expect: /RegistryToken "bad"/ },
    { surface: "RegistryToken", what: "both scopeMap and repositories", component: "RegistryToken", args: { tokenName: "bad-token", scopeMap: `${registryId()}/scopeMaps/_repositories_pull`, ...grants }, expect: /RegistryToken "bad".*scopeMap/ },
    { surface: "RegistryToken", what: "a too-short token name", component: "RegistryToken", args: { tokenName: "ab", ...grants }, expect: /tokenName "ab" is not a valid token name: it is 2 characters long\. Token names are 5–50/ },
    { surface: "RegistryToken", what: "an unknown status", component: "RegistryToken", args: { tokenName: "bad-token", status: "on", ...grants }, expect: /RegistryToken "bad".*"on"/ },
    { surface: "RegistryToken", what: "a scope map that is not an id", component: "RegistryToken", args: { tokenName: "bad-token", scopeMap: "not-an-id" }, expect: /RegistryToken "bad".*not-an-id/ },
    { surface: "RegistryToken", what: "a scope map of another registry", component: "RegistryToken", args: { tokenName: "bad-token", scopeMap: registryId().replace(REGISTRY, "otherregistry") + "/scopeMaps/_repositories_pull" }, expect: /belongs to registry "otherregistry"/ },
    { surface: "TokenPassword", what: "a token that is not an id", component: "TokenPassword", args: { token: "not-an-id" }, expect: /token a 9-character value is not a token resource id; expected \/subscriptions\/<subscription id>/ },
    { surface: "TokenPassword", what: "a third slot", component: "TokenPassword", args: { token: tokenId("some-token"), slot: "password3" }, expect: /slot is a 9-character value; use "password1" or "password2"/ },
    { surface: "TokenPassword", what: "an expiry in the past", component: "TokenPassword", args: { token: tokenId("some-token"), expiry: "2020-01-01T00:00:00Z" }, expect: /expiry 2020-01-01T00:00:00Z is not in the future .*give a later time or use expiresInDays/ },
    { surface: "TokenPassword", what: "an expiry that is not ISO 8601 UTC", component: "TokenPassword", args: { token: tokenId("some-token"), expiry: "tomorrow" }, expect: /expiry is an 8-character value, not an ISO 8601 UTC time; write it like/ },
    { surface: "TokenPassword", what: "an expiry in local time", component: "TokenPassword", args: { token: tokenId("some-token"), expiry: "2099-01-31T00:00:00+02:00" }, expect: /not an ISO 8601 UTC time; write it like "2027-01-31T00:00:00Z"/ },
    { surface: "TokenPassword", what: "a date that does not exist", component: "TokenPassword", args: { token: tokenId("some-token"), expiry: "2099-02-31T00:00:00Z" }, expect: /expiry is a 20-character value, not an ISO 8601 UTC time/ },
    { surface: "TokenPassword", what: "zero days", component: "TokenPassword", args: { token: tokenId("some-token"), expiresInDays: 0 }, expect: /expiresInDays is 0; use a whole number of days greater than 0/ },
    { surface: "TokenPassword", what: "fractional days", component: "TokenPassword", args: { token: tokenId("some-token"), expiresInDays: 1.5 }, expect: /expiresInDays is 1\.5; use a whole number of days/ },
    { surface: "TokenPassword", what: "days past the year 9999", component: "TokenPassword", args: { token: tokenId("some-token"), expiresInDays: 3_000_000 }, expect: /ends after the year 9999; use a smaller number of days/ },
    { surface: "TokenPassword", what: "both expiry and expiresInDays", component: "TokenPassword", args: { token: tokenId("some-token"), expiresInDays: 30, expiry: "2099-01-01T00:00:00Z" }, expect: /give either expiry \(a fixed time\) or expiresInDays \(days from creation\), not both/ },
    { surface: "TokenPassword", what: "an unknown credential selector", component: "TokenPassword", args: { token: tokenId("some-token"), credential: "magic" }, expect: /credential is a 5-character value, not a credential source; use one of: / },
    { surface: "RotatingTokenPassword", what: "no schedule at all", component: "RotatingTokenPassword", args: { token: tokenId("some-token") }, expect: /RotatingTokenPassword "bad": no schedule given\. Set rotationPeriodDays \(e\.g\. 30\), or expiresInDays and rotateBeforeExpiryDays/ },
    { surface: "RotatingTokenPassword", what: "both schedules", component: "RotatingTokenPassword", args: { token: tokenId("some-token"), rotationPeriodDays: 30, expiresInDays: 90, rotateBeforeExpiryDays: 14 }, expect: /RotatingTokenPassword "bad": rotationPeriodDays and expiresInDays\/rotateBeforeExpiryDays are mutually exclusive\. Give rotationPeriodDays alone/ },
    { surface: "RotatingTokenPassword", what: "a zero-day period", component: "RotatingTokenPassword", args: { token: tokenId("some-token"), rotationPeriodDays: 0 }, expect: /RotatingTokenPassword "bad": rotationPeriodDays is 0; use a whole number of days from 1 to 36500/ },
    { surface: "RotatingTokenPassword", what: "expiresInDays without rotateBeforeExpiryDays", component: "RotatingTokenPassword", args: { token: tokenId("some-token"), expiresInDays: 90 }, expect: /RotatingTokenPassword "bad": rotateBeforeExpiryDays is missing: expiresInDays and rotateBeforeExpiryDays go together \(e\.g\. 90 and 14\)/ },
    { surface: "RotatingTokenPassword", what: "a rotation window as long as the lifetime", component: "RotatingTokenPassword", args: { token: tokenId("some-token"), expiresInDays: 14, rotateBeforeExpiryDays: 13 }, expect: /RotatingTokenPassword "bad": rotateBeforeExpiryDays 13 leaves less than 2 days of expiresInDays 14 .*Use a smaller window or a longer lifetime/ },
    { surface: "RotatingTokenPassword", what: "a token that is not an id", component: "RotatingTokenPassword", args: { token: "not-an-id", rotationPeriodDays: 30 }, expect: /TokenPassword "bad-password1": token a 9-character value is not a token resource id; expected \/subscriptions\// },
    { surface: "stack config", what: "an expired access token in config", component: "TokenPassword", args: { token: tokenId("some-token") }, config: { "acr-tokens:accessToken": jwt({ aud: "https://management.azure.com/", tid: emu.tenantId, exp: nowSeconds() - 3600 }) }, expect: /expired at .*Get a new one: 'pulumi config set --secret acr-tokens:accessToken "\$\(az account get-access-token --resource https:\/\/management\.azure\.com\/ --tenant \S+ -o json\)"'/ },
    { surface: "stack config", what: "an access token for another audience", component: "TokenPassword", args: { token: tokenId("some-token") }, config: { "acr-tokens:accessToken": jwt({ aud: "https://vault.azure.net", tid: emu.tenantId, exp: nowSeconds() + 3600 }) }, expect: /az account get-access-token --resource/ },
    { surface: "stack config", what: "an access token of another tenant", component: "TokenPassword", args: { token: tokenId("some-token") }, config: { "acr-tokens:accessToken": jwt({ aud: "https://management.azure.com/", tid: emu.tenantId, exp: nowSeconds() + 3600 }), "acr-tokens:tenantId": OTHER_TENANT }, expect: /tenant/ },
    { surface: "stack config", what: "an unknown cloud", component: "TokenPassword", args: { token: tokenId("some-token") }, config: { "acr-tokens:cloud": "AzureMars" }, expect: /AzureMars/ },
    // Issue 12: secrets in the wrong place are described, never quoted; pre-checks; bounds; one answer per rule.
    { surface: "TokenPassword", what: "a client secret passed as the slot", component: "TokenPassword", args: { token: tokenId("some-token"), slot: CLIENT_SECRET }, secret: CLIENT_SECRET, expect: /slot is a 40-character value that looks like a password or key; use "password1" or "password2"/ },
    { surface: "TokenPassword", what: "an access token passed as the credential selector", component: "TokenPassword", args: { token: tokenId("some-token"), credential: JWT_LIKE }, secret: JWT_LIKE, expect: /credential is a \d+-character value shaped like a JWT access token, not a credential source/ },
    { surface: "TokenPassword", what: "a password passed as the expiry", component: "TokenPassword", args: { token: tokenId("some-token"), expiry: ACR_PASSWORD }, secret: ACR_PASSWORD, expect: /expiry is a 52-character value that looks like a password or key, not an ISO 8601 UTC time/ },
    { surface: "RotatingTokenPassword", what: "a rotation period of a billion days", component: "RotatingTokenPassword", args: { token: tokenId("some-token"), rotationPeriodDays: 1e9 }, expect: /rotationPeriodDays is 1000000000; use a whole number of days from 1 to 36500 \(100 years\)/ },
    { surface: "ScopeMap", what: "a registryId with a subscription name", component: "ScopeMap", args: { scopeMapName: "bad-map", registryId: registryId().replace(emu.subscriptionId, "production"), ...grants }, expect: /has the subscription id "production", which is not a GUID\. Use the registry's id as ARM gives it/ },
    { surface: "stack config", what: "an access token not valid yet (nbf an hour ahead)", component: "TokenPassword", args: { token: tokenId("some-token") }, config: { "acr-tokens:accessToken": jwt({ aud: "https://management.azure.com/", tid: emu.tenantId, nbf: nowSeconds() + 3600, exp: nowSeconds() + 7200 }) }, expect: /is not valid before .* \(UTC; its "nbf" claim\).*Check this machine's clock/ },
    { surface: "stack config", what: "a zero-width space pasted into the access token", component: "TokenPassword", args: { token: tokenId("some-token") }, config: { "acr-tokens:accessToken": `${validToken().slice(0, 30)}\u200b${validToken().slice(30)}` }, expect: /contains a zero-width space \(U\+200B\) at character 31 of \d+, which no access token has: a copy-paste artifact\. Copy the token again/ },
    { surface: "stack config", what: "an ARM endpoint with user:password@", component: "TokenPassword", args: { token: tokenId("some-token") }, config: { "acr-tokens:armEndpoint": `https://admin:${CLIENT_SECRET}@127.0.0.1:1` }, secret: CLIENT_SECRET, expect: /holds a URL with a user name or password in it .*remove the "user:password@" part/ },
    { surface: "stack config", what: "azure-native's client secret without its tenant", component: "TokenPassword", args: { token: tokenId("some-token") }, config: { "acr-tokens:accessToken": "", "azure-native:clientId": "5f0c6a4e-1111-4c4c-9a9a-000000000001", "azure-native:clientSecret": "not-a-real-secret" }, expect: /stack config azure-native:clientSecret is set, so the azure-native client secret credential is used, but ARM_TENANT_ID \(or stack config azure-native:tenantId\) is missing\./ },
  ];

  const cliRows = (): CliRow[] => [
    { surface: "CLI flags", what: "no --registry", argv: ["check"], expect: /--registry is required\. Pass the registry's name/ },
    { surface: "CLI flags", what: "an unknown option", argv: ["check", "--registry", REGISTRY, "--expiring-whithin", "3d"], expect: /Unknown option "--expiring-whithin"\. Did you mean --expiring-within\?/ },
    { surface: "CLI flags", what: "an az acr habit (-n)", argv: ["check", "-n", REGISTRY], expect: /Unknown option "-n"\. Did you mean --registry\?/ },
    { surface: "CLI flags", what: "an option without its value", argv: ["check", "--registry"], expect: /--registry needs a value\. Write it as --registry myregistry/ },
    { surface: "CLI flags", what: "a malformed registry name", argv: ["check", "--registry", "my-registry!"], expect: /is not a valid registry name/ },
    { surface: "CLI flags", what: "a token id given as the registry", argv: ["check", "--registry", `${registryId()}/tokens/ci-pull`], expect: /is not a container registry resource id/ },
    { surface: "CLI flags", what: "a contradicting resource group", argv: ["check", "--registry", registryId(), "-g", "rg-other"], expect: /--resource-group "rg-other" differs from the resource group/ },
    { surface: "CLI flags", what: "a subscription name", argv: ["check", "--registry", REGISTRY, "--subscription", "production"], expect: /--subscription "production" is not a subscription id/ },
    { surface: "CLI flags", what: "a malformed token name", argv: ["check", "--registry", REGISTRY, "-g", RG, "--token", "ci_pull"], expect: /--token "ci_pull" is not a valid token name/ },
    { surface: "CLI flags", what: "a window in weeks", argv: ["check", "--registry", REGISTRY, "-g", RG, "--expiring-within", "2w"], expect: /--expiring-within "2w" has the unit "w", which is not accepted/ },
    { surface: "CLI flags", what: "an unknown output format", argv: ["check", "--registry", REGISTRY, "-g", RG, "--output", "yaml"], expect: /--output "yaml" is not a format this command writes/ },
    { surface: "credential settings", what: "an expired token in ACR_TOKENS_ACCESS_TOKEN", argv: ["check", "--registry", REGISTRY, "-g", RG], env: { ACR_TOKENS_ACCESS_TOKEN: jwt({ aud: "https://management.azure.com/", tid: emu.tenantId, exp: nowSeconds() - 60 }) }, expect: /expired at .*'export ACR_TOKENS_ACCESS_TOKEN="\$\(az account get-access-token --resource https:\/\/management\.azure\.com\/ --tenant \S+ -o json\)"'/ },
    { surface: "credential settings", what: "a token for Key Vault", argv: ["check", "--registry", REGISTRY, "-g", RG], env: { ACR_TOKENS_ACCESS_TOKEN: jwt({ aud: "https://vault.azure.net", tid: emu.tenantId, exp: nowSeconds() + 3600 }) }, expect: /az account get-access-token --resource/ },
    { surface: "credential settings", what: "a token of another tenant", argv: ["check", "--registry", REGISTRY, "-g", RG], env: { ACR_TOKENS_TENANT_ID: OTHER_TENANT }, expect: /tenant/ },
    { surface: "credential settings", what: "a token file that does not exist", argv: ["check", "--registry", REGISTRY, "-g", RG], env: { ACR_TOKENS_ACCESS_TOKEN: undefined, ACR_TOKENS_ACCESS_TOKEN_FILE: path.join(tmpdir(), "acr-tokens-no-such-file") }, expect: /ACR_TOKENS_ACCESS_TOKEN_FILE/ },
    { surface: "credential settings", what: "an unknown cloud", argv: ["check", "--registry", REGISTRY, "-g", RG], env: { ACR_TOKENS_CLOUD: "AzureMars" }, expect: /AzureMars/ },
    { surface: "credential settings", what: "an unknown credential name", argv: ["check", "--registry", REGISTRY, "-g", RG], env: { ACR_TOKENS_ACCESS_TOKEN: undefined, ACR_TOKENS_CREDENTIAL: "magic" }, expect: /magic/ },
    // (A subscription *name* in ACR_TOKENS_SUBSCRIPTION_ID is refused the same way, with the az command that prints its id: tests/credential/subscription.test.ts.)
    { surface: "credential settings", what: "a subscription given as a resource path", argv: ["check", "--registry", REGISTRY, "-g", RG], env: { ACR_TOKENS_SUBSCRIPTION_ID: `/subscriptions/${"0".repeat(8)}` }, expect: /ACR_TOKENS_SUBSCRIPTION_ID is not a valid subscription id: .*Use the id alone \(a GUID/ },
    { surface: "credential settings", what: "an ARM endpoint that is not a URL", argv: ["check", "--registry", REGISTRY, "-g", RG], env: { ACR_TOKENS_ARM_ENDPOINT: "management dot azure" }, expect: /ACR_TOKENS_ARM_ENDPOINT/ },
    // Issue 12.
    { surface: "CLI flags", what: "a negative window", argv: ["check", "--registry", REGISTRY, "-g", RG, "--expiring-within", "-1d"], expect: /--expiring-within "-1d" is negative; the window looks ahead from now\. Use a whole number/ },
    { surface: "CLI flags", what: "a client secret as a positional argument", argv: ["check", "--registry", REGISTRY, "-g", RG, CLIENT_SECRET], secret: CLIENT_SECRET, expect: /Unexpected argument a 40-character value that looks like a password or key\. Options take values as --option value/ },
    { surface: "CLI flags", what: "a password in an unknown --option=value", argv: ["check", "--registry", REGISTRY, `--password=${ACR_PASSWORD}`], secret: ACR_PASSWORD, expect: /Unknown option "--password"\. Options: / },
    { surface: "credential settings", what: "NODE_DEBUG=https (Node would print the bearer token)", argv: ["check", "--registry", REGISTRY, "-g", RG], env: { NODE_DEBUG: "https" }, expect: /NODE_DEBUG includes "https", which makes Node print every HTTPS request's headers, including the Authorization bearer token, to stderr\. Nothing was sent\. Unset NODE_DEBUG/ },
    { surface: "credential settings", what: "an ARM endpoint with user:password@", argv: ["check", "--registry", REGISTRY, "-g", RG], env: { ACR_TOKENS_ARM_ENDPOINT: `https://admin:${CLIENT_SECRET}@127.0.0.1:1` }, secret: CLIENT_SECRET, expect: /ACR_TOKENS_ARM_ENDPOINT holds a URL with a user name or password in it .*remove the "user:password@" part/ },
    { surface: "credential settings", what: "a client secret in ACR_TOKENS_CA_CERT_FILE", argv: ["check", "--registry", REGISTRY, "-g", RG], env: { ACR_TOKENS_CA_CERT_FILE: CLIENT_SECRET }, secret: CLIENT_SECRET, expect: /ACR_TOKENS_CA_CERT_FILE names a file that cannot be read \(a 40-character value that looks like a password or key \(not shown: it may be a secret\): ENOENT\)\. Point it at a PEM file/ },
    { surface: "credential settings", what: "an access token in ACR_TOKENS_CLOCK_FILE", argv: ["check", "--registry", REGISTRY, "-g", RG], env: { ACR_TOKENS_CLOCK_FILE: JWT_LIKE }, secret: JWT_LIKE, expect: /ACR_TOKENS_CLOCK_FILE names a file that cannot be read \(a \d+-character value shaped like a JWT access token \(not shown: it may be a secret\): ENOENT\)\. Point it at the file/ },
    { surface: "credential settings", what: "a token pasted inside another setting's value, with a zero-width space", argv: ["check", "--registry", REGISTRY, "-g", RG], env: { ACR_TOKENS_ACCESS_TOKEN: `${JWT_LIKE.slice(0, 12)}\u200b${JWT_LIKE.slice(12)}` }, secret: JWT_LIKE.slice(12), expect: /contains a zero-width space \(U\+200B\) at character 13/ },
    { surface: "credential settings", what: "azure-native's client secret without its tenant (ARM_*)", argv: ["check", "--registry", REGISTRY, "-g", RG], env: { ACR_TOKENS_ACCESS_TOKEN: undefined, ARM_CLIENT_ID: "5f0c6a4e-1111-4c4c-9a9a-000000000001", ARM_CLIENT_SECRET: "not-a-real-secret" }, expect: /ARM_CLIENT_SECRET is set, so the azure-native client secret credential is used, but ARM_TENANT_ID \(or stack config azure-native:tenantId\) is missing\./ },
    { surface: "credential settings", what: "azure-native OIDC without a token", argv: ["check", "--registry", REGISTRY, "-g", RG], env: { ACR_TOKENS_ACCESS_TOKEN: undefined, ARM_USE_OIDC: "true", ARM_CLIENT_ID: "5f0c6a4e-1111-4c4c-9a9a-000000000001", ARM_TENANT_ID: OTHER_TENANT }, expect: /ARM_USE_OIDC is "true", so the azure-native OIDC credential is used, but no OIDC token is set\. Set ARM_OIDC_TOKEN/ },
    // The CA is not given: the TLS handshake fails before any HTTP request reaches the emulator.
    { surface: "credential settings", what: "an ARM endpoint whose certificate is not trusted", argv: ["check", "--registry", REGISTRY, "-g", RG], env: { ACR_TOKENS_CA_CERT_FILE: undefined }, processEnv: { ACR_TOKENS_RETRY_DELAY_MS: "1" }, expect: /could not reach ARM at .*The server's TLS certificate is not trusted here: set ACR_TOKENS_CA_CERT_FILE/ },
    // Only the developer credentials (VS Code, az with an empty config folder, PowerShell, azd): no network at all.
    { surface: "credential settings", what: "DefaultAzureCredential with nothing signed in: short, no MSAL dump", argv: ["check", "--registry", REGISTRY, "-g", RG], env: { ACR_TOKENS_ACCESS_TOKEN: undefined }, processEnv: { AZURE_TOKEN_CREDENTIALS: "dev", AZURE_CONFIG_DIR: mkdtempSync(path.join(tmpdir(), "acr-tokens-no-az-")) }, expect: /^acr-tokens check: No Azure credential: .*DefaultAzureCredential said: (?:(?!https?:|Headers|Timestamp)[^\n]){1,600}\n$/ },
  ];

  it("control: valid input through the same paths does reach ARM", async () => {
    let mark = emu.requests.length;
    await up("ScopeMap", { scopeMapName: "good-map", ...grants });
    assert.ok(armCalls(mark).includes("scopeMaps.create"), "the harness created the scope map");
    mark = emu.requests.length;
    const run = await cli(["check", "--registry", REGISTRY, "-g", RG]);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(armCalls(mark).length > 0, "the CLI listed tokens through ARM");
  });

  describe("components and stack config (mini-up through the real host)", () => {
    // Rows are built when the tests run (they need the emulator's ids and clock); the titles are static.
    const titles = [
      ...Array.from({ length: 44 }, (_, i) => i),
    ];
    for (const i of titles) {
      it(`component row ${i + 1}`, async function () {
        const row = componentRows()[i];
        assert.ok(row, `no component row ${i + 1}`);
        this.test!.title = `${row.surface}: ${row.what}`;
        const mark = emu.requests.length;
        await assert.rejects(up(row.component, row.args, row.config), (err: Error) => {
          assert.match(err.message, row.expect);
          assert.match(err.message, NAMES_A_FIX, `the message names no fix: ${err.message}`);
          if (row.secret !== undefined) assert.ok(!err.message.includes(row.secret), "the message quotes the secret from the input");
          return true;
        });
        assert.deepEqual(armCalls(mark), [], `${row.surface} "${row.what}" reached ARM`);
        recordFigure("badInput", row.surface);
      });
    }
    it("has a test for every component row", () => {
      assert.equal(componentRows().length, titles.length);
    });
  });

  describe("check CLI flags and credential environment", () => {
    const count = 31;
    for (let i = 0; i < count; i++) {
      it(`cli row ${i + 1}`, async function () {
        const row = cliRows()[i];
        assert.ok(row, `no cli row ${i + 1}`);
        this.test!.title = `${row.surface}: ${row.what}`;
        const mark = emu.requests.length;
        const restore = setProcessEnv(row.processEnv ?? {});
        const run = await cli(row.argv, row.env).finally(restore);
        assert.equal(run.code, 2, `exit code (stderr: ${run.stderr})`);
        assert.equal(run.stdout, "");
        assert.match(run.stderr, row.expect);
        assert.match(run.stderr, NAMES_A_FIX, `the message names no fix: ${run.stderr}`);
        if (row.secret !== undefined) assert.ok(!run.stderr.includes(row.secret), "stderr quotes the secret from the input");
        assert.deepEqual(armCalls(mark), [], `${row.surface} "${row.what}" reached ARM`);
        recordFigure("badInput", row.surface);
      });
    }
    it("has a test for every CLI row", () => {
      assert.equal(cliRows().length, count);
    });
  });
});
