import * as assert from "node:assert/strict";
import { planByName, reveal } from "../../testing/harness";
import { REGISTRY, RG, useE2eBed } from "./fixture";

const PLAIN = "tests/e2e/programs/plainToken.ts";
const TOKEN = "azure-native:containerregistry:Token::plain";
const CONFIG = { registryName: REGISTRY, resourceGroupName: RG };

/**
 * Control: the same harness, with a token made by a PLAIN azure-native Token (no RegistryToken), loses
 * its passwords exactly as ../shared/acr/README.md §11 predicts. This proves the harness reproduces the
 * token-PUT hazard rather than hiding it, so the quickstart scenarios' "passwords survive" means something.
 */
describe("e2e control: a plain azure-native Token through the harness loses its passwords", function () {
  // Spawned peers: the dynamic-provider host (node + ts-node) and the first closure serialization.
  this.timeout(120_000);
  const bed = useE2eBed("acr-tokens-e2e-plain");

  const passwordNames = async () =>
    ((await bed().harness.arm.tokens.get(RG, REGISTRY, "plain-token")).credentials?.passwords ?? []).map((p) => p.name);

  it("refresh, then up with an unchanged program: azure-native plans an update and its PUT wipes the password", async () => {
    const session = bed().session({ program: PLAIN, config: CONFIG });
    const first = await session.up();
    const password = reveal<string>(first.outputs["password"]);
    assert.deepEqual(await passwordNames(), ["password1"]);
    assert.equal(bed().emu.checkPassword(bed().tokenId("plain-token"), password).ok, true);

    await session.refresh();
    const preview = await session.preview();
    assert.equal(planByName(preview.plan)[TOKEN], "update", "after refresh the passwords are in the Token's inputs, so azure-native plans to remove them");
    const second = await session.up();
    assert.equal(planByName(second.plan)[TOKEN], "update");
    assert.deepEqual(await passwordNames(), [], "the PUT from the program's inputs must wipe the generated password");
    assert.deepEqual(bed().emu.checkPassword(bed().tokenId("plain-token"), password), { ok: false, reason: "no-matching-password" });
  });

  it("a status change without any refresh: the update is a PUT without credentials, which wipes the password", async () => {
    const session = bed().session({ program: PLAIN, config: CONFIG });
    const first = await session.up();
    const password = reveal<string>(first.outputs["password"]);
    session.config = { ...session.config, status: "disabled" };
    const second = await session.up();
    assert.equal(planByName(second.plan)[TOKEN], "update");
    assert.deepEqual(await passwordNames(), []);
    session.config = { ...session.config, status: "enabled" };
    await session.up();
    assert.deepEqual(bed().emu.checkPassword(bed().tokenId("plain-token"), password), { ok: false, reason: "no-matching-password" });
  });
});
