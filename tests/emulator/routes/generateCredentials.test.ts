import assert from "node:assert/strict";
import type { ContainerRegistryManagementClient } from "@azure/arm-containerregistry";
import { armClient, FAST_LRO, rawRequest, useEmulator } from "../../../testing/emulator";

const RG = "gen-rg";
const REG = "genregistry";

interface WirePassword {
  name: string;
  value?: string;
  creationTime: string;
  expiry?: string;
}

describe("emulator generateCredentials", () => {
  const emu = useEmulator({ seed: { resourceGroups: [{ name: RG }], registries: [{ resourceGroup: RG, name: REG, sku: "Premium" }] } });
  const base = () => `/subscriptions/${emu().subscriptionId}/resourceGroups/${RG}/providers/Microsoft.ContainerRegistry/registries/${REG}`;
  let client: ContainerRegistryManagementClient;
  let mapId = "";

  before(async () => {
    client = armClient(emu());
    mapId = (await client.scopeMaps.create(RG, REG, "gen-map", { actions: ["repositories/app/content/read"] }, FAST_LRO)).id ?? "";
  });

  async function newToken(name: string): Promise<string> {
    return (await client.tokens.create(RG, REG, name, { scopeMapId: mapId }, FAST_LRO)).id ?? "";
  }

  async function generate(body: Record<string, unknown>, apiVersion = "2020-11-01-preview") {
    return rawRequest(emu(), "POST", `${base()}/generateCredentials?api-version=${apiVersion}`, { body: JSON.stringify(body) });
  }

  it("without name generates both passwords, 200 synchronously, same creationTime, 52-char values with +ACR at 42-45", async () => {
    const tokenId = await newToken("gen-both");
    const res = await generate({ tokenId });
    assert.equal(res.status, 200);
    assert.equal(res.headers.location, undefined);
    assert.equal(res.headers["azure-asyncoperation"], undefined);
    const body = res.json() as { username: string; passwords: WirePassword[] };
    assert.equal(body.username, "gen-both");
    assert.deepEqual(body.passwords.map((p) => p.name), ["password1", "password2"]);
    assert.deepEqual(Object.keys(body.passwords[0]), ["creationTime", "name", "value"], "no expiry in, no expiry out");
    assert.equal(body.passwords[0].creationTime, body.passwords[1].creationTime);
    assert.match(body.passwords[0].creationTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}\+00:00$/);
    for (const p of body.passwords) {
      assert.equal(p.value?.length, 52);
      assert.equal(p.value?.slice(42, 46), "+ACR");
      assert.ok(/^[A-Za-z0-9+/]{52}$/.test(p.value ?? ""), `${p.name} is not 52 base64-alphabet characters (value not printed)`);
    }
    assert.ok(body.passwords[0].value !== body.passwords[1].value, "password1 and password2 have the same value (not printed)");
  });

  it("never shows a value again: GET lists names and creation times only", async () => {
    const tokenId = await newToken("gen-hidden");
    const gen = (await generate({ tokenId })).json() as { passwords: WirePassword[] };
    const got = await rawRequest(emu(), "GET", `${base()}/tokens/gen-hidden?api-version=2020-11-01-preview`);
    const passwords = (got.json() as { properties: { credentials: { passwords: WirePassword[] } } }).properties.credentials.passwords;
    assert.deepEqual(passwords, gen.passwords.map(({ creationTime, name }) => ({ creationTime, name })));
    for (const p of gen.passwords) assert.ok(!got.text.includes(p.value ?? "<none>"), "GET never carries a password value");
  });

  it("with one name generates that one and lists the other existing one without a value", async () => {
    const tokenId = await newToken("gen-one");
    const only2 = (await generate({ tokenId, name: "password2" })).json() as { passwords: WirePassword[] };
    assert.deepEqual(only2.passwords.map((p) => p.name), ["password2"], "a token without passwords gets only the named one");
    const one = (await generate({ tokenId, name: "password1" })).json() as { passwords: WirePassword[] };
    assert.deepEqual(one.passwords.map((p) => [p.name, p.value !== undefined]), [["password1", true], ["password2", false]]);
    assert.equal(one.passwords[1].creationTime, only2.passwords[0].creationTime, "the other password is untouched");
  });

  it("regenerates a same-named password in place with a new value", async () => {
    const tokenId = await newToken("gen-regen");
    const a = (await generate({ tokenId, name: "password1" })).json() as { passwords: WirePassword[] };
    emu().clock.advance({ seconds: 5 });
    const b = (await generate({ tokenId, name: "password1" })).json() as { passwords: WirePassword[] };
    assert.ok(a.passwords[0].value !== b.passwords[0].value, "the regenerated password kept its value (not printed)");
    assert.notEqual(a.passwords[0].creationTime, b.passwords[0].creationTime);
  });

  it("echoes expiry in offset form: fraction dropped when zero, kept (up to 7 digits) otherwise", async () => {
    const tokenId = await newToken("gen-expiry");
    const whole = (await generate({ tokenId, expiry: "2100-12-31T12:59:59.000Z" })).json() as { passwords: WirePassword[] };
    assert.deepEqual(whole.passwords.map((p) => p.expiry), ["2100-12-31T12:59:59+00:00", "2100-12-31T12:59:59+00:00"]);
    assert.deepEqual(Object.keys(whole.passwords[0]), ["creationTime", "expiry", "name", "value"]);
    const micro = (await generate({ tokenId, name: "password2", expiry: "2099-02-08T15:55:24.300813Z" })).json() as { passwords: WirePassword[] };
    assert.equal(micro.passwords[1].expiry, "2099-02-08T15:55:24.300813+00:00");
    const offset = (await generate({ tokenId, name: "password2", expiry: "2099-02-08T17:55:24+02:00" })).json() as { passwords: WirePassword[] };
    assert.equal(offset.passwords[1].expiry, "2099-02-08T15:55:24+00:00");
    const token = await client.tokens.get(RG, REG, "gen-expiry");
    assert.equal(token.credentials?.passwords?.[0].expiry?.toISOString(), "2100-12-31T12:59:59.000Z");
  });

  it("refuses an expiry in the past of the emulator clock, a malformed expiry, a bad name and a foreign tokenId with 400", async () => {
    const tokenId = await newToken("gen-errors");
    const now = emu().clock.now();
    const past = await generate({ tokenId, expiry: new Date(now.getTime() - 1000).toISOString() });
    assert.equal(past.status, 400);
    assert.equal((past.json() as { error: { code: string } }).error.code, "InvalidPasswordExpiry");
    assert.equal((await generate({ tokenId, expiry: "next tuesday" })).status, 400);
    assert.equal((await generate({ tokenId, name: "password3" })).status, 400);
    assert.equal((await generate({ tokenId: `/subscriptions/x/resourceGroups/${RG}/providers/Microsoft.ContainerRegistry/registries/other/tokens/gen-errors` })).status, 400);
    assert.equal((await generate({})).status, 400);
    const missing = await generate({ tokenId: `${base()}/tokens/not-there` });
    assert.equal(missing.status, 404);
    assert.equal((missing.json() as { error: { code: string } }).error.code, "ResourceNotFound");
    assert.deepEqual(await client.tokens.get(RG, REG, "gen-errors").then((t) => t.credentials?.passwords), [], "nothing was generated");
  });

  it("follows the clock: an expiry valid now is refused after the clock passes it", async () => {
    const tokenId = await newToken("gen-clock");
    const expiry = new Date(emu().clock.now().getTime() + 60_000).toISOString();
    assert.equal((await generate({ tokenId, expiry })).status, 200);
    emu().clock.advance({ minutes: 2 });
    assert.equal((await generate({ tokenId, expiry })).status, 400);
  });

  it("works through the SDK (generateCredentials poller, Date expiry)", async () => {
    const tokenId = await newToken("gen-sdk");
    const expiry = new Date(Date.UTC(2099, 0, 1));
    const res = await client.registries.generateCredentials(RG, REG, { tokenId, name: "password1", expiry }, FAST_LRO);
    assert.equal(res.username, "gen-sdk");
    assert.equal(res.passwords?.length, 1);
    assert.equal(res.passwords?.[0].expiry?.getTime(), expiry.getTime());
    assert.equal(res.passwords?.[0].value?.length, 52);
  });
});

describe("emulator generateCredentials as a long-running operation (lro.generateCredentials: accepted)", () => {
  const emu = useEmulator({
    lro: { generateCredentials: "accepted", inProgressPolls: 1 },
    seed: { resourceGroups: [{ name: RG }], registries: [{ resourceGroup: RG, name: REG, sku: "Premium" }] },
  });
  const base = () => `/subscriptions/${emu().subscriptionId}/resourceGroups/${RG}/providers/Microsoft.ContainerRegistry/registries/${REG}`;
  let client: ContainerRegistryManagementClient;
  let tokenId = "";

  before(async () => {
    client = armClient(emu());
    const map = await client.scopeMaps.create(RG, REG, "lro-map", { actions: ["repositories/app/content/read"] }, FAST_LRO);
    tokenId = (await client.tokens.create(RG, REG, "lro-token", { scopeMapId: map.id }, FAST_LRO)).id ?? "";
  });

  it("answers 202 + Location on the registry's operationStatuses, 202 while in progress, then 200 with the passwords", async () => {
    const post = await rawRequest(emu(), "POST", `${base()}/generateCredentials?api-version=2025-11-01`, { body: JSON.stringify({ tokenId, name: "password1" }) });
    assert.equal(post.status, 202);
    assert.equal(post.text, "null");
    const location = new URL(String(post.headers.location));
    assert.match(location.pathname, new RegExp(`^${base()}/operationStatuses/registries-[0-9a-f-]{36}$`, "i"));
    assert.equal(location.searchParams.get("api-version"), "2025-11-01");
    const first = await rawRequest(emu(), "GET", location.pathname + location.search);
    assert.equal(first.status, 202);
    assert.equal(String(first.headers.location), location.href);
    const done = await rawRequest(emu(), "GET", location.pathname + location.search);
    assert.equal(done.status, 200);
    const body = done.json() as { username: string; passwords: WirePassword[] };
    assert.equal(body.username, "lro-token");
    assert.deepEqual(body.passwords.map((p) => [p.name, typeof p.value]), [["password1", "string"]]);
    assert.equal(emu().checkPassword(tokenId, body.passwords[0]!.value!).ok, true, "the password works once the operation succeeded");
  });

  it("changes the passwords only when the operation succeeds; a failed operation changes nothing", async () => {
    const before = (await client.tokens.get(RG, REG, "lro-token")).credentials?.passwords?.map((p) => p.name) ?? [];
    emu().faults.add({ method: "POST", route: "/generateCredentials", fault: { kind: "lroFailed" } });
    await assert.rejects(client.registries.generateCredentials(RG, REG, { tokenId, name: "password2" }, FAST_LRO));
    const after = (await client.tokens.get(RG, REG, "lro-token")).credentials?.passwords?.map((p) => p.name) ?? [];
    assert.deepEqual(after, before, "password2 was not added by a failed operation");
  });

  it("is followed to its result by @azure/arm-containerregistry's poller", async () => {
    const mark = emu().requests.length;
    const result = await client.registries.generateCredentials(RG, REG, { tokenId, name: "password2" }, FAST_LRO);
    const value = result.passwords?.find((p) => p.name === "password2")?.value ?? "";
    assert.equal(value.length, 52);
    assert.equal(emu().checkPassword(tokenId, value).ok, true);
    assert.deepEqual(
      emu().requests.slice(mark).map((r) => `${r.operation}:${r.status}`),
      ["registries.generateCredentials:202", "operations.status:202", "operations.status:200"],
    );
  });
});
