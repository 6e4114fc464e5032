import * as assert from "node:assert/strict";
import { inspect } from "node:util";
import {
  clearCredentialCache,
  CredentialKind,
  CredentialSettingsErrorName,
  resolveCredential,
  type CredentialSettingsSource,
  type ResolvedCredential,
} from "../../components/credential";
import { assertNoSecret, config, firstSentence, jwt, NOW, SENTINEL, TENANT } from "./fixtures";

const SUB = "3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b";
const OTHER_SUB = "0b1c2d3e-4f5a-4b6c-8d7e-8f9a0b1c2d3e";

function resolve(env: NodeJS.ProcessEnv, extra: Partial<CredentialSettingsSource> = {}): Promise<ResolvedCredential> {
  return resolveCredential({ env, now: () => new Date(NOW), ...extra });
}

/** Reads `resolved.subscriptionId` and returns the error it throws (failing when it does not throw). */
function subscriptionError(resolved: ResolvedCredential): Error {
  let read: string | undefined;
  try {
    read = resolved.subscriptionId;
  } catch (err) {
    assert.ok(err instanceof Error, "not an Error");
    assert.equal(err.name, CredentialSettingsErrorName);
    return err;
  }
  assert.fail(`reading subscriptionId returned "${read}" instead of refusing it`);
}

describe("credential: the subscription id a setting supplies must be a GUID", () => {
  beforeEach(() => clearCredentialCache());

  const NAME = "Contoso Production";
  const rows: Array<{ name: string; env: NodeJS.ProcessEnv; config?: Record<string, string>; source: string; fix: string }> = [
    {
      name: "ACR_TOKENS_SUBSCRIPTION_ID",
      env: { ACR_TOKENS_SUBSCRIPTION_ID: NAME },
      source: "ACR_TOKENS_SUBSCRIPTION_ID",
      fix: `'export ACR_TOKENS_SUBSCRIPTION_ID="$(az account show --subscription "${NAME}" --query id -o tsv)"'.`,
    },
    {
      name: "AZURE_CLI_SUBSCRIPTION_ID",
      env: { AZURE_CLI_SUBSCRIPTION_ID: NAME },
      source: "AZURE_CLI_SUBSCRIPTION_ID",
      fix: `'export AZURE_CLI_SUBSCRIPTION_ID="$(az account show --subscription "${NAME}" --query id -o tsv)"'.`,
    },
    {
      name: "stack config acr-tokens:subscriptionId",
      env: {},
      config: { "acr-tokens:subscriptionId": NAME },
      source: "stack config acr-tokens:subscriptionId",
      fix: `'pulumi config set acr-tokens:subscriptionId "$(az account show --subscription "${NAME}" --query id -o tsv)"'.`,
    },
  ];
  for (const row of rows) {
    for (const withToken of [true, false]) {
      it(`a name in ${row.name} is refused where it is read, naming the setting and the az command (${withToken ? "bring-your-own token" : "@azure/identity"})`, async () => {
        const env = withToken ? { ACR_TOKENS_ACCESS_TOKEN: jwt(), ...row.env } : row.env;
        // Resolution itself succeeds: a provider, which takes the subscription from the token id, is unaffected.
        const resolved = await resolve(env, row.config ? { config: config(row.config) } : {});
        assert.equal(resolved.kind, withToken ? CredentialKind.AccessToken : CredentialKind.Default);
        const err = subscriptionError(resolved);
        assert.equal(firstSentence(err.message), `${row.source} is not a valid subscription id: "${NAME}".`);
        assert.match(err.message, /Use the id alone \(a GUID such as 00000000-0000-0000-0000-000000000000\), not a name or a resource path\./);
        assert.ok(err.message.endsWith(`If "${NAME}" is the subscription's name, set its id: ${row.fix}`), err.message);
        assertNoSecret([err.message, inspect(err)]);
      });
    }
  }

  it("a name in the JSON of 'az account get-access-token' is refused the same way; the fix sets ACR_TOKENS_SUBSCRIPTION_ID", async () => {
    const resolved = await resolve({ ACR_TOKENS_ACCESS_TOKEN: JSON.stringify({ accessToken: jwt(), subscription: "dev", tenant: TENANT }) });
    const err = subscriptionError(resolved);
    assert.equal(
      firstSentence(err.message),
      `The "subscription" field of the access token JSON from ACR_TOKENS_ACCESS_TOKEN is not a valid subscription id: "dev".`,
    );
    assert.ok(err.message.endsWith(`set its id: 'export ACR_TOKENS_SUBSCRIPTION_ID="$(az account show --subscription "dev" --query id -o tsv)"'.`), err.message);
    assertNoSecret([err.message]);
  });

  it("a resource path is refused with the GUID it holds as the fix", async () => {
    const resolved = await resolve({ ACR_TOKENS_SUBSCRIPTION_ID: `/subscriptions/${SUB}/resourceGroups/rg` });
    const err = subscriptionError(resolved);
    assert.equal(firstSentence(err.message), `ACR_TOKENS_SUBSCRIPTION_ID is not a valid subscription id: "/subscriptions/${SUB}/resourceGroups/rg".`);
    assert.ok(err.message.endsWith(`this one names ${SUB}: 'export ACR_TOKENS_SUBSCRIPTION_ID=${SUB}'.`), err.message);
  });

  it("quotes a name for the shell: \", $ and ` cannot break out of the command", async () => {
    const resolved = await resolve({ ACR_TOKENS_SUBSCRIPTION_ID: 'Team "A" $HOME `id`' });
    assert.match(subscriptionError(resolved).message, /--subscription "Team \\"A\\" \\\$HOME \\`id\\`" --query id/);
  });

  it("never shows a value that looks like a secret (an access token pasted into the subscription setting)", async () => {
    const token = jwt();
    const resolved = await resolve({ ACR_TOKENS_SUBSCRIPTION_ID: token });
    const err = subscriptionError(resolved);
    assertNoSecret([err.message, err.stack ?? "", inspect(err)], token);
    assert.equal(
      firstSentence(err.message),
      `ACR_TOKENS_SUBSCRIPTION_ID is not a valid subscription id: a ${token.length}-character value shaped like a JWT access token (not shown: it may be a secret).`,
    );
    assert.match(err.message, /az account list --query "\[\]\.\{name:name, id:id\}" -o table/);
    assert.ok(!err.message.includes(SENTINEL));
  });

  it("accepts a GUID in any case, trimmed, from every source", async () => {
    assert.equal((await resolve({ ACR_TOKENS_SUBSCRIPTION_ID: ` ${SUB.toUpperCase()} ` })).subscriptionId, SUB.toUpperCase());
    assert.equal((await resolve({ ACR_TOKENS_ACCESS_TOKEN: jwt(), AZURE_CLI_SUBSCRIPTION_ID: SUB })).subscriptionId, SUB);
    const json = JSON.stringify({ accessToken: jwt(), subscription: SUB, tenant: TENANT });
    assert.equal((await resolve({ AZURE_CLI_ACCESS_TOKEN: json })).subscriptionId, SUB);
    assert.equal((await resolve({}, { config: config({ "acr-tokens:subscriptionId": SUB }) })).subscriptionId, SUB);
  });

  it("does not refuse a setting that is not the one used: a higher source with a GUID wins over a name below it", async () => {
    const overEnv = await resolve({ ACR_TOKENS_SUBSCRIPTION_ID: OTHER_SUB, AZURE_CLI_SUBSCRIPTION_ID: NAME });
    assert.equal(overEnv.subscriptionId, OTHER_SUB);
    const overConfig = await resolve({ ACR_TOKENS_SUBSCRIPTION_ID: NAME }, { config: config({ "acr-tokens:subscriptionId": SUB }) });
    assert.equal(overConfig.subscriptionId, SUB);
    const overJson = await resolve({ ACR_TOKENS_ACCESS_TOKEN: JSON.stringify({ accessToken: jwt(), subscription: "dev" }), ACR_TOKENS_SUBSCRIPTION_ID: SUB });
    assert.equal(overJson.subscriptionId, SUB);
  });

  it("a refused subscription leaves the credential usable (the providers never read it)", async () => {
    const resolved = await resolve({ ACR_TOKENS_ACCESS_TOKEN: jwt(), ACR_TOKENS_SUBSCRIPTION_ID: NAME });
    const token = await resolved.credential.getToken(resolved.scopes);
    assert.ok(token?.token.includes(SENTINEL), "the credential did not serve the token");
    subscriptionError(resolved);
  });

  it("a refused subscription does not make copying or printing the resolved credential throw", async () => {
    const resolved = await resolve({ ACR_TOKENS_ACCESS_TOKEN: jwt(), ACR_TOKENS_SUBSCRIPTION_ID: NAME });
    const copy = { ...resolved };
    assert.equal(Object.keys(copy).includes("subscriptionId"), false, "the refusing getter is not copied");
    assert.doesNotThrow(() => JSON.stringify(resolved));
    assert.doesNotThrow(() => inspect(resolved));
    subscriptionError(resolved);
  });
});
