import * as assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ContainerRegistryManagementClient } from "@azure/arm-containerregistry";
import { clearCredentialCache, CredentialKind, CredentialSettingsErrorName, resolveCredential, type ResolvedCredential } from "../../components/credential";
import { azureNativeCredential, azureNativeCloud, azureNativeAuxiliaryTenants } from "../../components/credential/azureNative";
import { resolveCloud } from "../../components/credential/clouds";
import type { SettingsReader } from "../../components/credential/settings";
import { useEmulator } from "../../testing/emulator";
import { setIdentityEnv } from "./env";
import { TENANT } from "./fixtures";

const CLIENT = "11111111-2222-3333-4444-555555555555";
const SUB = "00000000-1111-2222-3333-444444444444";

function reader(env: Record<string, string>, config: Record<string, string> = {}): SettingsReader {
  return { env, config: { get: (k) => config[k] } };
}

/** The message of what `fn` throws, asserting it is a CredentialSettingsError. */
function settingsError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.equal((e as Error).name, CredentialSettingsErrorName, String(e));
    return (e as Error).message;
  }
  return assert.fail("no error was thrown");
}

describe("credential: azure-native settings (ARM_*, azure-native:*)", () => {
  describe("which method, in azure-native's order", () => {
    it("maps a client secret (ARM_CLIENT_ID/ARM_CLIENT_SECRET/ARM_TENANT_ID) to ClientSecretCredential, naming the settings", () => {
      const plan = azureNativeCredential(reader({ ARM_CLIENT_ID: CLIENT, ARM_CLIENT_SECRET: "s3cr3t-value", ARM_TENANT_ID: TENANT }));
      assert.equal(plan?.method, "ClientSecretCredential");
      assert.deepEqual(plan?.from, ["ARM_CLIENT_ID", "ARM_CLIENT_SECRET", "ARM_TENANT_ID"]);
      assert.equal(plan?.tenantId, TENANT);
    });

    it("reads azure-native:* stack config before ARM_* variables", () => {
      const plan = azureNativeCredential(
        reader({ ARM_CLIENT_ID: "from-env", ARM_CLIENT_SECRET: "env-secret", ARM_TENANT_ID: "env-tenant" }, { "azure-native:clientId": CLIENT, "azure-native:tenantId": TENANT }),
      );
      assert.deepEqual(plan?.from, ["azure-native:clientId", "ARM_CLIENT_SECRET", "azure-native:tenantId"]);
      assert.equal(plan?.tenantId, TENANT);
    });

    it("prefers useDefaultAzureCredential, then a certificate, then a secret, then OIDC, then MSI", () => {
      const dir = mkdtempSync(join(tmpdir(), "acr-tokens-an-"));
      try {
        const pem = join(dir, "sp.pem");
        writeFileSync(pem, "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\nAA==\n-----END PRIVATE KEY-----\n");
        const all = {
          ARM_CLIENT_ID: CLIENT,
          ARM_TENANT_ID: TENANT,
          ARM_USE_DEFAULT_AZURE_CREDENTIAL: "true",
          ARM_CLIENT_CERTIFICATE_PATH: pem,
          ARM_CLIENT_SECRET: "s",
          ARM_USE_OIDC: "true",
          ARM_OIDC_TOKEN: "t",
          ARM_USE_MSI: "true",
        };
        const order: string[] = [];
        const env: Record<string, string> = { ...all };
        for (const drop of ["ARM_USE_DEFAULT_AZURE_CREDENTIAL", "ARM_CLIENT_CERTIFICATE_PATH", "ARM_CLIENT_SECRET", "ARM_USE_OIDC", "ARM_USE_MSI"]) {
          order.push(azureNativeCredential(reader(env))!.method);
          delete env[drop];
        }
        assert.deepEqual(order, ["DefaultAzureCredential", "ClientCertificateCredential", "ClientSecretCredential", "ClientAssertionCredential", "ManagedIdentityCredential"]);
        assert.equal(azureNativeCredential(reader(env)), undefined, "with no method set, the caller's default applies");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("treats only \"true\" as on for the use* switches, as azure-native does", () => {
      assert.equal(azureNativeCredential(reader({ ARM_USE_MSI: "1", ARM_USE_OIDC: "yes" })), undefined);
      assert.equal(azureNativeCredential(reader({ ARM_USE_MSI: "TRUE" }))?.method, "ManagedIdentityCredential");
    });
  });

  describe("half-present settings name the missing one", () => {
    const cases: Array<[string, Record<string, string>, RegExp]> = [
      ["secret without tenant", { ARM_CLIENT_ID: CLIENT, ARM_CLIENT_SECRET: "s" }, /^ARM_CLIENT_SECRET is set, so the azure-native client secret credential is used, but ARM_TENANT_ID \(or stack config azure-native:tenantId\) is missing\./],
      ["secret without client id", { ARM_TENANT_ID: TENANT, ARM_CLIENT_SECRET: "s" }, /but ARM_CLIENT_ID \(or stack config azure-native:clientId\) is missing/],
      ["certificate without client id", { ARM_TENANT_ID: TENANT, ARM_CLIENT_CERTIFICATE_PATH: "/x.pem" }, /client certificate credential is used, but ARM_CLIENT_ID/],
      ["OIDC without tenant", { ARM_USE_OIDC: "true", ARM_CLIENT_ID: CLIENT, ARM_OIDC_TOKEN: "t" }, /OIDC credential is used, but ARM_TENANT_ID/],
      ["OIDC without a token", { ARM_USE_OIDC: "true", ARM_CLIENT_ID: CLIENT, ARM_TENANT_ID: TENANT }, /no OIDC token is set\. Set ARM_OIDC_TOKEN .*ARM_OIDC_TOKEN_FILE_PATH/],
      ["OIDC request URL without its token", { ARM_USE_OIDC: "true", ARM_CLIENT_ID: CLIENT, ARM_TENANT_ID: TENANT, ACTIONS_ID_TOKEN_REQUEST_URL: "https://x.test/t" }, /but ACTIONS_ID_TOKEN_REQUEST_TOKEN \(or stack config azure-native:oidcRequestToken\) is missing/],
    ];
    for (const [what, env, pattern] of cases) {
      it(what, () => assert.match(settingsError(() => azureNativeCredential(reader(env))), pattern));
    }

    it("never quotes the secret it was given", () => {
      const secret = `SENTINEL-${randomUUID()}`;
      const message = settingsError(() => azureNativeCredential(reader({ ARM_CLIENT_SECRET: secret, ARM_CLIENT_ID: CLIENT })));
      assert.ok(!message.includes(secret), "the message quotes the client secret");
    });

    it("describes, never quotes, a certificate path that is no path (a secret in the wrong setting)", () => {
      // Not random-looking, so no scrubbing would catch it: only the path's allow-listed shape keeps it out.
      const secret = "correct horse battery staple";
      const message = settingsError(() => azureNativeCredential(reader({ ARM_CLIENT_ID: CLIENT, ARM_TENANT_ID: TENANT, ARM_CLIENT_CERTIFICATE_PATH: secret })));
      assert.match(message, /^ARM_CLIENT_CERTIFICATE_PATH names a file that cannot be read \(a 28-character value with spaces in it \(not shown: it may be a secret\): ENOENT\)\. Point it at/);
      assert.ok(!message.includes(secret), "the message quotes the value");
      const path = join(tmpdir(), "acr-tokens-no-such-cert.pem");
      assert.ok(settingsError(() => azureNativeCredential(reader({ ARM_CLIENT_ID: CLIENT, ARM_TENANT_ID: TENANT, ARM_CLIENT_CERTIFICATE_PATH: path }))).includes(`(${JSON.stringify(path)}: ENOENT)`), "a path is quoted");
    });

    it("refuses a PFX certificate (which @azure/identity cannot read) with the openssl conversion", () => {
      const dir = mkdtempSync(join(tmpdir(), "acr-tokens-an-"));
      try {
        const pfx = join(dir, "sp.pfx");
        writeFileSync(pfx, Buffer.from([0x30, 0x82, 0x0a, 0x01, 0x02]));
        const message = settingsError(() => azureNativeCredential(reader({ ARM_CLIENT_ID: CLIENT, ARM_TENANT_ID: TENANT, ARM_CLIENT_CERTIFICATE_PATH: pfx })));
        assert.match(message, /is not a PEM file .* openssl pkcs12 -in cert\.pfx -out cert\.pem -nodes/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe("cloud, subscription and tenants", () => {
    it("maps azure-native's environment names onto the package's clouds; acr-tokens:cloud / ACR_TOKENS_CLOUD win", () => {
      assert.equal(azureNativeCloud(reader({ ARM_ENVIRONMENT: "usgovernment" }))?.value, "AzureUSGovernment");
      assert.equal(azureNativeCloud(reader({ AZURE_ENVIRONMENT: "china" }))?.value, "AzureChinaCloud");
      assert.equal(resolveCloud(reader({ ARM_ENVIRONMENT: "china" })).armEndpoint, "https://management.chinacloudapi.cn");
      assert.equal(resolveCloud(reader({ ARM_ENVIRONMENT: "china", ACR_TOKENS_CLOUD: "AzureCloud" })).armEndpoint, "https://management.azure.com");
      assert.match(settingsError(() => azureNativeCloud(reader({ ARM_ENVIRONMENT: "mars" }))), /ARM_ENVIRONMENT names an unknown Azure environment "mars"\. azure-native's values: public, usgovernment, china\./);
    });

    it("reads ARM_AUXILIARY_TENANT_IDS as the JSON array azure-native takes", () => {
      assert.deepEqual(azureNativeAuxiliaryTenants(reader({ ARM_AUXILIARY_TENANT_IDS: `["${TENANT}"]` })), [TENANT]);
      assert.match(settingsError(() => azureNativeAuxiliaryTenants(reader({ ARM_AUXILIARY_TENANT_IDS: TENANT }))), /is not a JSON array of tenant ids/);
    });

    it("takes ARM_SUBSCRIPTION_ID after ACR_TOKENS_SUBSCRIPTION_ID and AZURE_CLI_SUBSCRIPTION_ID", async () => {
      clearCredentialCache();
      const base = { ARM_SUBSCRIPTION_ID: SUB, ARM_CLIENT_ID: CLIENT, ARM_CLIENT_SECRET: "s", ARM_TENANT_ID: TENANT };
      assert.equal((await resolveCredential({ env: base })).subscriptionId, SUB);
      const other = "99999999-1111-2222-3333-444444444444";
      assert.equal((await resolveCredential({ env: { ...base, AZURE_CLI_SUBSCRIPTION_ID: other } })).subscriptionId, other);
    });

    it("keeps the package's precedence: an ACR_TOKENS_CREDENTIAL selector wins over ARM_* settings", async () => {
      clearCredentialCache();
      const resolved = await resolveCredential({ env: { ARM_CLIENT_ID: CLIENT, ARM_CLIENT_SECRET: "s", ARM_TENANT_ID: TENANT, ACR_TOKENS_CREDENTIAL: "azureCli" } });
      assert.equal(resolved.source, "AzureCliCredential");
    });
  });

  describe("against the emulator's Entra ID and ARM", function () {
    this.timeout(15_000);
    const emulator = useEmulator();
    let restore: (() => void) | undefined;
    let server: Server | undefined;
    beforeEach(() => clearCredentialCache());
    afterEach(async () => {
      restore?.();
      restore = undefined;
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      server = undefined;
    });

    function endpointEnv(): Record<string, string> {
      const emu = emulator();
      return { ACR_TOKENS_ARM_ENDPOINT: emu.armEndpoint, AZURE_AUTHORITY_HOST: emu.authorityHost, ACR_TOKENS_CA_CERT_FILE: emu.caCertPath };
    }

    async function listRegistries(resolved: ResolvedCredential): Promise<number> {
      const client = new ContainerRegistryManagementClient(resolved.credential, resolved.subscriptionId!, {
        endpoint: resolved.armEndpoint,
        credentials: { scopes: resolved.scopes },
        ...(resolved.tlsOptions ? { tlsOptions: resolved.tlsOptions } : {}),
        retryOptions: { maxRetries: 0 },
      });
      let n = 0;
      for await (const _ of client.registries.list()) n++;
      return n;
    }

    it("a stack set up for azure-native with a service principal (ARM_* only) calls ARM, and the log line names the source", async () => {
      const emu = emulator();
      const clientId = randomUUID();
      const secret = `secret-${randomUUID()}`;
      emu.identity.addPrincipal({ clientId, clientSecret: secret });
      restore = setIdentityEnv({
        ...endpointEnv(),
        ARM_CLIENT_ID: clientId,
        ARM_CLIENT_SECRET: secret,
        ARM_TENANT_ID: emu.tenantId,
        ARM_SUBSCRIPTION_ID: emu.subscriptionId,
      });
      const lines: string[] = [];
      const resolved = await resolveCredential({ env: process.env, logger: { info: (m) => lines.push(m) } });
      assert.equal(resolved.kind, CredentialKind.Environment);
      assert.equal(resolved.subscriptionId, emu.subscriptionId);
      assert.equal(await listRegistries(resolved), 0);
      assert.equal(resolved.acquisitions, 1);
      assert.deepEqual(lines, [
        `acr-tokens: using ClientSecretCredential from azure-native settings (ARM_CLIENT_ID, ARM_CLIENT_SECRET, ARM_TENANT_ID) for ${emu.armEndpoint}, authority ${emu.authorityHost}`,
      ]);
      assert.ok(!lines.join("").includes(secret));
    });

    it("OIDC through GitHub Actions' token endpoint (ARM_USE_OIDC + ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN), as azure-native exchanges it", async () => {
      const emu = emulator();
      const clientId = randomUUID();
      const issuer = "https://token.actions.githubusercontent.com";
      const subject = "repo:contoso/app:ref:refs/heads/main";
      emu.identity.addPrincipal({ clientId, federatedCredentials: [{ issuer, subject }] });
      const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
      const exp = Math.floor(emu.clock.now().getTime() / 1000) + 600;
      const requestToken = `request-${randomUUID()}`;
      const seen: Array<{ audience: string | null; authorization: string | undefined }> = [];
      server = createServer((req, res) => {
        const url = new URL(req.url ?? "/", "http://127.0.0.1");
        seen.push({ audience: url.searchParams.get("audience"), authorization: req.headers.authorization });
        const aud = url.searchParams.get("audience");
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ value: `${b64({ alg: "RS256", typ: "JWT" })}.${b64({ iss: issuer, sub: subject, aud, exp })}.sig` }));
      });
      await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
      const port = (server.address() as { port: number }).port;
      restore = setIdentityEnv({
        ...endpointEnv(),
        ARM_USE_OIDC: "true",
        ARM_CLIENT_ID: clientId,
        ARM_TENANT_ID: emu.tenantId,
        ARM_SUBSCRIPTION_ID: emu.subscriptionId,
        ACTIONS_ID_TOKEN_REQUEST_URL: `http://127.0.0.1:${port}/token?api-version=2.0`,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken,
      });
      const resolved = await resolveCredential({ env: process.env });
      assert.match(resolved.source, /^ClientAssertionCredential from azure-native settings \(ARM_USE_OIDC, ARM_CLIENT_ID, ARM_TENANT_ID, ACTIONS_ID_TOKEN_REQUEST_URL, ACTIONS_ID_TOKEN_REQUEST_TOKEN\)$/);
      assert.equal(await listRegistries(resolved), 0);
      // MSAL may ask for the assertion more than once per token; every ask is the exchange azure-native makes.
      assert.ok(seen.length >= 1);
      for (const request of seen) assert.deepEqual(request, { audience: "api://AzureADTokenExchange", authorization: `Bearer ${requestToken}` });
    });
  });
});
