import * as assert from "node:assert/strict";
import { X509Certificate, verify } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { request } from "node:https";
import { FAST_LRO, armClient, useEmulator } from "../../../testing/emulator";

/**
 * The data plane's `/oauth2/token` and its listeners, without a registry server (these run everywhere;
 * tests/emulator/dataplane/skopeo.test.ts drives pulls and pushes with a real client).
 */
describe("emulator data plane: /oauth2/token and login servers", () => {
  const RG = "rg-tok";
  const REG = "tokregistry";
  const emulator = useEmulator({
    dataPlane: true,
    seed: { resourceGroups: [{ name: RG }], registries: [{ resourceGroup: RG, name: REG }, { resourceGroup: RG, name: "secondreg" }, { resourceGroup: RG, name: "thirdreg" }] },
  });
  const registryId = () => `/subscriptions/${emulator().subscriptionId}/resourceGroups/${RG}/providers/Microsoft.ContainerRegistry/registries/${REG}`;
  const loginServer = () => emulator().dataPlane!.loginServer(REG)!;

  function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingMessage["headers"]; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request(url, { ca: emulator().caCertPem, headers }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.once("error", reject);
      req.end();
    });
  }
  const basic = (user: string, password: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` });

  async function tokenWithPassword(name: string, actions: string[]): Promise<string> {
    const sdk = armClient(emulator());
    const map = await sdk.scopeMaps.create(RG, REG, `${name}-map`, { actions }, FAST_LRO);
    await sdk.tokens.create(RG, REG, name, { scopeMapId: map.id, status: "enabled" }, FAST_LRO);
    const r = await sdk.registries.generateCredentials(RG, REG, { tokenId: `${registryId()}/tokens/${name}`, name: "password1" }, FAST_LRO);
    return r.passwords!.find((p) => p.name === "password1")!.value!;
  }

  it("gives every registry its own loopback login server, in ARM answers too", async () => {
    const servers = ["tokregistry", "secondreg", "thirdreg"].map((n) => emulator().dataPlane!.loginServer(n));
    for (const s of servers) assert.match(s ?? "", /^127\.0\.0\.1:\d+$/);
    assert.equal(new Set(servers).size, 3);
    const reg = await armClient(emulator()).registries.get(RG, REG);
    assert.equal(reg.loginServer, loginServer());
    // A registry created through ARM gets one too.
    const created = await armClient(emulator()).registries.beginCreateAndWait(RG, "fourthreg", { location: "eastus", sku: { name: "Premium" } }, FAST_LRO);
    assert.match(created.loginServer ?? "", /^127\.0\.0\.1:\d+$/);
    assert.equal(created.loginServer, emulator().dataPlane!.loginServer("FourthReg"));
    assert.equal(emulator().dataPlane!.loginServer("nosuchregistry"), undefined);
  });

  it("issues an ES256 JWT whose access claim is the scope map ∩ the requested scope, signed by its x5c certificate", async () => {
    const password = await tokenWithPassword("jwt-reader", ["repositories/app/content/read"]);
    const res = await get(`https://${loginServer()}/oauth2/token?service=${loginServer()}&scope=repository:app:pull,push&scope=repository:other:pull`, basic("jwt-reader", password));
    assert.equal(res.status, 200);
    const { access_token } = JSON.parse(res.body) as { access_token: string };
    const [h, p, s] = access_token.split(".");
    const header = JSON.parse(Buffer.from(h, "base64url").toString()) as { alg: string; x5c: string[] };
    const claims = JSON.parse(Buffer.from(p, "base64url").toString()) as Record<string, unknown>;
    assert.equal(header.alg, "ES256");
    const cert = new X509Certificate(Buffer.from(header.x5c[0], "base64"));
    assert.ok(verify("sha256", Buffer.from(`${h}.${p}`), { key: cert.publicKey, dsaEncoding: "ieee-p1363" }, Buffer.from(s, "base64url")), "signature does not verify with the x5c certificate");
    assert.equal(claims.aud, loginServer());
    assert.equal(claims.iss, "Azure Container Registry");
    assert.equal(claims.sub, "jwt-reader");
    assert.deepEqual(claims.access, [{ type: "repository", name: "app", actions: ["pull"] }]);
    assert.ok(typeof claims.exp === "number" && typeof claims.nbf === "number" && claims.exp > claims.nbf);
  });

  it("refuses missing credentials, a wrong password and an unknown token with 401, without echoing the password", async () => {
    const password = await tokenWithPassword("refuse-me", ["repositories/app/content/read"]);
    const none = await get(`https://${loginServer()}/oauth2/token?service=x`);
    assert.equal(none.status, 401);
    const wrong = await get(`https://${loginServer()}/oauth2/token?service=x`, basic("refuse-me", `${password}x`));
    assert.equal(wrong.status, 401);
    assert.equal((JSON.parse(wrong.body) as { errors: Array<{ code: string }> }).errors[0].code, "UNAUTHORIZED");
    assert.ok(!wrong.body.includes(password), "the 401 body holds the password");
    const unknown = await get(`https://${loginServer()}/oauth2/token?service=x`, basic("nobody-here", password));
    assert.equal(unknown.status, 401);
    assert.deepEqual(
      emulator().dataPlane!.requests.filter((e) => e.path === "/oauth2/token").slice(-3).map((e) => e.reason),
      ["no-credentials", "no-matching-password", "token-not-found"],
    );
    assert.ok(!JSON.stringify(emulator().dataPlane!.requests).includes(password), "the data-plane log holds the password");
  });

  it("takes POST grant_type=password (form) as well, and refuses other grants with 400", async () => {
    const password = await tokenWithPassword("form-login", ["repositories/app/content/read"]);
    const post = (form: Record<string, string>) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(`https://${loginServer()}/oauth2/token`, { method: "POST", ca: emulator().caCertPem, headers: { "Content-Type": "application/x-www-form-urlencoded" } }, (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (d: string) => (body += d));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.once("error", reject);
        req.end(new URLSearchParams(form).toString());
      });
    const ok = await post({ grant_type: "password", service: loginServer(), username: "form-login", password, scope: "repository:app:pull" });
    assert.equal(ok.status, 200);
    const claims = JSON.parse(Buffer.from((JSON.parse(ok.body) as { access_token: string }).access_token.split(".")[1], "base64url").toString()) as { access: unknown };
    assert.deepEqual(claims.access, [{ type: "repository", name: "app", actions: ["pull"] }]);
    assert.equal((await post({ grant_type: "password", username: "form-login", password: `${password}x` })).status, 401);
    const refresh = await post({ grant_type: "refresh_token", refresh_token: "anything" });
    assert.equal(refresh.status, 400);
    assert.match(refresh.body, /grant_type=password/);
  });

  it("gives registries created all at once a login server each (a 503 with Retry-After, retried, if the listener pool runs dry)", async () => {
    const sdk = armClient(emulator());
    const names = ["burstreg1", "burstreg2", "burstreg3", "burstreg4", "burstreg5", "burstreg6"];
    const results = await Promise.allSettled(names.map((n) => sdk.registries.beginCreateAndWait(RG, n, { location: "eastus", sku: { name: "Premium" } }, FAST_LRO)));
    for (const r of results) {
      if (r.status === "rejected") assert.equal((r.reason as { statusCode?: number }).statusCode, 503);
    }
    // A retry (what ARM clients do on 503) finds every registry with its own login server.
    for (const n of names) {
      let server: string | undefined;
      for (let i = 0; i < 20 && server === undefined; i++) {
        try {
          server = (await sdk.registries.get(RG, n)).loginServer;
        } catch (e) {
          assert.equal((e as { statusCode?: number }).statusCode, 503);
          await new Promise((r) => setImmediate(r));
        }
      }
      assert.match(server ?? "", /^127\.0\.0\.1:\d+$/, n);
    }
    const servers = names.map((n) => emulator().dataPlane!.loginServer(n));
    assert.equal(new Set(servers).size, names.length);
  });

  it("does not let one registry's token log in at another registry", async () => {
    const password = await tokenWithPassword("only-here", ["repositories/app/content/read"]);
    const other = emulator().dataPlane!.loginServer("secondreg")!;
    assert.equal((await get(`https://${other}/oauth2/token?service=${other}`, basic("only-here", password))).status, 401);
    assert.equal((await get(`https://${loginServer()}/oauth2/token?service=${loginServer()}`, basic("only-here", password))).status, 200);
  });

  it("checkPassword and the token endpoint honour the replication delay on the emulator clock", async () => {
    emulator().dataPlane!.replicationDelaySeconds = 60;
    try {
      const password = await tokenWithPassword("replica", ["repositories/app/content/read"]);
      const url = `https://${loginServer()}/oauth2/token?service=${loginServer()}`;
      assert.equal((await get(url, basic("replica", password))).status, 401);
      assert.deepEqual(emulator().checkPassword(`${registryId()}/tokens/replica`, password), { ok: false, reason: "not-replicated" });
      emulator().clock.advance({ seconds: 60 });
      assert.equal((await get(url, basic("replica", password))).status, 200);
      assert.deepEqual(emulator().checkPassword(`${registryId()}/tokens/replica`, password), { ok: true, slot: "password1" });
    } finally {
      emulator().dataPlane!.replicationDelaySeconds = 0;
    }
    assert.throws(() => (emulator().dataPlane!.replicationDelaySeconds = -1), /from 0 to 86400/);
  });

  it("answers a deleted registry's address with 404", async () => {
    await armClient(emulator()).registries.beginCreateAndWait(RG, "gonereg", { location: "eastus", sku: { name: "Premium" } }, FAST_LRO);
    const gone = emulator().dataPlane!.loginServer("gonereg")!;
    await armClient(emulator()).registries.beginDeleteAndWait(RG, "gonereg", FAST_LRO);
    assert.equal((await get(`https://${gone}/v2/`)).status, 404);
  });
});
