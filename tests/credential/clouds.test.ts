import * as assert from "node:assert/strict";
import { resolveCloud } from "../../components/credential/clouds";
import { identityOptions } from "../../components/credential/identity";
import { clearCredentialCache, CredentialKind, CredentialSettingsErrorName, resolveCredential } from "../../components/credential";
import { config, jwt, NOW } from "./fixtures";

const cloudOf = (env: NodeJS.ProcessEnv, values: Record<string, string> = {}) => resolveCloud({ env, config: config(values) });

describe("credential: clouds and custom ARM endpoints", () => {
  const known = [
    {
      env: {},
      name: "AzureCloud",
      armEndpoint: "https://management.azure.com",
      scopes: ["https://management.azure.com/.default"],
      audiences: ["https://management.azure.com", "https://management.core.windows.net"],
      authorityHost: "https://login.microsoftonline.com",
    },
    {
      env: { ACR_TOKENS_CLOUD: "AzureChinaCloud" },
      name: "AzureChinaCloud",
      armEndpoint: "https://management.chinacloudapi.cn",
      scopes: ["https://management.chinacloudapi.cn/.default"],
      audiences: ["https://management.chinacloudapi.cn", "https://management.core.chinacloudapi.cn"],
      authorityHost: "https://login.chinacloudapi.cn",
    },
    {
      env: { ACR_TOKENS_CLOUD: "azureusgovernment" },
      name: "AzureUSGovernment",
      armEndpoint: "https://management.usgovcloudapi.net",
      scopes: ["https://management.usgovcloudapi.net/.default"],
      audiences: ["https://management.usgovcloudapi.net", "https://management.core.usgovcloudapi.net"],
      authorityHost: "https://login.microsoftonline.us",
    },
  ];
  for (const k of known) {
    it(`${k.name}: endpoint, audiences, authority, and scopes that follow the cloud`, () => {
      const cloud = cloudOf(k.env);
      assert.equal(cloud.name, k.name);
      assert.equal(cloud.armEndpoint, k.armEndpoint);
      assert.deepEqual(cloud.scopes, k.scopes);
      assert.deepEqual(cloud.audiences, k.audiences);
      assert.equal(cloud.authorityHost, k.authorityHost);
      assert.equal(cloud.knownAuthorityHost, true);
    });
  }

  it("stack config beats ACR_TOKENS_CLOUD", () => {
    assert.equal(cloudOf({ ACR_TOKENS_CLOUD: "AzureChinaCloud" }, { "acr-tokens:cloud": "AzureUSGovernment" }).name, "AzureUSGovernment");
  });

  it("refuses an unknown cloud, listing the valid ones", () => {
    assert.throws(
      () => cloudOf({ ACR_TOKENS_CLOUD: "AzureGermanCloud" }),
      (err: Error) =>
        err.name === CredentialSettingsErrorName &&
        err.message.startsWith(
          'ACR_TOKENS_CLOUD names an unknown cloud "AzureGermanCloud". Valid clouds: AzureCloud, AzureChinaCloud, AzureUSGovernment; for any other ARM endpoint',
        ),
    );
  });

  it("a custom endpoint keeps the public cloud's audiences and scope by default (how tests reach the emulator)", () => {
    const cloud = cloudOf({ ACR_TOKENS_ARM_ENDPOINT: "https://127.0.0.1:41234/", AZURE_AUTHORITY_HOST: "https://127.0.0.1:41234" });
    assert.equal(cloud.name, "custom");
    assert.equal(cloud.armEndpoint, "https://127.0.0.1:41234");
    assert.deepEqual(cloud.audiences, ["https://management.azure.com", "https://management.core.windows.net"]);
    assert.deepEqual(cloud.scopes, ["https://management.azure.com/.default"]);
    assert.equal(cloud.authorityHost, "https://127.0.0.1:41234");
    assert.equal(cloud.knownAuthorityHost, false);
  });

  it("a custom endpoint with custom audiences (config beats env) scopes to the first audience", () => {
    const cloud = cloudOf(
      { ACR_TOKENS_ARM_AUDIENCE: "https://ignored.example/" },
      {
        "acr-tokens:armEndpoint": "https://management.local.azurestack.external",
        "acr-tokens:armAudience": "https://management.contoso.onmicrosoft.com/4de1, https://management.local.azurestack.external/",
        "acr-tokens:authorityHost": "https://adfs.local.azurestack.external/adfs",
      },
    );
    assert.deepEqual(cloud.audiences, ["https://management.contoso.onmicrosoft.com/4de1", "https://management.local.azurestack.external"]);
    assert.deepEqual(cloud.scopes, ["https://management.contoso.onmicrosoft.com/4de1/.default"]);
    assert.equal(cloud.sources.audiences, "stack config acr-tokens:armAudience");
    assert.equal(cloud.knownAuthorityHost, false);
  });

  it("a custom endpoint with a named cloud keeps that cloud's audiences and authority", () => {
    const cloud = cloudOf({ ACR_TOKENS_CLOUD: "AzureChinaCloud", ACR_TOKENS_ARM_ENDPOINT: "https://proxy.example.cn" });
    assert.equal(cloud.name, "custom");
    assert.deepEqual(cloud.scopes, ["https://management.chinacloudapi.cn/.default"]);
    assert.equal(cloud.authorityHost, "https://login.chinacloudapi.cn");
  });

  const badUrls = [
    {
      env: { ACR_TOKENS_ARM_ENDPOINT: "http://127.0.0.1:8080" },
      sentence: 'ACR_TOKENS_ARM_ENDPOINT must use https, got "http://127.0.0.1:8080": Azure SDKs send bearer tokens only over TLS.',
    },
    { env: { ACR_TOKENS_ARM_ENDPOINT: "management.azure.com" }, sentence: 'ACR_TOKENS_ARM_ENDPOINT is not a URL: "management.azure.com".' },
    {
      env: { AZURE_AUTHORITY_HOST: "http://login.example" },
      sentence: 'AZURE_AUTHORITY_HOST must use https, got "http://login.example": Azure SDKs send bearer tokens only over TLS.',
    },
    { env: { ACR_TOKENS_ARM_AUDIENCE: " , " }, sentence: "ACR_TOKENS_ARM_AUDIENCE lists no audience." },
    {
      env: { ACR_TOKENS_ARM_ENDPOINT: "https://127.0.0.1:1/?api-version=1" },
      sentence: 'ACR_TOKENS_ARM_ENDPOINT must not have a query or fragment, got "https://127.0.0.1:1/?api-version=1".',
    },
  ];
  for (const b of badUrls) {
    it(`refuses ${JSON.stringify(b.env)} with the fix`, () => {
      assert.throws(() => cloudOf(b.env), (err: Error) => err.name === CredentialSettingsErrorName && err.message.startsWith(b.sentence));
    });
  }

  describe("@azure/identity options", () => {
    it("real clouds keep instance discovery (authority validation); no TLS or tenant options unless configured", () => {
      for (const env of [{}, { ACR_TOKENS_CLOUD: "AzureChinaCloud" }, { ACR_TOKENS_CLOUD: "AzureUSGovernment" }]) {
        const cloud = cloudOf(env);
        assert.deepEqual(identityOptions({ kind: CredentialKind.Default, cloud }), { authorityHost: cloud.authorityHost });
      }
    });

    it("any other authority host (emulator, Azure Stack, ADFS) disables instance discovery; configured options are passed", () => {
      const cloud = cloudOf({ AZURE_AUTHORITY_HOST: "https://127.0.0.1:9443" });
      const tlsOptions = { ca: ["-----BEGIN CERTIFICATE-----"] };
      assert.deepEqual(
        identityOptions({ kind: CredentialKind.Default, cloud, tlsOptions, additionallyAllowedTenants: ["*"], tenantId: "t1" }),
        { authorityHost: "https://127.0.0.1:9443", disableInstanceDiscovery: true, tlsOptions, additionallyAllowedTenants: ["*"], tenantId: "t1" },
      );
    });
  });

  describe("through resolveCredential", () => {
    beforeEach(() => clearCredentialCache());

    it("reports endpoint, scopes and audiences for a custom endpoint; a public-audience token passes", async () => {
      const resolved = await resolveCredential({
        env: { ACR_TOKENS_ACCESS_TOKEN: jwt({ aud: "https://management.core.windows.net/" }), ACR_TOKENS_ARM_ENDPOINT: "https://127.0.0.1:5443" },
        now: () => new Date(NOW),
      });
      assert.equal(resolved.cloud, "custom");
      assert.equal(resolved.armEndpoint, "https://127.0.0.1:5443");
      assert.deepEqual(resolved.scopes, ["https://management.azure.com/.default"]);
    });

    it("a sovereign-cloud token passes for its cloud and its scope is served", async () => {
      const resolved = await resolveCredential({
        env: { ACR_TOKENS_ACCESS_TOKEN: jwt({ aud: "https://management.core.chinacloudapi.cn/" }), ACR_TOKENS_CLOUD: "AzureChinaCloud" },
        now: () => new Date(NOW),
      });
      assert.equal(resolved.armEndpoint, "https://management.chinacloudapi.cn");
      assert.ok(await resolved.credential.getToken(resolved.scopes));
    });
  });
});
