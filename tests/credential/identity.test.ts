import * as assert from "node:assert/strict";
import { AuthenticationError, CredentialUnavailableError } from "@azure/identity";
import {
  clearCredentialCache,
  CredentialAuthenticationErrorName,
  CredentialKind,
  NoCredentialErrorName,
  resolveCredential,
} from "../../components/credential";
import { describeIdentityFailure } from "../../components/credential/identity";
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
