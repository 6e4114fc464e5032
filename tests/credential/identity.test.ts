import * as assert from "node:assert/strict";
import { AuthenticationError, CredentialUnavailableError } from "@azure/identity";
import {
  clearCredentialCache,
  CredentialAuthenticationErrorName,
  CredentialKind,
  NoCredentialErrorName,
  resolveCredential,
} from "../../components/credential";
import { AggregateAuthenticationError } from "@azure/identity";
import { describeIdentityFailure, tlsTrustHint } from "../../components/credential/identity";
import { setIdentityEnv } from "./env";
import { firstSentence } from "./fixtures";

const NO_CREDENTIAL =
  "No Azure credential: set ACR_TOKENS_ACCESS_TOKEN (optionally ACR_TOKENS_SUBSCRIPTION_ID), or sign in with 'az login', or configure a service principal, " +
  "workload identity or managed identity (choose one with acr-tokens:credential / ACR_TOKENS_CREDENTIAL).";

describe("credential: @azure/identity credentials without a token source", () => {
  let restore: (() => void) | undefined;
  beforeEach(() => clearCredentialCache());
  afterEach(() => {
    restore?.();
    restore = undefined;
  });

  it("DefaultAzureCredential is the default, with the public cloud's scope; resolving makes no network call", async () => {
    restore = setIdentityEnv({});
    const resolved = await resolveCredential({ env: process.env });
    assert.equal(resolved.kind, CredentialKind.Default);
    assert.equal(resolved.source, "DefaultAzureCredential");
    assert.deepEqual(resolved.scopes, ["https://management.azure.com/.default"]);
    assert.equal(resolved.acquisitions, 0);
  });

  const unavailable: Array<{ selector: string | undefined; cls: string; env: Record<string, string> }> = [
    { selector: "environment", cls: "EnvironmentCredential", env: {} },
    { selector: "workloadIdentity", cls: "WorkloadIdentityCredential", env: {} },
    // The chain narrowed to one credential so that no IMDS probe or `az` process runs in a unit test.
    { selector: undefined, cls: "DefaultAzureCredential", env: { AZURE_TOKEN_CREDENTIALS: "EnvironmentCredential" } },
  ];
  for (const u of unavailable) {
    it(`${u.cls} with nothing configured fails on first use with "No Azure credential" and the fix`, async () => {
      restore = setIdentityEnv({ ...u.env, ...(u.selector ? { ACR_TOKENS_CREDENTIAL: u.selector } : {}) });
      const resolved = await resolveCredential({ env: process.env });
      await assert.rejects(resolved.credential.getToken(resolved.scopes), (err: Error) => {
        assert.equal(err.name, NoCredentialErrorName);
        assert.equal(firstSentence(err.message), NO_CREDENTIAL);
        assert.match(err.message, /See README "Authentication"\./);
        assert.match(err.message, new RegExp(`${u.cls} said: `));
        assert.ok(err.cause instanceof Error, "the identity error is not kept as cause");
        return true;
      });
      assert.equal(resolved.acquisitions, 0);
    });
  }

  it("an authority's refusal is a CredentialAuthenticationError, not 'No Azure credential'", () => {
    const refused = new AuthenticationError(401, { error: "invalid_client", error_description: "AADSTS7000215: Invalid client secret provided." });
    const err = describeIdentityFailure(refused, CredentialKind.Environment, ["https://management.azure.com/.default"]);
    assert.equal(err.name, CredentialAuthenticationErrorName);
    assert.match(err.message, /^EnvironmentCredential could not get a token for https:\/\/management\.azure\.com\/\.default: .*AADSTS7000215/);
    assert.equal(err.cause, refused);
  });

  it("DefaultAzureCredential's failure is short: one reason per credential it tried, no MSAL dump, headers or links", () => {
    // The chain's errors as @azure/identity 4.14 raised them on a machine with nothing configured.
    const chain = new AggregateAuthenticationError(
      [
        new CredentialUnavailableError("EnvironmentCredential is unavailable. No underlying credential could be used. To troubleshoot, visit https://aka.ms/azsdk/js/identity/environmentcredential/troubleshoot."),
        new CredentialUnavailableError(
          "ManagedIdentityCredential: Authentication failed. Message client_error: Error(s): Not Available - Timestamp: Not Available - Description: A client error occured. Http status code: 403 " +
            'Http status message: resolve_deny: denied destination Headers: {"server":"keryx","content-type":"text/plain","content-length":"32","date":"Sun, 06 Dec 2026 17:06:55 GMT"} - Correlation ID: Not Available - Trace ID: Not Available',
        ),
        new CredentialUnavailableError("Please run 'az login' from a command prompt to authenticate before using this credential."),
        new CredentialUnavailableError("Azure Developer CLI couldn't be found. To mitigate this issue, see the troubleshooting guidelines at https://aka.ms/azsdk/js/identity/azdevclicredential/troubleshoot."),
      ],
      "ChainedTokenCredential authentication failed.",
    );
    const err = describeIdentityFailure(chain, CredentialKind.Default, ["https://management.azure.com/.default"]);
    assert.equal(err.name, NoCredentialErrorName);
    assert.equal(firstSentence(err.message), NO_CREDENTIAL);
    assert.ok(
      err.message.endsWith(
        "DefaultAzureCredential said: EnvironmentCredential is unavailable; ManagedIdentityCredential: Authentication failed; " +
          "Please run 'az login' from a command prompt to authenticate before using this credential; Azure Developer CLI couldn't be found.",
      ),
      err.message,
    );
    assert.ok(!/Headers|Timestamp|aka\.ms|https?:/.test(err.message), err.message);
    assert.ok(err.message.length < 1000, `${err.message.length} characters`);
    assert.equal(err.cause, chain);
  });

  it("an untrusted TLS certificate (a private CA, the emulator) names ACR_TOKENS_CA_CERT_FILE", () => {
    const tls = Object.assign(new Error("unable to verify the first certificate"), { code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" });
    const refused = new AuthenticationError(400, { error: "request_failed", error_description: "network error" });
    (refused as Error).cause = tls;
    const err = describeIdentityFailure(refused, CredentialKind.Environment, ["https://management.azure.com/.default"]);
    assert.match(err.message, /The server's TLS certificate is not trusted here: set ACR_TOKENS_CA_CERT_FILE \(or stack config acr-tokens:caCertFile\) to a PEM file of its CA certificate/);
    assert.equal(tlsTrustHint(new Error("ECONNREFUSED")), "");
  });

  it("a named credential that is unavailable says which one", () => {
    const err = describeIdentityFailure(new CredentialUnavailableError("ManagedIdentityCredential: no endpoint."), CredentialKind.ManagedIdentity, []);
    assert.equal(err.name, NoCredentialErrorName);
    assert.match(err.message, /Here the selected credential "managedIdentity" \(ManagedIdentityCredential\) is not available here\./);
  });

  it("a new identity environment is a new credential; the same one is memoized", async () => {
    restore = setIdentityEnv({ AZURE_CLIENT_ID: "a" });
    const a = await resolveCredential({ env: process.env });
    assert.equal(await resolveCredential({ env: process.env }), a);
    process.env.AZURE_CLIENT_ID = "b";
    assert.notEqual(await resolveCredential({ env: process.env }), a);
  });
});
