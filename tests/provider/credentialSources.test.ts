import * as assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { ProviderHost, isSecret, reveal, type Props } from "../../testing/providerHost";
import { armCallsSince, createPassword, passwordNames, startTestBed, type ProviderTestBed } from "./setup";

/**
 * Every credential source end to end: the provider runs in the real host, resolves its credential
 * from that host's environment or stack config, and generates passwords on the emulator.
 */
describe("TokenPassword credential sources through the host", function () {
  // Five spawned dynamic-provider hosts (ts-node) share one emulator: several seconds on 2 cores.
  this.timeout(60_000);

  let bed: ProviderTestBed;
  let tokenFile: string;
  const hosts: Record<"file" | "env" | "azureCli" | "clientSecret" | "managedIdentity", ProviderHost> = {} as never;
  const minted: string[] = [];
  const generated: string[] = [];
  const errors: string[] = [];
  const CLIENT_ID = "5f0c6a4e-1111-4c4c-9a9a-acr7oken5ecr";
  const CLIENT_SECRET = "client-secret-SENTINEL-7c1e";

  const mint = (options: Parameters<ProviderTestBed["emu"]["issueToken"]>[0] = {}) => {
    const t = bed.emu.issueToken({ expiresInSeconds: 3600, ...options });
    minted.push(t);
    return t;
  };
  const keep = (outs: Props) => {
    generated.push(reveal<string>(outs["password"]));
    return outs;
  };

  before(async () => {
    bed = await startTestBed();
    tokenFile = path.join(path.dirname(bed.clockFile), "access-token");
    bed.emu.identity.addPrincipal({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    bed.emu.identity.addPrincipal({ clientId: "mi-system-assigned", managedIdentity: true });
    // What `az account get-access-token > file` writes; the refusal tests below overwrite it with raw tokens.
    const azJson = JSON.stringify({
      accessToken: mint(),
      expiresOn: "2099-01-01 00:00:00.000000",
      expires_on: Math.floor(bed.emu.clock.now().getTime() / 1000) + 3600,
      subscription: bed.emu.subscriptionId,
      tenant: bed.emu.tenantId,
      tokenType: "Bearer",
    });
    writeFileSync(tokenFile, azJson);
    const [file, env, azureCli, clientSecret, managedIdentity] = await Promise.all([
      ProviderHost.start({ env: bed.hostEnv({ ACR_TOKENS_ACCESS_TOKEN_FILE: tokenFile, ACR_TOKENS_TENANT_ID: bed.emu.tenantId }) }),
      ProviderHost.start({ env: bed.hostEnv({ ACR_TOKENS_ACCESS_TOKEN: mint() }) }),
      ProviderHost.start({ env: bed.hostEnv({ AZURE_CLI_ACCESS_TOKEN: mint(), AZURE_CLI_SUBSCRIPTION_ID: bed.emu.subscriptionId }) }),
      ProviderHost.start({
        env: bed.hostEnv({
          AZURE_CLIENT_ID: CLIENT_ID,
          AZURE_CLIENT_SECRET: CLIENT_SECRET,
          AZURE_TENANT_ID: bed.emu.tenantId,
          AZURE_AUTHORITY_HOST: bed.emu.authorityHost,
        }),
      }),
      ProviderHost.start({
        env: bed.hostEnv({
          IDENTITY_ENDPOINT: bed.emu.managedIdentityEndpoint,
          IDENTITY_HEADER: bed.emu.identity.managedIdentityHeader,
          ACR_TOKENS_CREDENTIAL: "managedIdentity",
        }),
      }),
    ]);
    Object.assign(hosts, { file, env, azureCli, clientSecret, managedIdentity });
    await Promise.all(Object.values(hosts).map((h) => h.configure({})));
  });

  after(async () => {
    await Promise.all(Object.values(hosts).map((h) => h.close()));
    await bed?.close();
  });

  describe("bring your own access token", () => {
    it("from the file named by ACR_TOKENS_ACCESS_TOKEN_FILE, holding the JSON of 'az account get-access-token'", async () => {
      const tokenId = await bed.createToken("file-token");
      const { outs } = await createPassword(hosts.file, "file-pw", { tokenId });
      keep(outs);
      assert.deepEqual(await passwordNames(bed, "file-token"), ["password1"]);
    });

    it("from ACR_TOKENS_ACCESS_TOKEN (a raw token)", async () => {
      const tokenId = await bed.createToken("env-token");
      const { outs } = await createPassword(hosts.env, "env-pw", { tokenId, slot: "password2" });
      keep(outs);
      assert.ok(isSecret(outs["password"]));
      assert.deepEqual(await passwordNames(bed, "env-token"), ["password2"]);
    });

    it("from AZURE_CLI_ACCESS_TOKEN with AZURE_CLI_SUBSCRIPTION_ID", async () => {
      const tokenId = await bed.createToken("cli-token");
      const { outs } = await createPassword(hosts.azureCli, "cli-pw", { tokenId });
      keep(outs);
      assert.deepEqual(await passwordNames(bed, "cli-token"), ["password1"]);
    });

    const refused: Array<[string, () => string, RegExp]> = [
      ["expired", () => mint({ expiresInSeconds: -120 }), /The access token from the file .* \(ACR_TOKENS_ACCESS_TOKEN_FILE\) expired at .* Get a new one: /],
      ["expiring within the margin", () => mint({ expiresInSeconds: 120 }), /The access token from the file .* \(ACR_TOKENS_ACCESS_TOKEN_FILE\) expires at .*, but must stay valid for at least/],
      ["for another audience", () => mint({ audience: "https://vault.azure.net" }), /The access token from the file .* \(ACR_TOKENS_ACCESS_TOKEN_FILE\) is for audience "https:\/\/vault\.azure\.net", which is not an Azure Resource Manager audience/],
      ["from another tenant", () => mint({ tenantId: "0b9e3a57-7d2c-4c57-9d33-5a4a0ed7e1aa" }), /The access token from the file .* \(ACR_TOKENS_ACCESS_TOKEN_FILE\) was issued by tenant 0b9e3a57-7d2c-4c57-9d33-5a4a0ed7e1aa, but ACR_TOKENS_TENANT_ID is /],
    ];
    for (const [what, token, message] of refused) {
      it(`refuses a token ${what} before any ARM call`, async () => {
        const tokenId = await bed.createToken(`refused-${what.split(" ")[0]}`);
        writeFileSync(tokenFile, token());
        const mark = bed.emu.requests.length;
        await assert.rejects(createPassword(hosts.file, "refused", { tokenId }), (err: Error) => {
          errors.push(err.message);
          assert.match(err.message, message);
          return true;
        });
        assert.deepEqual(armCallsSince(bed.emu, mark), [], "a pre-checked token must cause no ARM call");
      });
    }

    it("translates ARM's 401 for a token it rejects, after exactly one ARM call", async () => {
      const tokenId = await bed.createToken("rejected-token");
      writeFileSync(tokenFile, mint({ untrustedSignature: true }));
      const mark = bed.emu.requests.length;
      await assert.rejects(createPassword(hosts.file, "rejected", { tokenId }), (err: Error) => {
        errors.push(err.message);
        assert.match(err.message, /was refused by ARM \(x-ms-request-id [\w-]+\)\. Azure Resource Manager rejected the access token from the file .* \(ACR_TOKENS_ACCESS_TOKEN_FILE\) \(\w+, HTTP 401\)/);
        return true;
      });
      const calls = armCallsSince(bed.emu, mark);
      assert.equal(calls.length, 1);
      assert.equal(calls[0]!.status, 401);
    });
  });

  describe("@azure/identity against the emulator's Entra ID and managed identity", () => {
    it("client secret (DefaultAzureCredential from AZURE_CLIENT_ID/SECRET/TENANT_ID): one token acquisition serves 20 passwords", async () => {
      const names = Array.from({ length: 10 }, (_, i) => `bulk-token-${i}`);
      const tokenIds = await Promise.all(names.map((n) => bed.createToken(n)));
      const entraBefore = bed.emu.requests.filter((r) => r.kind === "entra" && r.method === "POST").length;
      const results = await Promise.all(
        tokenIds.flatMap((tokenId, i) =>
          (["password1", "password2"] as const).map((slot) => createPassword(hosts.clientSecret, `bulk-${i}-${slot}`, { tokenId, slot })),
        ),
      );
      results.forEach((r) => keep(r.outs));
      assert.equal(results.length, 20);
      const acquisitions = bed.emu.requests.filter((r) => r.kind === "entra" && r.method === "POST").length - entraBefore;
      assert.equal(acquisitions, 1, "one Entra ID token request for 20 passwords");
      for (const n of names) assert.deepEqual(await passwordNames(bed, n), ["password1", "password2"]);
    });

    it("managed identity (App Service IDENTITY_ENDPOINT/IDENTITY_HEADER, selected by ACR_TOKENS_CREDENTIAL)", async () => {
      const tokenId = await bed.createToken("mi-token");
      const msiBefore = bed.emu.requests.filter((r) => r.kind === "msi").length;
      const { outs } = await createPassword(hosts.managedIdentity, "mi-pw", { tokenId });
      keep(outs);
      assert.equal(bed.emu.requests.filter((r) => r.kind === "msi").length - msiBefore, 1);
      assert.deepEqual(await passwordNames(bed, "mi-token"), ["password1"]);
    });
  });

  // Mocha runs a suite's own tests before its child suites: this check sits in its own, last suite.
  describe("afterwards", () => {
    it("no access token, client secret or generated password appears in any host's output, the emulator log or an error", () => {
      assert.equal(generated.length, 24, "every scenario above generated its passwords");
      const haystacks: Record<string, string> = {
        "emulator log": JSON.stringify(bed.emu.requests),
        "error messages": errors.join("\n"),
      };
      for (const [name, h] of Object.entries(hosts)) {
        haystacks[`${name} host stdout`] = h.stdout;
        haystacks[`${name} host stderr`] = h.stderr;
      }
      const secrets = [...minted, CLIENT_SECRET, ...generated];
      for (const [where, text] of Object.entries(haystacks)) {
        secrets.forEach((s, i) => assert.ok(!text.includes(s), `secret #${i} appears in the ${where}`));
      }
    });
  });
});
