import * as assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FAST_LRO, armClient, useEmulator } from "../../../testing/emulator";
import { requireRegistryTools, Skopeo, writeOciLayout, type SkopeoResult } from "../../../testing/registryClients";

/**
 * The registry data plane driven by a real client: Debian's skopeo pushes and pulls an image through
 * the emulator's `/oauth2/token` and a real distribution registry (emulator/dataplane). Every refusal
 * is checked twice: skopeo fails, and the emulator's data-plane log says why.
 */
describe("emulator data plane with skopeo (real client, real registry server)", function () {
  if (!requireRegistryTools("the skopeo data-plane tests")) return;
  this.timeout(60_000);

  const RG = "rg-dp";
  const REG = "dpregistry";
  const emulator = useEmulator({ dataPlane: { replicationDelaySeconds: 0 }, seed: { resourceGroups: [{ name: RG }], registries: [{ resourceGroup: RG, name: REG }] } });
  let work: string;
  let skopeo: Skopeo;
  let layout: string;
  before(() => {
    work = mkdtempSync(join(tmpdir(), "acr-tokens-skopeo-"));
    skopeo = new Skopeo(join(work, "skopeo"), emulator().caCertPem);
    layout = join(work, "image");
    writeOciLayout(layout, "v1", "hello from the emulator\n");
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  const registryId = () => `/subscriptions/${emulator().subscriptionId}/resourceGroups/${RG}/providers/Microsoft.ContainerRegistry/registries/${REG}`;
  const loginServer = () => emulator().dataPlane!.loginServer(REG)!;

  /** A token on `scopeMap` (a built-in name, or a new map with `actions`) with a fresh password1. */
  async function token(name: string, scope: { builtIn: string } | { actions: string[] }): Promise<{ username: string; password: string }> {
    const sdk = armClient(emulator());
    let scopeMapId: string;
    if ("builtIn" in scope) scopeMapId = `${registryId()}/scopeMaps/${scope.builtIn}`;
    else scopeMapId = (await sdk.scopeMaps.create(RG, REG, `${name}-map`, { actions: scope.actions }, FAST_LRO)).id!;
    await sdk.tokens.create(RG, REG, name, { scopeMapId, status: "enabled" }, FAST_LRO);
    const result = await sdk.registries.generateCredentials(RG, REG, { tokenId: `${registryId()}/tokens/${name}`, name: "password1" }, FAST_LRO);
    const password = result.passwords?.find((p) => p.name === "password1")?.value;
    assert.ok(password, "generateCredentials returned no password1 value");
    return { username: name, password };
  }

  const push = (repo: string, creds?: { username: string; password: string }, tag = "v1") => skopeo.copy(`oci:${layout}:v1`, `docker://${loginServer()}/${repo}:${tag}`, loginServer(), creds);
  let pulls = 0;
  const pull = (repo: string, creds?: { username: string; password: string }, tag = "v1") => skopeo.copy(`docker://${loginServer()}/${repo}:${tag}`, `oci:${join(work, `pulled-${++pulls}`)}:${tag}`, loginServer(), creds);

  /** Asserts success, showing skopeo's stderr (never a password: creds go through an auth file). */
  function ok(r: SkopeoResult, what: string): void {
    assert.equal(r.code, 0, `${what} failed: ${r.stderr.slice(-600)}`);
  }
  function refused(r: SkopeoResult, what: string): void {
    assert.notEqual(r.code, 0, `${what} succeeded but should be refused`);
    assert.match(r.stderr, /unauthorized|authentication required|denied|401|403/i, `${what}: unexpected failure: ${r.stderr.slice(-600)}`);
  }
  /** The reason the emulator logged for the last refused token request of `user`. */
  const lastReason = (user: string) =>
    emulator()
      .dataPlane!.requests.filter((e) => e.path === "/oauth2/token" && e.user === user)
      .at(-1)?.reason;

  it("answers GET /v2/ with ACR's Bearer challenge naming the login server's /oauth2/token", async () => {
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = request(`https://${loginServer()}/v2/`, { ca: emulator().caCertPem }, resolve);
      req.once("error", reject);
      req.end();
    });
    res.resume();
    assert.equal(res.statusCode, 401);
    assert.equal(res.headers["www-authenticate"], `Bearer realm="https://${loginServer()}/oauth2/token",service="${loginServer()}"`);
  });

  it("pushes with a push-scoped token and pulls with a pull-only token; the pull-only token cannot push", async () => {
    const pusher = await token("app-push", { actions: ["repositories/app/content/read", "repositories/app/content/write"] });
    const puller = await token("app-pull", { actions: ["repositories/app/content/read"] });
    ok(await push("app", pusher), "push with content/write");
    ok(await pull("app", puller), "pull with content/read");
    refused(await push("app", puller, "v2"), "push with a pull-only token");
  });

  it("refuses a repository outside the scope map, and tag listing without metadata/read", async () => {
    const pusher = await token("other-push", { actions: ["repositories/other/content/read", "repositories/other/content/write"] });
    ok(await push("other", pusher), "push to other");
    const appOnly = await token("app-only", { actions: ["repositories/app/content/read"] });
    refused(await pull("other", appOnly), "pull outside the scope map");
    refused(await skopeo.listTags(loginServer(), "app", appOnly), "list-tags without metadata/read");
    const withMeta = await token("app-meta", { actions: ["repositories/app/content/read", "repositories/app/metadata/read"] });
    const tags = await skopeo.listTags(loginServer(), "app", withMeta);
    ok(tags, "list-tags with metadata/read");
    assert.deepEqual((JSON.parse(tags.stdout) as { Tags: string[] }).Tags, ["v1"]);
  });

  it("applies a team/* wildcard to every repository under the prefix, and only there", async () => {
    const team = await token("team-push", { actions: ["repositories/team/*/content/read", "repositories/team/*/content/write"] });
    ok(await push("team/api", team), "push to team/api");
    ok(await push("team/web/frontend", team), "push to team/web/frontend");
    refused(await push("teammate", team), "push to teammate (not under team/)");
  });

  it("refuses a disabled token, an expired password and a regenerated slot's old password", async () => {
    const sdk = armClient(emulator());
    const reader = await token("reader-x", { builtIn: "_repositories_pull" });
    ok(await pull("app", reader), "pull before any change");

    await sdk.tokens.update(RG, REG, "reader-x", { status: "disabled" }, FAST_LRO);
    refused(await pull("app", reader), "pull with a disabled token");
    assert.equal(lastReason("reader-x"), "token-disabled");
    await sdk.tokens.update(RG, REG, "reader-x", { status: "enabled" }, FAST_LRO);
    ok(await pull("app", reader), "pull after re-enabling");

    await sdk.registries.generateCredentials(RG, REG, { tokenId: `${registryId()}/tokens/reader-x`, name: "password1" }, FAST_LRO);
    refused(await pull("app", reader), "pull with the regenerated slot's old password");
    assert.equal(lastReason("reader-x"), "no-matching-password");

    const expiring = await sdk.registries.generateCredentials(RG, REG, { tokenId: `${registryId()}/tokens/reader-x`, name: "password2", expiry: new Date(emulator().clock.now().getTime() + 86_400_000) }, FAST_LRO);
    const p2 = { username: "reader-x", password: expiring.passwords!.find((p) => p.name === "password2")!.value! };
    ok(await pull("app", p2), "pull with password2 before its expiry");
    emulator().clock.advance({ days: 1, seconds: 1 });
    refused(await pull("app", p2), "pull with an expired password");
    assert.equal(lastReason("reader-x"), "expired");
  });

  it("built-in _repositories_pull / _push / _admin behave as named", async () => {
    const pullAll = await token("builtin-pull", { builtIn: "_repositories_pull" });
    const pushAll = await token("builtin-push", { builtIn: "_repositories_push" });
    const admin = await token("builtin-admin", { builtIn: "_repositories_admin" });
    refused(await push("anywhere", pullAll), "_repositories_pull pushing");
    ok(await pull("app", pullAll), "_repositories_pull pulling");
    ok(await push("anywhere", pushAll), "_repositories_push pushing");
    ok(await pull("anywhere", pushAll), "_repositories_push pulling");
    ok(await push("admin/repo", admin), "_repositories_admin pushing");
    ok(await skopeo.listTags(loginServer(), "admin/repo", admin), "_repositories_admin listing tags");
    refused(await skopeo.listTags(loginServer(), "anywhere", pushAll), "_repositories_push listing tags (no metadata/read)");
  });

  it("refuses a new password until the replication delay has passed on the emulator clock", async () => {
    emulator().dataPlane!.replicationDelaySeconds = 60;
    try {
      const fresh = await token("fresh-reader", { builtIn: "_repositories_pull" });
      refused(await pull("app", fresh), "pull right after generation");
      assert.equal(lastReason("fresh-reader"), "not-replicated");
      emulator().clock.advance({ seconds: 59 });
      refused(await pull("app", fresh), "pull 59 s after generation");
      emulator().clock.advance({ seconds: 1 });
      ok(await pull("app", fresh), "pull 60 s after generation");
    } finally {
      emulator().dataPlane!.replicationDelaySeconds = 0;
    }
  });
});
