import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { TokenPassword } from "../../components/tokenPassword";
import { TokenSettings } from "../../components/tokenSettings";
import { TOKEN_PASSWORD_OUTPUT_KEYS } from "../../components/provider/tokenPassword/types";
import { REPO_ROOT, isSecret, registerUnderMocks, withProvider, type ProviderHost, type RegisteredDynamicResource } from "../../testing/providerHost";
import { armCallsSince, sharedConfigHost, type ProviderTestBed } from "./setup";

const TOKEN_ID =
  "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-1/providers/Microsoft.ContainerRegistry/registries/myregistry/tokens/ci-token";
const SCOPE_MAP_ID = TOKEN_ID.replace("/tokens/ci-token", "/scopeMaps/_repositories_pull");
const SENTINEL = "SENTINEL-ACCESS-TOKEN-serialization-0b6f";
const PASSWORD_TYPE = "pulumi-nodejs:dynamic/acr-tokens:TokenPassword";
const SETTINGS_TYPE = "pulumi-nodejs:dynamic/acr-tokens:TokenSettings";

describe("dynamic resources: serialized provider and the real host", function () {
  // Uses the shared emulator and spawned dynamic-provider host (ts-node): a few seconds on 2 cores.
  this.timeout(30_000);

  let registered: RegisteredDynamicResource[];
  let host: ProviderHost;
  let bed: ProviderTestBed;
  let accessToken: string;
  let password: TokenPassword;
  const savedToken = process.env["ACR_TOKENS_ACCESS_TOKEN"];

  before(async () => {
    // A credential in the program's environment at serialization time must not reach the text.
    process.env["ACR_TOKENS_ACCESS_TOKEN"] = SENTINEL;
    registered = await registerUnderMocks(() => [
      (password = new TokenPassword("pw", { token: { id: TOKEN_ID }, slot: "password2", expiresInDays: 30 })),
      new TokenPassword("pw-by-id", { token: TOKEN_ID }),
      new TokenSettings("settings", { tokenId: TOKEN_ID, scopeMapId: SCOPE_MAP_ID, status: "enabled" }),
    ]);
    ({ bed, host, accessToken } = await sharedConfigHost());
  });

  after(async () => {
    if (savedToken === undefined) delete process.env["ACR_TOKENS_ACCESS_TOKEN"];
    else process.env["ACR_TOKENS_ACCESS_TOKEN"] = savedToken;
  });

  const byName = (name: string) => {
    const r = registered.find((x) => x.name === name);
    assert.ok(r, `resource ${name} was not registered`);
    return r;
  };

  it("registers the state types pulumi-nodejs:dynamic/acr-tokens:TokenPassword and :TokenSettings", () => {
    assert.equal(byName("pw").type, PASSWORD_TYPE);
    assert.equal(byName("settings").type, SETTINGS_TYPE);
  });

  it("serializes a plain-string shim that loads acr-tokens/provider at call time and holds no logic, path or credential", () => {
    for (const name of ["pw", "settings"]) {
      const text = byName(name).providerText;
      assert.equal(typeof text, "string", "__provider must be a plain string, not a secret");
      const s = text as string;
      assert.match(s, /createRequire\(.*\)\("acr-tokens\/provider"\)/);
      assert.ok(!s.includes(REPO_ROOT), "__provider must hold no absolute path");
      assert.ok(!s.includes(SENTINEL), "__provider must hold no credential");
      assert.ok(!s.includes("generateCredentials") && !s.includes("tokens.update"), "__provider must hold no provider logic");
      assert.ok(s.length < 4000, `__provider is ${s.length} characters`);
    }
    assert.equal(byName("pw").providerText, byName("pw-by-id").providerText, "one text for every TokenPassword");
  });

  it("declares every output key, so each output exists on the resource", () => {
    for (const k of TOKEN_PASSWORD_OUTPUT_KEYS) {
      assert.ok(pulumi.Output.isInstance((password as unknown as Record<string, unknown>)[k]), `${k} is not an output`);
    }
    assert.equal(byName("pw").inputs["tokenId"], TOKEN_ID, "a RegistryToken-like object contributes its id");
    assert.equal(byName("pw-by-id").inputs["tokenId"], TOKEN_ID);
  });

  it("runs the installed provider in the host: check returns failures with the fix", async () => {
    const text = byName("pw").providerText as string;
    const { failures } = await host.check(PASSWORD_TYPE, "bad", {}, withProvider(text, { tokenId: "nope", slot: "password9" }));
    assert.deepEqual(
      failures.map((f) => f.property),
      ["tokenId", "slot"],
    );
    assert.match(failures[0]!.reason, /^TokenPassword: token a 4-character value is not a token resource id; expected \/subscriptions\//);
  });

  it("check reports missing inputs as failures (not as a host error)", async () => {
    const { failures } = await host.check(PASSWORD_TYPE, "empty", {}, withProvider(byName("pw").providerText as string, {}));
    assert.deepEqual(failures.map((f) => f.property), ["tokenId"]);
    const settings = await host.check(SETTINGS_TYPE, "empty", {}, withProvider(byName("settings").providerText as string, {}));
    assert.deepEqual(settings.failures.map((f) => f.property), ["tokenId", "scopeMapId", "status"]);
  });

  it("check normalises inputs in the host (slot default, expiry form)", async () => {
    const text = byName("pw").providerText as string;
    const { inputs, failures } = await host.check(PASSWORD_TYPE, "ok", {}, withProvider(text, { tokenId: TOKEN_ID, expiry: "2099-01-01T00:00:00Z" }));
    assert.deepEqual(failures, []);
    assert.equal(inputs["slot"], "password1");
    assert.equal(inputs["expiry"], "2099-01-01T00:00:00.000Z");
  });

  it("TokenSettings check refuses a scope map of another registry and an unknown status", async () => {
    const text = byName("settings").providerText as string;
    const { failures } = await host.check(
      SETTINGS_TYPE,
      "bad-settings",
      {},
      withProvider(text, { tokenId: TOKEN_ID, scopeMapId: SCOPE_MAP_ID.replace("myregistry", "otherregistry"), status: "on" }),
    );
    assert.deepEqual(failures.map((f) => f.property), ["scopeMapId", "status"]);
    assert.match(failures[0]!.reason, /belongs to another registry than the token/);
    assert.match(failures[1]!.reason, /^TokenSettings: status is a 2-character value; use "enabled" or "disabled"\.$/);
  });

  it("diff ignores a changed __provider; another credential selector is an in-place update with no ARM call", async () => {
    const text = byName("pw").providerText as string;
    const olds = { tokenId: TOKEN_ID, slot: "password1", expiry: null, expiresInDays: null, credential: null, password: "p", __provider: "old provider text" };
    const id = `${TOKEN_ID}/passwords/password1`;
    const unchanged = await host.diff(PASSWORD_TYPE, "pw", id, olds, withProvider(text, { tokenId: TOKEN_ID, slot: "password1" }));
    assert.deepEqual(unchanged, { changes: "none", replaces: [], deleteBeforeReplace: false });
    const news = withProvider(text, { tokenId: TOKEN_ID, slot: "password1", credential: "managedIdentity" });
    assert.deepEqual(await host.diff(PASSWORD_TYPE, "pw", id, olds, news), { changes: "some", replaces: [], deleteBeforeReplace: false });
    const mark = bed.emu.requests.length;
    const { outs } = await host.update(PASSWORD_TYPE, "pw", id, olds, news, ["password"]);
    assert.deepEqual(armCallsSince(bed.emu, mark), []);
    assert.equal(outs["credential"], "managedIdentity");
    assert.ok(isSecret(outs["password"]));
  });

  it("prints no credential on the host's stdout or stderr", () => {
    for (const secretValue of [SENTINEL, accessToken]) {
      assert.ok(!host.stdout.includes(secretValue));
      assert.ok(!host.stderr.includes(secretValue));
    }
  });
});
