import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { planByName, reveal, type RunResult, type Session } from "../../testing/harness";
import { REGISTRY, RG, useE2eBed } from "../e2e/fixture";

const ROOT = path.resolve(__dirname, "../..");
/** Every example takes the same two config keys, so all sessions share one dynamic-provider host. */
const CONFIG = { registryName: REGISTRY, resourceGroupName: RG };
const PASSWORD_TYPE = "pulumi-nodejs:dynamic/acr-tokens:TokenPassword";

/**
 * Each example program runs through the e2e harness against the emulator (program under the SDK's
 * mock runtime, azure-native with its PUT semantics, dynamic resources through the real host): up,
 * what it promises, a second up that changes nothing, and destroy (the fixture's afterEach). The
 * drift-check example also goes through the drift its CI job is meant to catch.
 */
describe("examples through the harness", function () {
  // Spawned peers: the dynamic-provider host (node + ts-node, once for the file) and the SDK's first
  // closure serialization take several seconds on 2 cores; each up/refresh/preview is ~0.3-1 s.
  this.timeout(120_000);
  const bed = useE2eBed("acr-tokens-examples");
  const savedClockFile = process.env.ACR_TOKENS_CLOCK_FILE;
  before(() => {
    // RotatingTokenPassword reads "now" in the program, like the providers, from the emulator's clock.
    process.env.ACR_TOKENS_CLOCK_FILE = bed().emu.clock.mirrorFile;
  });
  after(() => {
    if (savedClockFile === undefined) delete process.env.ACR_TOKENS_CLOCK_FILE;
    else process.env.ACR_TOKENS_CLOCK_FILE = savedClockFile;
  });

  const logsIn = (token: string, value: unknown) => bed().emu.checkPassword(bed().tokenId(token), reveal<string>(value));
  async function upTwice(program: string): Promise<{ first: RunResult; session: Session }> {
    const session = bed().session({ program, config: CONFIG });
    const first = await session.up();
    const again = await session.up();
    assert.ok(!again.changes, `a second up of ${program} changed: ${JSON.stringify(planByName(again.plan))}`);
    return { first, session };
  }

  it("quickstart: a pull token whose password logs in", async () => {
    const { first } = await upTwice("examples/quickstart/index.ts");
    assert.deepEqual(logsIn("app-pull", first.outputs["password"]), { ok: true, slot: "password1" });
  });

  it("ci-byo-token: a push token deployed with the access-token credential; its password logs in, no drift", async () => {
    const { first } = await upTwice("examples/ci-byo-token/index.ts");
    assert.deepEqual(logsIn("ci-push", first.outputs["pushPassword"]), { ok: true, slot: "password1" });
    assert.equal(first.outputs["pushPasswordDrift"], null);
    const map = await bed().harness.arm.scopeMaps.get(RG, REGISTRY, "ci-push-scope-map");
    assert.deepEqual(map.actions, ["repositories/app/content/read", "repositories/app/content/write", "repositories/app/metadata/read"]);
  });

  it("ci-byo-token: the GitHub workflow and the Azure Pipelines job export az's access token, then run pulumi up and acr-tokens check", () => {
    const workflow = yaml.load(readFileSync(path.join(ROOT, "examples/ci-byo-token/.github/workflows/deploy.yml"), "utf8")) as {
      permissions: Record<string, string>;
      jobs: Record<string, { steps: Array<{ run?: string; uses?: string }> }>;
    };
    const pipeline = yaml.load(readFileSync(path.join(ROOT, "examples/ci-byo-token/azure-pipelines.yml"), "utf8")) as {
      jobs: Array<{ steps: Array<{ task?: string; inputs?: { inlineScript?: string } }> }>;
    };
    assert.equal(workflow.permissions["id-token"], "write", "azure/login needs the OIDC token");
    const scripts = {
      "deploy.yml": Object.values(workflow.jobs).flatMap((j) => j.steps.map((s) => s.run ?? "")).join("\n"),
      "azure-pipelines.yml": pipeline.jobs.flatMap((j) => j.steps.filter((s) => s.task === "AzureCLI@2").map((s) => s.inputs?.inlineScript ?? "")).join("\n"),
    };
    for (const [file, script] of Object.entries(scripts)) {
      const order = [
        'ACR_TOKENS_ACCESS_TOKEN="$(az account get-access-token --resource https://management.azure.com/ -o json)"',
        "export ACR_TOKENS_ACCESS_TOKEN",
        "pulumi up --yes",
        "npx acr-tokens check --registry",
      ].map((needle) => script.indexOf(needle));
      assert.ok(order.every((i) => i >= 0), `${file}: a step is missing (${order.join(", ")})`);
      assert.deepEqual([...order].sort((a, b) => a - b), order, `${file}: the steps are out of order`);
      assert.match(script, /(::add-mask::|##vso\[task\.setsecret\])/, `${file}: the access token must be masked in the log`);
    }
  });

  it("rotation: both slots hold a password that logs in; the newest is the current period's slot", async () => {
    const { first } = await upTwice("examples/rotation/index.ts");
    const current = first.outputs["currentSlot"];
    assert.deepEqual(logsIn("app-rotating", first.outputs["password"]), { ok: true, slot: current });
    assert.deepEqual(logsIn("app-rotating", first.outputs["previousPassword"]).ok, true);
    assert.ok(reveal(first.outputs["password"]) !== reveal(first.outputs["previousPassword"]), "password and previousPassword are the same value (not printed)");
    assert.ok(Date.parse(first.outputs["nextRotation"] as string) > bed().emu.clock.now().getTime());
  });

  it("connected-registry-gateway: one scope map with repository and gateway actions, the sync token bound to it", async () => {
    const { first } = await upTwice("examples/connected-registry-gateway/index.ts");
    const map = await bed().harness.arm.scopeMaps.get(RG, REGISTRY, "edge01-sync-scope-map");
    assert.deepEqual(
      [...(map.actions ?? [])].sort(),
      [
        "gateway/edge01/config/read",
        "gateway/edge01/config/write",
        "gateway/edge01/message/read",
        "gateway/edge01/message/write",
        "repositories/app/content/read",
        "repositories/app/metadata/read",
        "repositories/base/*/content/read",
        "repositories/base/*/metadata/read",
      ],
    );
    const token = await bed().harness.arm.tokens.get(RG, REGISTRY, "edge01-sync-token");
    assert.equal(token.scopeMapId, map.id);
    assert.deepEqual(logsIn("edge01-sync-token", first.outputs["password"]), { ok: true, slot: "password1" });
  });

  describe("drift-check: what its `pulumi preview --refresh --expect-no-changes` job catches, and up repairs", () => {
    const PROGRAM = "examples/drift-check/index.ts";
    const TOKEN = "deploy-pull";
    const PASSWORD = `${PASSWORD_TYPE}::deploy-pull-password1`;
    const passwordState = (s: Session) =>
      s.state.resources.find((r) => r.type === PASSWORD_TYPE && r.name === "deploy-pull-password1")?.outputs ?? {};

    async function clean() {
      const session = bed().session({ program: PROGRAM, config: CONFIG });
      const first = await session.up();
      // A fresh stack: nothing to report, and the password TokenPassword generated is no drift on the token.
      await session.preview({ refresh: true, expectNoChanges: true });
      return { session, first };
    }

    it("a password regenerated out of band: the check fails naming the password, refresh says when, up generates ours again", async () => {
      const { session, first } = await clean();
      const theirs = await bed().harness.arm.registries.generateCredentials(RG, REGISTRY, { tokenId: bed().tokenId(TOKEN), name: "password1" }, { updateIntervalInMs: 0 });
      await assert.rejects(session.preview({ refresh: true, expectNoChanges: true }), (err: Error) => {
        assert.match(err.message, /^preview --expect-no-changes: the plan has changes:\n {2}replace urn:.*TokenPassword::deploy-pull-password1$/m);
        return true;
      });
      const refreshed = await session.refresh();
      assert.equal(planByName(refreshed.plan)[PASSWORD], "update");
      const at = theirs.passwords?.find((p) => p.name === "password1")?.creationTime?.toISOString();
      assert.equal(passwordState(session)["drift"], `password1 was regenerated out of band at ${at}`);
      const repaired = await session.up();
      assert.equal(planByName(repaired.plan)[PASSWORD], "replace");
      assert.deepEqual(logsIn(TOKEN, repaired.outputs["deployPassword"]), { ok: true, slot: "password1" });
      assert.ok(reveal(repaired.outputs["deployPassword"]) !== reveal(first.outputs["deployPassword"]), "the repair kept the old deployPassword (not printed)");
      assert.equal(repaired.outputs["drift"], null);
      await session.preview({ refresh: true, expectNoChanges: true });
    });

    it("the token disabled and its scope map's actions edited out of band: both fail the check; up restores them and the same password logs in again", async () => {
      const { session, first } = await clean();
      await bed().harness.arm.tokens.update(RG, REGISTRY, TOKEN, { status: "disabled" }, { updateIntervalInMs: 0 });
      await bed().harness.arm.scopeMaps.update(RG, REGISTRY, "deploy-pull-scope-map", { actions: ["repositories/app/content/read"] }, { updateIntervalInMs: 0 });
      const plan = planByName((await session.preview({ refresh: true })).plan);
      assert.equal(plan["pulumi-nodejs:dynamic/acr-tokens:TokenSettings::deploy-pull-settings"], "update");
      assert.equal(plan["azure-native:containerregistry:ScopeMap::deploy-pull-scope-map"], "update");
      assert.equal(plan[PASSWORD], "same", "a disabled token is reported, not answered with a new password");
      assert.equal(plan["azure-native:containerregistry:Token::deploy-pull"], "same", "the token itself is never PUT");
      await session.refresh();
      assert.equal(passwordState(session)["drift"], `token ${TOKEN} is disabled`);
      await session.up();
      assert.equal((await bed().harness.arm.tokens.get(RG, REGISTRY, TOKEN)).status, "enabled");
      assert.deepEqual((await bed().harness.arm.scopeMaps.get(RG, REGISTRY, "deploy-pull-scope-map")).actions, ["repositories/app/content/read", "repositories/app/metadata/read"]);
      assert.deepEqual(logsIn(TOKEN, first.outputs["deployPassword"]), { ok: true, slot: "password1" }, "the RegistryToken update kept the password");
      await session.preview({ refresh: true, expectNoChanges: true });
    });

    it("the rotation window reached on the clock: even a plain preview (no refresh) plans the new password; up renews it", async () => {
      const { session, first } = await clean();
      bed().emu.clock.advance({ days: 77 }); // 90-day password, 14-day window: due from day 76
      const plan = planByName((await session.preview()).plan);
      assert.equal(plan[PASSWORD], "replace");
      await session.refresh();
      assert.match(String(passwordState(session)["drift"]), /^password1 expires at \S+ — inside the 14-day rotation window$/);
      const renewed = await session.up();
      assert.deepEqual(logsIn(TOKEN, renewed.outputs["deployPassword"]), { ok: true, slot: "password1" });
      assert.ok(reveal(renewed.outputs["deployPassword"]) !== reveal(first.outputs["deployPassword"]), "the renewal kept the old deployPassword (not printed)");
      assert.ok(Date.parse(renewed.outputs["deployPasswordExpiry"] as string) - bed().emu.clock.now().getTime() > 89 * 86_400_000);
      await session.preview({ refresh: true, expectNoChanges: true });
    });
  });
});
