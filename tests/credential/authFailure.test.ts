import * as assert from "node:assert/strict";
import { inspect } from "node:util";
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
import { setIdentityEnv } from "./env";
import { assertNoSecret, firstSentence, jwt, NOW, TENANT } from "./fixtures";

describe("credential: explainAuthFailure (ARM 401/403 in the pre-checks' terms)", () => {
  let byo: ResolvedCredential;
  before(async () => {
    clearCredentialCache();
    byo = await resolveCredential({ env: { ACR_TOKENS_ACCESS_TOKEN: jwt() }, now: () => new Date(NOW) });
  });

  const fix = `Get a new one: 'export ACR_TOKENS_ACCESS_TOKEN="$(az account get-access-token --resource https://management.azure.com/ --tenant ${TENANT} -o json)"'.`;
  const rows: Array<{ status: number; code: string | undefined; problem: string; sentence: string; endsWith?: string }> = [
    {
      status: 401,
      code: "ExpiredAuthenticationToken",
      problem: "expired",
      sentence: "Azure Resource Manager rejected the access token from ACR_TOKENS_ACCESS_TOKEN as expired (ExpiredAuthenticationToken, HTTP 401).",
      endsWith: fix,
    },
    {
      status: 401,
      code: "InvalidAuthenticationTokenAudience",
      problem: "audience",
      sentence:
        "Azure Resource Manager rejected the access token from ACR_TOKENS_ACCESS_TOKEN because of its audience (InvalidAuthenticationTokenAudience, HTTP 401); it must be issued for https://management.azure.com/ or https://management.core.windows.net/.",
    },
    {
      status: 401,
      code: "InvalidAuthenticationTokenTenant",
      problem: "tenant",
      sentence:
        "Azure Resource Manager rejected the access token from ACR_TOKENS_ACCESS_TOKEN because it was issued by a tenant that does not own the subscription (InvalidAuthenticationTokenTenant, HTTP 401).",
    },
    {
      status: 401,
      code: "InvalidAuthenticationToken",
      problem: "rejected",
      sentence:
        "Azure Resource Manager rejected the access token from ACR_TOKENS_ACCESS_TOKEN (InvalidAuthenticationToken, HTTP 401): it is malformed, revoked, or not issued by Entra ID for this cloud.",
      endsWith: fix,
    },
    {
      status: 401,
      code: undefined,
      problem: "rejected",
      sentence:
        "Azure Resource Manager rejected the access token from ACR_TOKENS_ACCESS_TOKEN (AuthenticationFailed, HTTP 401): it is malformed, revoked, or not issued by Entra ID for this cloud.",
    },
    {
      status: 403,
      code: "AuthorizationFailed",
      problem: "forbidden",
      sentence: "The identity of the access token from ACR_TOKENS_ACCESS_TOKEN is not allowed to do this (AuthorizationFailed, HTTP 403).",
    },
  ];
  for (const row of rows) {
    it(`BYO: ${row.status} ${row.code ?? "(no code)"} → ${row.problem}`, () => {
      const cause = new Error("ARM said no");
      const err = explainAuthFailure(row.status, row.code, byo, { cause }) as AccessTokenError;
      assert.equal(err.name, AccessTokenErrorName);
      assert.equal(err.problem, row.problem);
      assert.equal(err.statusCode, row.status);
      assert.equal(err.tokenSource, "ACR_TOKENS_ACCESS_TOKEN");
      assert.equal(err.cause, cause);
      assert.equal(firstSentence(err.message), row.sentence);
      if (row.endsWith) assert.ok(err.message.endsWith(row.endsWith), err.message);
      assertNoSecret([err.message, inspect(err)]);
    });
  }

  it("BYO tenant: the fix names the subscription's tenant taken from ARM's message", () => {
    const armMessage =
      "The access token is from the wrong issuer 'https://sts.windows.net/11111111-2222-3333-4444-555555555555/'. It must match the tenant 'https://sts.windows.net/99999999-aaaa-bbbb-cccc-dddddddddddd/' associated with this subscription. Please use the authority (URL) 'https://login.windows.net/99999999-aaaa-bbbb-cccc-dddddddddddd' to get the token.";
    const err = explainAuthFailure(401, "InvalidAuthenticationTokenTenant", byo, { armMessage })!;
    assert.ok(
      err.message.includes("--tenant 99999999-aaaa-bbbb-cccc-dddddddddddd -o json"),
      `the fix does not name the subscription's tenant: ${err.message}`,
    );
  });

  it("any other status is not an authentication failure", () => {
    for (const status of [400, 404, 409, 429, 500]) assert.equal(explainAuthFailure(status, "X", byo), undefined);
  });

  describe("@azure/identity credentials", () => {
    let restore: () => void;
    let identity: ResolvedCredential;
    before(async () => {
      restore = setIdentityEnv({});
      clearCredentialCache();
      identity = await resolveCredential({ env: { ACR_TOKENS_CREDENTIAL: CredentialKind.ManagedIdentity } });
    });
    after(() => restore());

    it("403 names the credential and the role to grant", () => {
      const err = explainAuthFailure(403, "AuthorizationFailed", identity)!;
      assert.equal(err.name, CredentialAuthenticationErrorName);
      assert.equal(firstSentence(err.message), "The identity of ManagedIdentityCredential is not allowed to do this (AuthorizationFailed, HTTP 403).");
      assert.match(err.message, /Grant it a role on the registry that allows Microsoft\.ContainerRegistry\/registries\/tokens\/\*/);
    });

    it("401 points at tenant and cloud", () => {
      const err = explainAuthFailure(401, "InvalidAuthenticationTokenTenant", identity)!;
      assert.equal(err.name, CredentialAuthenticationErrorName);
      assert.equal(
        firstSentence(err.message),
        "Azure Resource Manager rejected the token of ManagedIdentityCredential (InvalidAuthenticationTokenTenant, HTTP 401).",
      );
      assert.match(err.message, /acr-tokens:tenantId \/ ACR_TOKENS_TENANT_ID\) and that the cloud is right \(acr-tokens:cloud \/ ACR_TOKENS_CLOUD, now AzureCloud\)\.$/);
    });
  });
});
