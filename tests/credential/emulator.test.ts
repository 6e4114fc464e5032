import * as assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFile } from "node:child_process";
import { inspect, promisify } from "node:util";
import { ContainerRegistryManagementClient } from "@azure/arm-containerregistry";
import { isRestError } from "@azure/core-rest-pipeline";
import {
  AccessTokenErrorName,
  clearCredentialCache,
  CredentialAuthenticationErrorName,
  CredentialKind,
  explainAuthFailure,
  resolveCredential,
  type AccessTokenError,
  type ResolvedCredential,
} from "../../components/credential";
import { parseCheckArgs } from "../../cli/args";
import { runCheck } from "../../cli/check";
import { useEmulator } from "../../testing/emulator";
import { setIdentityEnv } from "./env";
import { firstSentence } from "./fixtures";

const execFileAsync = promisify(execFile);

/**
 * Real @azure/identity credentials and bring-your-own tokens, resolved by the credential module and used
 * by the official ARM client exactly as the providers build it, against the emulator's Entra ID,
 * managed-identity and ARM surfaces over HTTPS. The emulator's CA reaches every client through
 * ACR_TOKENS_CA_CERT_FILE (→ `tlsOptions`), not through a process-wide trust change.
 */
describe("credential: real credentials against the emulator", () => {
  const dir = mkdtempSync(join(tmpdir(), "acr-tokens-cred-emu-"));
  const clockFile = join(dir, "clock");
  const emulator = useEmulator({ clockFile });
  let restore: (() => void) | undefined;

  before(async function () {
    // Loading @azure/identity, MSAL and the ARM client, and MSAL's first token request (lazy modules,
    // crypto, a TLS context holding Node's ~150 root CAs) take 1–2 s on this 2-core machine; do it once
    // here, with a throwaway principal, so that the tests' own 2 s budget measures only their requests.
    this.timeout(15_000);
    const [{ ClientSecretCredential }] = await Promise.all([import("@azure/identity"), import("@azure/arm-containerregistry")]);
    const emu = emulator();
    const warmUp = { clientId: `warm-up-${randomUUID()}`, clientSecret: randomUUID() };
    emu.identity.addPrincipal(warmUp);
    await new ClientSecretCredential(emu.tenantId, warmUp.clientId, warmUp.clientSecret, {
      authorityHost: emu.authorityHost,
      disableInstanceDiscovery: true,
      tlsOptions: { ca: emu.caCertPem },
    }).getToken("https://management.azure.com/.default");
  });
  beforeEach(() => clearCredentialCache());
  afterEach(() => {
    restore?.();
    restore = undefined;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** The settings every scenario shares: the emulator as a custom cloud, its CA, its clock, its subscription. */
  function emulatorEnv(): Record<string, string> {
    const emu = emulator();
    return {
      ACR_TOKENS_ARM_ENDPOINT: emu.armEndpoint,
      AZURE_AUTHORITY_HOST: emu.authorityHost,
      ACR_TOKENS_CA_CERT_FILE: emu.caCertPath,
      ACR_TOKENS_CLOCK_FILE: clockFile,
      ACR_TOKENS_SUBSCRIPTION_ID: emu.subscriptionId,
    };
  }

  /** The ARM client as components/arm/client.ts builds it from a resolved credential. */
  function clientFor(resolved: ResolvedCredential): ContainerRegistryManagementClient {
    assert.ok(resolved.subscriptionId, "no subscription id resolved");
    return new ContainerRegistryManagementClient(resolved.credential, resolved.subscriptionId, {
      endpoint: resolved.armEndpoint,
      credentials: { scopes: resolved.scopes },
      ...(resolved.tlsOptions ? { tlsOptions: resolved.tlsOptions } : {}),
      retryOptions: { maxRetries: 0 },
    });
  }

  async function listRegistries(client: ContainerRegistryManagementClient): Promise<number> {
    let n = 0;
    for await (const _ of client.registries.list()) n++;
    return n;
  }

  const armCalls = (): number => emulator().requests.filter((r) => r.kind === "arm").length;

  it("client secret through DefaultAzureCredential (AZURE_CLIENT_ID/SECRET/TENANT_ID + AZURE_AUTHORITY_HOST): one acquisition for many ARM calls, refreshed ahead of expiry", async () => {
    const emu = emulator();
    const clientId = `sp-${randomUUID()}`;
    const secret = `secret-${randomUUID()}`;
    emu.identity.addPrincipal({ clientId, clientSecret: secret });
    restore = setIdentityEnv({ ...emulatorEnv(), AZURE_CLIENT_ID: clientId, AZURE_CLIENT_SECRET: secret, AZURE_TENANT_ID: emu.tenantId });

    const resolved = await resolveCredential({ env: process.env });
    assert.equal(resolved.kind, CredentialKind.Default);
    assert.equal(resolved.cloud, "custom");
    const entra = emu.identity.stats!.entra;

    // Two clients (two pipelines, e.g. two subscriptions) and several calls each, in parallel.
    const clients = [clientFor(resolved), clientFor(resolved)];
    await Promise.all(clients.flatMap((c) => [listRegistries(c), listRegistries(c), listRegistries(c)]));
    assert.equal(resolved.acquisitions, 1);
    assert.equal(emu.identity.stats!.entra - entra, 1, "more than one token request reached Entra ID");

    // 56 minutes later (emulator clock, shared through ACR_TOKENS_CLOCK_FILE) the token is within the
    // 5–10 min margin. MSAL, on the real clock, would hand back its cached token: the wrapper builds a
    // new credential instead, so a real request is made. (Asked directly: the clients' bearer policies
    // keep their token by the real clock, which the test does not move.)
    emu.clock.advance({ minutes: 56 });
    await Promise.all([resolved.credential.getToken(resolved.scopes), resolved.credential.getToken(resolved.scopes)]);
    assert.equal(resolved.acquisitions, 2);
    assert.equal(emu.identity.stats!.entra - entra, 2);
  });

  describe("managed identity", function () {
    // A spawned node process with ts-node (see managedIdentityChild.ts for why): a few seconds on 2 cores.
    this.timeout(30_000);

    it("App Service IDENTITY_ENDPOINT/IDENTITY_HEADER, user-assigned via AZURE_CLIENT_ID, selected by ACR_TOKENS_CREDENTIAL: one acquisition", async () => {
      const emu = emulator();
      const clientId = randomUUID();
      emu.identity.addPrincipal({ clientId, managedIdentity: true });
      const appService = emu.identity.stats!.appService;
      const armBefore = armCalls();
      const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(AZURE_|IDENTITY_|MSI_|IMDS_|ACR_TOKENS_)/.test(name)));
      const { stdout } = await execFileAsync(
        process.execPath,
        ["-r", "ts-node/register", "--conditions=acr-tokens-source", join(__dirname, "managedIdentityChild.ts")],
        {
          cwd: join(__dirname, "..", ".."),
          env: {
            ...inherited,
            ...emulatorEnv(),
            ACR_TOKENS_CREDENTIAL: CredentialKind.ManagedIdentity,
            IDENTITY_ENDPOINT: emu.managedIdentityEndpoint,
            IDENTITY_HEADER: emu.identity.managedIdentityHeader!,
            AZURE_CLIENT_ID: clientId,
          },
        },
      );
      assert.deepEqual(JSON.parse(stdout), { kind: "managedIdentity", source: "ManagedIdentityCredential", acquisitions: 1, sameToken: true, listed: 0 });
      assert.equal(emu.identity.stats!.appService - appService, 1, "not exactly one managed-identity token request");
      assert.equal(armCalls() - armBefore, 2, "the two ARM list calls did not arrive");
    });
  });

  it("a wrong client secret is a CredentialAuthenticationError that never shows the secret, before any ARM call", async () => {
    const emu = emulator();
    const clientId = `sp-${randomUUID()}`;
    const wrong = `wrong-${randomUUID()}`;
    emu.identity.addPrincipal({ clientId, clientSecret: `right-${randomUUID()}` });
    restore = setIdentityEnv({
      ...emulatorEnv(),
      ACR_TOKENS_CREDENTIAL: CredentialKind.Environment,
      AZURE_CLIENT_ID: clientId,
      AZURE_CLIENT_SECRET: wrong,
      AZURE_TENANT_ID: emu.tenantId,
    });
    const resolved = await resolveCredential({ env: process.env });
    const before = armCalls();
    await assert.rejects(listRegistries(clientFor(resolved)), (err: Error) => {
      assert.equal(err.name, CredentialAuthenticationErrorName);
      assert.match(firstSentence(err.message), /^EnvironmentCredential could not get a token for https:\/\/management\.azure\.com\/\.default: /);
      assert.ok(!err.message.includes(wrong) && !inspect(err).includes(wrong), "the client secret appears in the error");
      return true;
    });
    assert.equal(armCalls(), before, "an ARM request was sent without a token");
  });

  describe("bring-your-own tokens", () => {
    it("a token from issueToken serves ARM with no acquisition", async () => {
      const emu = emulator();
      restore = setIdentityEnv({ ...emulatorEnv(), ACR_TOKENS_ACCESS_TOKEN: emu.issueToken() });
      const entra = emu.identity.stats!.entra;
      const resolved = await resolveCredential({ env: process.env });
      assert.equal(resolved.tenantId, emu.tenantId);
      await listRegistries(clientFor(resolved));
      assert.equal(resolved.acquisitions, 0);
      assert.equal(emu.identity.stats!.entra, entra);
    });

    it("once the emulator clock passes the token's expiry, the credential refuses before ARM is called", async () => {
      const emu = emulator();
      restore = setIdentityEnv({ ...emulatorEnv(), ACR_TOKENS_ACCESS_TOKEN: emu.issueToken({ expiresInSeconds: 3600 }) });
      const resolved = await resolveCredential({ env: process.env });
      const client = clientFor(resolved);
      await listRegistries(client);
      emu.clock.advance({ hours: 2 });
      // A client built earlier keeps the token in its bearer policy (by the real clock): ARM's 401 is
      // then explained in the same terms as the pre-check.
      const late = await client.registries.get("rg", "registry").then(
        () => assert.fail("ARM accepted an expired token"),
        (e: unknown) => e,
      );
      assert.ok(isRestError(late) && late.statusCode === 401 && late.code === "ExpiredAuthenticationToken", "not ARM's expired-token 401");
      const explained = explainAuthFailure(401, late.code, resolved) as AccessTokenError;
      assert.equal(explained.problem, "expired");
      // A new client asks the credential, which refuses before anything is sent.
      const before = armCalls();
      await assert.rejects(listRegistries(clientFor(resolved)), (err: Error) => {
        assert.equal(err.name, AccessTokenErrorName);
        assert.equal((err as AccessTokenError).problem, "expired");
        return true;
      });
      assert.equal(armCalls(), before, "the expired token was sent to ARM");
    });

    /** Sends one ARM request with the resolved BYO token and explains the 401 it gets. */
    async function explained401(resolved: ResolvedCredential): Promise<AccessTokenError> {
      const err = await clientFor(resolved).registries.get("rg", "registry").then(
        () => assert.fail("ARM accepted the token"),
        (e: unknown) => e,
      );
      assert.ok(isRestError(err), "not an ARM answer");
      assert.equal(err.statusCode, 401);
      const explained = explainAuthFailure(err.statusCode!, err.code, resolved, { cause: err, armMessage: err.message });
      assert.ok(explained && explained.name === AccessTokenErrorName, "not explained as an AccessTokenError");
      return explained as AccessTokenError;
    }

    it("a token ARM rejects (bad signature: the pre-checks cannot see it) is explained as rejected, with the fix", async () => {
      const emu = emulator();
      const token = emu.issueToken({ untrustedSignature: true });
      restore = setIdentityEnv({ ...emulatorEnv(), ACR_TOKENS_ACCESS_TOKEN: token });
      const err = await explained401(await resolveCredential({ env: process.env }));
      assert.equal(err.problem, "rejected");
      assert.equal(
        firstSentence(err.message),
        "Azure Resource Manager rejected the access token from ACR_TOKENS_ACCESS_TOKEN (InvalidAuthenticationToken, HTTP 401): it is malformed, revoked, or not issued by Entra ID for this cloud.",
      );
      assert.ok(!err.message.includes(token), "the token appears in the message");
    });

    it("a token of another tenant (none configured) is explained as tenant, naming the subscription's tenant", async () => {
      const emu = emulator();
      const other = randomUUID();
      restore = setIdentityEnv({ ...emulatorEnv(), ACR_TOKENS_ACCESS_TOKEN: emu.issueToken({ tenantId: other }) });
      const err = await explained401(await resolveCredential({ env: process.env }));
      assert.equal(err.problem, "tenant");
      assert.ok(err.message.includes(`--tenant ${emu.tenantId} -o json`), `the fix does not name the emulator's tenant: ${err.message}`);
    });
  });

  describe("a subscription name in the settings", () => {
    /** Runs `acr-tokens check` in-process (as bin does) and returns what it threw. */
    async function checkError(argv: string[]): Promise<Error> {
      const options = parseCheckArgs(argv);
      assert.ok(!options.help);
      const stderr = { write: (_text: string): boolean => true };
      return runCheck(options, { env: process.env, stderr, isTTY: false }).then(
        () => assert.fail("the check succeeded"),
        (e: unknown) => e as Error,
      );
    }

    it("acr-tokens check refuses it before any ARM call, and --subscription (which overrides it) still works", async () => {
      const emu = emulator();
      restore = setIdentityEnv({ ...emulatorEnv(), ACR_TOKENS_ACCESS_TOKEN: emu.issueToken(), ACR_TOKENS_SUBSCRIPTION_ID: "Contoso Production" });
      const before = armCalls();
      const refused = await checkError(["--registry", "absentregistry", "-g", "rg"]);
      assert.equal(refused.name, "CredentialSettingsError");
      assert.equal(firstSentence(refused.message), 'ACR_TOKENS_SUBSCRIPTION_ID is not a valid subscription id: "Contoso Production".');
      assert.equal(armCalls(), before, "the subscription name was sent to ARM");

      // The setting is not used when --subscription names the subscription: ARM is asked, and answers about the resource group.
      const asked = await checkError(["--registry", "absentregistry", "-g", "rg", "--subscription", emu.subscriptionId]);
      assert.equal(asked.name, "CheckTargetError");
      assert.match(asked.message, new RegExp(`^Resource group "rg" was not found in subscription ${emu.subscriptionId} `));
      assert.ok(armCalls() > before, "no ARM call was made");
    });
  });
});
