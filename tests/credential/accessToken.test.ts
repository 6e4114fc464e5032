import * as assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import {
  AccessTokenError,
  AccessTokenErrorName,
  clearCredentialCache,
  CredentialKind,
  CredentialSettingsErrorName,
  resolveCredential,
  type CredentialSettingsSource,
  type ResolvedCredential,
} from "../../components/credential";
import { assertNoSecret, at, config, firstSentence, jwt, NOW, SENTINEL, TENANT } from "./fixtures";

/** Subscription ids (GUIDs), one per source, so a test can tell which source won. */
const SUB_CONFIG = "c0c0c0c0-0000-4000-8000-000000000001";
const SUB_ENV = "e0e0e0e0-0000-4000-8000-000000000002";
const SUB_CLI = "a0a0a0a0-0000-4000-8000-000000000003";
const SUB_JSON = "d0d0d0d0-0000-4000-8000-000000000004";

/** Resolves with a fixed clock and only the given environment. */
function resolve(env: NodeJS.ProcessEnv, extra: Partial<CredentialSettingsSource> = {}): Promise<ResolvedCredential> {
  return resolveCredential({ env, now: () => new Date(NOW), ...extra });
}

/** Reads the token a resolved credential serves, for identity comparisons that never print it. */
async function tokenOf(resolved: ResolvedCredential): Promise<string> {
  const t = await resolved.credential.getToken(resolved.scopes);
  assert.ok(t, "getToken returned null");
  return t.token;
}

/** An assert.rejects validator: the error's name, problem and first sentence, and no secret anywhere in it. */
function rejectsWith(name: string, sentence: string, problem?: string) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof Error, "not an Error");
    assertNoSecret([err.message, err.stack ?? "", inspect(err)]);
    assert.equal(err.name, name);
    if (problem !== undefined) assert.equal((err as AccessTokenError).problem, problem);
    assert.equal(firstSentence(err.message), sentence);
    return true;
  };
}

describe("credential: bring-your-own access token", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "acr-tokens-cred-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => clearCredentialCache());

  describe("sources and precedence", () => {
    const tConfig = jwt({ oid: "config" });
    const tEnv = jwt({ oid: "env" });
    const tFile = jwt({ oid: "file" });
    const tCli = jwt({ oid: "cli" });

    const rows: Array<{ name: string; config?: Record<string, string>; env: (file: string) => NodeJS.ProcessEnv; token: string; source: string }> = [
      {
        name: "stack config beats every environment variable",
        config: { "acr-tokens:accessToken": tConfig },
        env: (file) => ({ ACR_TOKENS_ACCESS_TOKEN: tEnv, ACR_TOKENS_ACCESS_TOKEN_FILE: file, AZURE_CLI_ACCESS_TOKEN: tCli }),
        token: tConfig,
        source: "access token from stack config acr-tokens:accessToken",
      },
      {
        name: "ACR_TOKENS_ACCESS_TOKEN beats the file and AZURE_CLI_ACCESS_TOKEN",
        env: (file) => ({ ACR_TOKENS_ACCESS_TOKEN: tEnv, ACR_TOKENS_ACCESS_TOKEN_FILE: file, AZURE_CLI_ACCESS_TOKEN: tCli }),
        token: tEnv,
        source: "access token from ACR_TOKENS_ACCESS_TOKEN",
      },
      {
        name: "the file beats AZURE_CLI_ACCESS_TOKEN",
        env: (file) => ({ ACR_TOKENS_ACCESS_TOKEN_FILE: file, AZURE_CLI_ACCESS_TOKEN: tCli }),
        token: tFile,
        source: "access token from the file <file> (ACR_TOKENS_ACCESS_TOKEN_FILE)",
      },
      {
        name: "AZURE_CLI_ACCESS_TOKEN alone is used",
        env: () => ({ AZURE_CLI_ACCESS_TOKEN: tCli }),
        token: tCli,
        source: "access token from AZURE_CLI_ACCESS_TOKEN",
      },
      {
        name: "blank values count as unset (CI exports unset secrets as empty strings)",
        config: { "acr-tokens:accessToken": "  " },
        env: () => ({ ACR_TOKENS_ACCESS_TOKEN: "", AZURE_CLI_ACCESS_TOKEN: tCli }),
        token: tCli,
        source: "access token from AZURE_CLI_ACCESS_TOKEN",
      },
    ];
    for (const row of rows) {
      it(row.name, async () => {
        const file = join(dir, "token.txt");
        writeFileSync(file, `${tFile}\n`);
        const resolved = await resolve(row.env(file), row.config ? { config: config(row.config) } : {});
        assert.equal(resolved.kind, CredentialKind.AccessToken);
        assert.equal(resolved.source, row.source.replace("<file>", file));
        assert.ok((await tokenOf(resolved)) === row.token, "the token came from the wrong source");
        assert.equal(resolved.acquisitions, 0);
      });
    }

    const idRows: Array<{ name: string; config?: Record<string, string>; env: NodeJS.ProcessEnv; subscriptionId?: string; tenantId?: string }> = [
      {
        name: "config beats ACR_TOKENS_* and AZURE_CLI_* for subscription and tenant",
        config: { "acr-tokens:subscriptionId": SUB_CONFIG, "acr-tokens:tenantId": TENANT },
        env: { ACR_TOKENS_SUBSCRIPTION_ID: SUB_ENV, AZURE_CLI_SUBSCRIPTION_ID: SUB_CLI, ACR_TOKENS_TENANT_ID: "other", AZURE_CLI_TENANT_ID: "other2" },
        subscriptionId: SUB_CONFIG,
        tenantId: TENANT,
      },
      {
        name: "ACR_TOKENS_* beats AZURE_CLI_*",
        env: { ACR_TOKENS_SUBSCRIPTION_ID: SUB_ENV, AZURE_CLI_SUBSCRIPTION_ID: SUB_CLI, ACR_TOKENS_TENANT_ID: TENANT, AZURE_CLI_TENANT_ID: "other" },
        subscriptionId: SUB_ENV,
        tenantId: TENANT,
      },
      {
        name: "AZURE_CLI_* alone is used",
        env: { AZURE_CLI_SUBSCRIPTION_ID: SUB_CLI, AZURE_CLI_TENANT_ID: TENANT },
        subscriptionId: SUB_CLI,
        tenantId: TENANT,
      },
      { name: "without settings the tenant comes from the token's tid", env: {}, tenantId: TENANT },
    ];
    for (const row of idRows) {
      it(row.name, async () => {
        const resolved = await resolve({ ACR_TOKENS_ACCESS_TOKEN: jwt(), ...row.env }, row.config ? { config: config(row.config) } : {});
        assert.equal(resolved.subscriptionId, row.subscriptionId);
        assert.equal(resolved.tenantId, row.tenantId);
      });
    }

    it("reads the JSON of 'az account get-access-token': token, subscription, tenant and expiry", async () => {
      const token = jwt({ exp: at(3600) });
      const json = JSON.stringify({
        accessToken: token,
        expiresOn: "2026-11-23 02:00:00.000000",
        expires_on: at(3600),
        subscription: SUB_JSON,
        tenant: TENANT,
        tokenType: "Bearer",
      });
      const resolved = await resolve({ ACR_TOKENS_ACCESS_TOKEN: json });
      assert.ok((await tokenOf(resolved)) === token, "the JSON's accessToken was not served");
      assert.equal(resolved.subscriptionId, SUB_JSON);
      assert.equal(resolved.tenantId, TENANT);
      assert.deepEqual(resolved.warnings, []);
    });

    it("configured subscription and tenant beat the JSON's", async () => {
      const json = JSON.stringify({ accessToken: jwt(), subscription: SUB_JSON, tenant: TENANT });
      const resolved = await resolve({ ACR_TOKENS_ACCESS_TOKEN: json, ACR_TOKENS_SUBSCRIPTION_ID: SUB_ENV });
      assert.equal(resolved.subscriptionId, SUB_ENV);
    });

    it("takes an opaque token's expiry from the JSON (expires_on), so expiry is still pre-checked", async () => {
      const json = JSON.stringify({ accessToken: `opaque-${SENTINEL}`, expires_on: String(at(-60)), tokenType: "Bearer" });
      await assert.rejects(
        resolve({ AZURE_CLI_ACCESS_TOKEN: json }),
        rejectsWith(AccessTokenErrorName, "The access token from AZURE_CLI_ACCESS_TOKEN expired at 2026-11-23T00:59:00Z (UTC; it is now 2026-11-23T01:00:00Z).", "expired"),
      );
    });

    it("reads expiresOn in this machine's time zone when expires_on is absent (az 2.45 prints only expiresOn)", async () => {
      const local = new Date(NOW + 3_600_000);
      const pad = (n: number): string => String(n).padStart(2, "0");
      const expiresOn = `${local.getFullYear()}-${pad(local.getMonth() + 1)}-${pad(local.getDate())} ${pad(local.getHours())}:${pad(local.getMinutes())}:${pad(local.getSeconds())}.000000`;
      const resolved = await resolve({ ACR_TOKENS_ACCESS_TOKEN: JSON.stringify({ accessToken: `opaque-${SENTINEL}`, expiresOn }) });
      const t = await resolved.credential.getToken(resolved.scopes);
      assert.equal(t?.expiresOnTimestamp, NOW + 3_600_000);
    });

    it("drops a pasted 'Bearer ' prefix", async () => {
      const token = jwt();
      const resolved = await resolve({ ACR_TOKENS_ACCESS_TOKEN: `Bearer ${token}` });
      assert.ok((await tokenOf(resolved)) === token, "the Bearer prefix was not removed");
    });
  });

  describe("pre-checks (no network call): each error's first sentence, never the token", () => {
    const cases: Array<{ name: string; env: NodeJS.ProcessEnv; config?: Record<string, string>; problem: string; sentence: string; fix?: string }> = [
      {
        name: "expired",
        env: { ACR_TOKENS_ACCESS_TOKEN: jwt({ exp: at(-3600) }) },
        problem: "expired",
        sentence: "The access token from ACR_TOKENS_ACCESS_TOKEN expired at 2026-11-23T00:00:00Z (UTC; it is now 2026-11-23T01:00:00Z).",
        fix: `Get a new one: 'export ACR_TOKENS_ACCESS_TOKEN="$(az account get-access-token --resource https://management.azure.com/ --tenant ${TENANT} -o json)"'.`,
      },
      {
        name: "expired, from stack config: the fix is a pulumi config command",
        env: {},
        config: { "acr-tokens:accessToken": jwt({ exp: at(-1) }) },
        problem: "expired",
        sentence: "The access token from stack config acr-tokens:accessToken expired at 2026-11-23T00:59:59Z (UTC; it is now 2026-11-23T01:00:00Z).",
        fix: `Get a new one: 'pulumi config set --secret acr-tokens:accessToken "$(az account get-access-token --resource https://management.azure.com/ --tenant ${TENANT} -o json)"'.`,
      },
      {
        name: "expiring within the default 5 minutes",
        env: { ACR_TOKENS_ACCESS_TOKEN: jwt({ exp: at(200) }) },
        problem: "expiring",
        sentence:
          "The access token from ACR_TOKENS_ACCESS_TOKEN expires at 2026-11-23T01:03:20Z (UTC), in 3 min 20 s, but must stay valid for at least 5 min so the operation can finish.",
      },
      {
        name: "expiring within a margin set in the environment (10m)",
        env: { ACR_TOKENS_ACCESS_TOKEN: jwt({ exp: at(540) }), ACR_TOKENS_ACCESS_TOKEN_MIN_VALIDITY: "10m" },
        problem: "expiring",
        sentence:
          "The access token from ACR_TOKENS_ACCESS_TOKEN expires at 2026-11-23T01:09:00Z (UTC), in 9 min, but must stay valid for at least 10 min so the operation can finish.",
      },
      {
        name: "expiring within a margin set in stack config (seconds), which beats the environment",
        env: { AZURE_CLI_ACCESS_TOKEN: jwt({ exp: at(1000) }), ACR_TOKENS_ACCESS_TOKEN_MIN_VALIDITY: "60" },
        config: { "acr-tokens:accessTokenMinValidity": "1800" },
        problem: "expiring",
        sentence:
          "The access token from AZURE_CLI_ACCESS_TOKEN expires at 2026-11-23T01:16:40Z (UTC), in 16 min 40 s, but must stay valid for at least 30 min so the operation can finish.",
      },
      {
        name: "not valid yet: nbf an hour ahead (a clock behind, or a token minted for later)",
        env: { ACR_TOKENS_ACCESS_TOKEN: jwt({ nbf: at(3600), exp: at(7200) }) },
        problem: "notYetValid",
        sentence:
          'The access token from ACR_TOKENS_ACCESS_TOKEN is not valid before 2026-11-23T02:00:00Z (UTC; its "nbf" claim), 1 h from now (2026-11-23T01:00:00Z here), so Azure Resource Manager would refuse it.',
        fix: `Check this machine's clock (and ACR_TOKENS_CLOCK_FILE, when set), or get a token valid now: 'export ACR_TOKENS_ACCESS_TOKEN="$(az account get-access-token --resource https://management.azure.com/ --tenant ${TENANT} -o json)"'.`,
      },
      {
        name: "a zero-width space pasted inside the token",
        env: { ACR_TOKENS_ACCESS_TOKEN: (() => { const t = jwt(); return `${t.slice(0, 40)}\u200b${t.slice(40)}`; })() },
        problem: "malformed",
        sentence: `The access token from ACR_TOKENS_ACCESS_TOKEN contains a zero-width space (U+200B) at character 41 of ${jwt().length + 1}, which no access token has: a copy-paste artifact.`,
        fix: "Copy the token again, or set it straight from the command's output (az account get-access-token -o json). Set it to the token alone, or to the JSON that 'az account get-access-token' prints.",
      },
      {
        name: "a control character in the token (from stack config)",
        env: {},
        config: { "acr-tokens:accessToken": `${jwt().slice(0, 10)}\u0007${jwt().slice(10)}` },
        problem: "malformed",
        sentence: `The access token from stack config acr-tokens:accessToken contains a control character (U+0007) at character 11 of ${jwt().length + 1}, which no access token has: a copy-paste artifact.`,
      },
      {
        name: "audience not ARM's",
        env: { ACR_TOKENS_ACCESS_TOKEN: jwt({ aud: "https://vault.azure.net" }) },
        problem: "audience",
        sentence:
          'The access token from ACR_TOKENS_ACCESS_TOKEN is for audience "https://vault.azure.net", which is not an Azure Resource Manager audience of AzureCloud (https://management.azure.com/ or https://management.core.windows.net/).',
      },
      {
        name: "audience of another cloud",
        env: { ACR_TOKENS_ACCESS_TOKEN: jwt(), ACR_TOKENS_CLOUD: "AzureChinaCloud" },
        problem: "audience",
        sentence:
          'The access token from ACR_TOKENS_ACCESS_TOKEN is for audience "https://management.azure.com/", which is not an Azure Resource Manager audience of AzureChinaCloud (https://management.chinacloudapi.cn/ or https://management.core.chinacloudapi.cn/).',
      },
      {
        name: "tenant different from the configured one",
        env: { ACR_TOKENS_ACCESS_TOKEN: jwt(), ACR_TOKENS_TENANT_ID: "11111111-2222-3333-4444-555555555555" },
        problem: "tenant",
        sentence: `The access token from ACR_TOKENS_ACCESS_TOKEN was issued by tenant ${TENANT}, but ACR_TOKENS_TENANT_ID is 11111111-2222-3333-4444-555555555555.`,
        fix: `Get a token from that tenant: 'export ACR_TOKENS_ACCESS_TOKEN="$(az account get-access-token --resource https://management.azure.com/ --tenant 11111111-2222-3333-4444-555555555555 -o json)"', or correct ACR_TOKENS_TENANT_ID.`,
      },
      {
        name: "tenant of the az JSON different from the configured one (opaque token)",
        env: {
          ACR_TOKENS_ACCESS_TOKEN: JSON.stringify({ accessToken: `opaque-${SENTINEL}`, tenant: TENANT }),
          AZURE_CLI_TENANT_ID: "11111111-2222-3333-4444-555555555555",
        },
        problem: "tenant",
        sentence: `The access token from ACR_TOKENS_ACCESS_TOKEN was issued by tenant ${TENANT}, but AZURE_CLI_TENANT_ID is 11111111-2222-3333-4444-555555555555.`,
      },
      {
        name: "JSON that is not az's",
        env: { ACR_TOKENS_ACCESS_TOKEN: `{"token": "${SENTINEL}"}` },
        problem: "malformed",
        sentence: 'The access token from ACR_TOKENS_ACCESS_TOKEN is JSON without an "accessToken" string.',
      },
      {
        name: "broken JSON",
        env: { ACR_TOKENS_ACCESS_TOKEN: `{"accessToken": "${SENTINEL}"` },
        problem: "malformed",
        sentence: "The access token from ACR_TOKENS_ACCESS_TOKEN starts with '{' but is not valid JSON.",
      },
      {
        name: "a proof-of-possession token",
        env: { ACR_TOKENS_ACCESS_TOKEN: JSON.stringify({ accessToken: jwt(), tokenType: "pop" }) },
        problem: "malformed",
        sentence: 'The access token from ACR_TOKENS_ACCESS_TOKEN has tokenType "pop", but Azure Resource Manager needs a Bearer token.',
      },
      {
        name: "a value with whitespace inside",
        env: { ACR_TOKENS_ACCESS_TOKEN: `${SENTINEL} ${SENTINEL}` },
        problem: "malformed",
        sentence: "The access token from ACR_TOKENS_ACCESS_TOKEN contains whitespace.",
      },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        await assert.rejects(resolve(c.env, c.config ? { config: config(c.config) } : {}), (err: unknown) => {
          rejectsWith(AccessTokenErrorName, c.sentence, c.problem)(err);
          if (c.fix !== undefined) assert.ok((err as Error).message.endsWith(c.fix), `the fix is missing: ${(err as Error).message}`);
          return true;
        });
      });
    }

    it("accepts both public ARM audiences, with or without the trailing slash, and an aud array", async () => {
      for (const aud of [
        "https://management.azure.com/",
        "https://management.azure.com",
        "https://management.core.windows.net/",
        "https://management.core.windows.net",
        ["api://other", "https://management.core.windows.net/"],
      ]) {
        clearCredentialCache();
        const resolved = await resolve({ ACR_TOKENS_ACCESS_TOKEN: jwt({ aud }) });
        assert.deepEqual(resolved.warnings, [], `aud ${JSON.stringify(aud)}`);
      }
    });

    it("accepts a token valid exactly for the margin, and a margin of 0 lets an almost-expired token through", async () => {
      await resolve({ ACR_TOKENS_ACCESS_TOKEN: jwt({ exp: at(300) }) });
      await resolve({ ACR_TOKENS_ACCESS_TOKEN: jwt({ exp: at(1) }), ACR_TOKENS_ACCESS_TOKEN_MIN_VALIDITY: "0" });
    });

    it("refuses a margin that is not a duration, naming the setting", async () => {
      await assert.rejects(
        resolve({ ACR_TOKENS_ACCESS_TOKEN: jwt(), ACR_TOKENS_ACCESS_TOKEN_MIN_VALIDITY: "5 minutes" }),
        rejectsWith(CredentialSettingsErrorName, 'ACR_TOKENS_ACCESS_TOKEN_MIN_VALIDITY is not a duration: "5 minutes".'),
      );
    });

    it("re-runs the pre-checks on a memoized credential when time has moved", async () => {
      let now = NOW;
      const env = { ACR_TOKENS_ACCESS_TOKEN: jwt({ exp: at(3600) }) };
      const first = await resolveCredential({ env, now: () => new Date(now) });
      assert.equal(await resolveCredential({ env, now: () => new Date(now) }), first, "not memoized");
      now += 3_400_000; // 200 s left
      await assert.rejects(resolveCredential({ env, now: () => new Date(now) }), rejectsWith(AccessTokenErrorName, "The access token from ACR_TOKENS_ACCESS_TOKEN expires at 2026-11-23T02:00:00Z (UTC), in 3 min 20 s, but must stay valid for at least 5 min so the operation can finish.", "expiring"));
    });
  });

  describe("a token that is not a JWT", () => {
    it("is allowed with ONE warning through the logger and in warnings, which never contains the token", async () => {
      const warnings: string[] = [];
      const infos: string[] = [];
      const logger = { warn: (m: string) => warnings.push(m), info: (m: string) => infos.push(m) };
      const env = { ACR_TOKENS_ACCESS_TOKEN: `opaque-${SENTINEL}` };
      const resolved = await resolve(env, { logger });
      await resolve(env, { logger });
      assert.deepEqual(warnings, [
        "The access token from ACR_TOKENS_ACCESS_TOKEN is not a JWT, so its expiry and audience cannot be checked before it is used; if it is wrong, Azure Resource Manager will reject it (HTTP 401).",
      ]);
      assert.deepEqual(resolved.warnings, warnings);
      assert.deepEqual(infos, ["acr-tokens: using the access token from ACR_TOKENS_ACCESS_TOKEN"]);
      assertNoSecret([...warnings, ...infos]);
      assert.ok((await tokenOf(resolved)) === env.ACR_TOKENS_ACCESS_TOKEN, "the opaque token was not served");
    });
  });

  describe("the credential", () => {
    it("serves the token with the JWT's expiry for the cloud's ARM scope", async () => {
      const token = jwt({ exp: at(3600) });
      const resolved = await resolve({ ACR_TOKENS_ACCESS_TOKEN: token });
      assert.deepEqual(resolved.scopes, ["https://management.azure.com/.default"]);
      const t = await resolved.credential.getToken(["https://management.azure.com/.default"]);
      assert.ok(t?.token === token, "wrong token");
      assert.equal(t?.expiresOnTimestamp, at(3600) * 1000);
      assert.equal(t?.tokenType, "Bearer");
    });

    it("refuses to serve the token once it has expired, instead of sending it", async () => {
      let now = NOW;
      const resolved = await resolveCredential({ env: { ACR_TOKENS_ACCESS_TOKEN: jwt({ exp: at(3600) }) }, now: () => new Date(now) });
      now = at(3600) * 1000;
      await assert.rejects(
        resolved.credential.getToken(resolved.scopes),
        rejectsWith(AccessTokenErrorName, "The access token from ACR_TOKENS_ACCESS_TOKEN expired at 2026-11-23T02:00:00Z (UTC; it is now 2026-11-23T02:00:00Z).", "expired"),
      );
    });

    it("refuses a scope that is not ARM's (the token must not leak to another service)", async () => {
      const resolved = await resolve({ ACR_TOKENS_ACCESS_TOKEN: jwt() });
      await assert.rejects(
        resolved.credential.getToken("https://vault.azure.net/.default"),
        rejectsWith(
          CredentialSettingsErrorName,
          'The access token from ACR_TOKENS_ACCESS_TOKEN is for Azure Resource Manager only, but a client asked for scope "https://vault.azure.net/.default".',
        ),
      );
    });

    it("keeps the token out of util.inspect and JSON.stringify of the resolved credential", async () => {
      const resolved = await resolve({ ACR_TOKENS_ACCESS_TOKEN: jwt() });
      assertNoSecret([inspect(resolved, { depth: 10, showHidden: true }), JSON.stringify(resolved)]);
    });
  });

  describe("the token file", () => {
    it("refuses a file that cannot be read, naming the variable and the path", async () => {
      const missing = join(dir, "missing.txt");
      await assert.rejects(
        resolve({ ACR_TOKENS_ACCESS_TOKEN_FILE: missing }),
        rejectsWith(CredentialSettingsErrorName, `ACR_TOKENS_ACCESS_TOKEN_FILE names a file that cannot be read ("${missing}": ENOENT).`),
      );
    });

    it("refuses an empty file", async () => {
      const empty = join(dir, "empty.txt");
      writeFileSync(empty, "\n");
      await assert.rejects(
        resolve({ ACR_TOKENS_ACCESS_TOKEN_FILE: empty }),
        rejectsWith(AccessTokenErrorName, `The access token file "${empty}" (ACR_TOKENS_ACCESS_TOKEN_FILE) is empty.`, "malformed"),
      );
    });

    it("reads az JSON from the file, and the fix writes the file", async () => {
      const file = join(dir, "az.json");
      writeFileSync(file, JSON.stringify({ accessToken: jwt({ exp: at(-10) }), subscription: SUB_JSON, tenant: TENANT, tokenType: "Bearer" }, null, 2));
      await assert.rejects(resolve({ ACR_TOKENS_ACCESS_TOKEN_FILE: file }), (err: unknown) => {
        rejectsWith(AccessTokenErrorName, `The access token from the file ${file} (ACR_TOKENS_ACCESS_TOKEN_FILE) expired at 2026-11-23T00:59:50Z (UTC; it is now 2026-11-23T01:00:00Z).`, "expired")(err);
        assert.ok((err as Error).message.endsWith(`'az account get-access-token --resource https://management.azure.com/ --tenant ${TENANT} > ${file}'.`));
        return true;
      });
    });
  });

  describe("credential selection", () => {
    it("refuses an unknown selector, listing the valid ones", async () => {
      await assert.rejects(
        resolve({ ACR_TOKENS_CREDENTIAL: "msi" }),
        rejectsWith(
          CredentialSettingsErrorName,
          'ACR_TOKENS_CREDENTIAL names an unknown credential "msi".',
        ),
      );
      await assert.rejects(resolve({ ACR_TOKENS_CREDENTIAL: "msi" }), /Valid credentials: accessToken, default, environment, workloadIdentity, managedIdentity, azureCli\./);
    });

    it("refuses accessToken selected without a token", async () => {
      await assert.rejects(
        resolve({}, { config: config({ "acr-tokens:credential": "accessToken" }) }),
        rejectsWith(CredentialSettingsErrorName, 'The credential "accessToken" is selected by stack config acr-tokens:credential, but no access token is set.'),
      );
    });

    it("an explicit @azure/identity selector wins over a token that is also set; the input beats config and env", async () => {
      const env = { AZURE_CLI_ACCESS_TOKEN: jwt(), ACR_TOKENS_CREDENTIAL: "environment" };
      assert.equal((await resolve(env)).kind, CredentialKind.Environment);
      const viaInput = await resolve(env, { credentialSelector: CredentialKind.AzureCli, config: config({ "acr-tokens:credential": "managedIdentity" }) });
      assert.equal(viaInput.kind, CredentialKind.AzureCli);
      assert.equal(viaInput.source, "AzureCliCredential");
    });

    it("memoizes by settings and by the token's hash: the same token gives the same object, another token a new one", async () => {
      const a = await resolve({ ACR_TOKENS_ACCESS_TOKEN: jwt({ oid: "a" }) });
      assert.equal(await resolve({ ACR_TOKENS_ACCESS_TOKEN: jwt({ oid: "a" }) }), a);
      assert.notEqual(await resolve({ ACR_TOKENS_ACCESS_TOKEN: jwt({ oid: "b" }) }), a);
      assert.notEqual(await resolve({ ACR_TOKENS_ACCESS_TOKEN: jwt({ oid: "a" }), ACR_TOKENS_SUBSCRIPTION_ID: SUB_ENV }), a);
    });

    it("keeps only the 16 most recent resolutions (old tokens are not kept alive)", async () => {
      const first = await resolve({ ACR_TOKENS_ACCESS_TOKEN: jwt({ oid: "first" }) });
      for (let i = 0; i < 15; i++) await resolve({ ACR_TOKENS_ACCESS_TOKEN: jwt({ oid: `n${i}` }) });
      assert.equal(await resolve({ ACR_TOKENS_ACCESS_TOKEN: jwt({ oid: "first" }) }), first, "evicted too early");
      for (let i = 0; i < 16; i++) await resolve({ ACR_TOKENS_ACCESS_TOKEN: jwt({ oid: `m${i}` }) });
      assert.notEqual(await resolve({ ACR_TOKENS_ACCESS_TOKEN: jwt({ oid: "first" }) }), first, "not evicted");
    });

    it("takes the tenant from the token's tid or the az JSON only when tenant-shaped: no other value reaches a message or the az fix", async () => {
      // Not random-looking, so no scrubbing would catch it: only the tenant's shape keeps it out.
      const odd = "pass word: hunter2!";
      for (const token of [jwt({ tid: odd, exp: at(-10) }), JSON.stringify({ accessToken: jwt({ tid: undefined, exp: at(-10) }), tenant: odd })]) {
        await assert.rejects(resolve({ ACR_TOKENS_ACCESS_TOKEN: token }), (err: Error) => {
          assert.equal((err as AccessTokenError).problem, "expired");
          assert.ok(!err.message.includes(odd), `the message quotes the token's tenant: ${err.message.replace(odd, "<tenant>")}`);
          assert.ok(err.message.includes("az account get-access-token --resource https://management.azure.com/ -o json"), "the fix names no tenant");
          return true;
        });
      }
      const json = await resolve({ ACR_TOKENS_ACCESS_TOKEN: JSON.stringify({ accessToken: jwt({ tid: undefined }), tenant: odd }) });
      assert.equal(json.tenantId, undefined);
    });

    it("refuses a tenant that is not an id or a domain (subscriptions: subscription.test.ts)", async () => {
      await assert.rejects(
        resolve({ ACR_TOKENS_ACCESS_TOKEN: jwt(), ACR_TOKENS_TENANT_ID: "https://login.microsoftonline.com/contoso" }),
        rejectsWith(CredentialSettingsErrorName, 'ACR_TOKENS_TENANT_ID is not a valid tenant id: "https://login.microsoftonline.com/contoso".'),
      );
    });
  });
});
