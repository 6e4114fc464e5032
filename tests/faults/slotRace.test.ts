import * as assert from "node:assert/strict";
import { PASSWORD_TYPE, REGISTRY, RG, createPassword } from "../provider/setup";
import { useFaultBed } from "./bed";
import { recordFigure } from "./figures";

/**
 * A delete of one slot (GET the token, PATCH the names to keep) racing a create on the other slot in
 * the same provider process — what the engine does in one `pulumi up` for a rotation or a replacement
 * of older state. ARM takes its time on the PATCH (latency fault), so without serialization the
 * create's generateCredentials lands between the GET and the PATCH and the PATCH drops it.
 */
describe("faults: slot writes of one token are serialized in a provider process", function () {
  // Spawns the dynamic-provider host under ts-node (seconds on 2 cores).
  this.timeout(120_000);

  const { bed, host } = useFaultBed();

  it("delete of one slot in parallel with a create on the other, ARM slow to PATCH: the new password survives, every round", async () => {
    const tokenId = await bed().createToken("race-token");
    let current = await createPassword(host(), "race-0", { tokenId, slot: "password2" });
    for (let round = 1; round <= 4; round++) {
      const oldSlot = current.outs["slot"] as string;
      const newSlot = oldSlot === "password1" ? "password2" : "password1";
      bed().emu.faults.add({ method: "PATCH", route: "/tokens/race-token", fault: { kind: "latency", ms: 400 } });
      const [, created] = await Promise.all([host().delete(PASSWORD_TYPE, `race-${round - 1}`, current.id, current.outs), createPassword(host(), `race-${round}`, { tokenId, slot: newSlot })]);
      const token = await bed().sdk.tokens.get(RG, REGISTRY, "race-token");
      const names = (token.credentials?.passwords ?? []).map((p) => p.name).sort();
      assert.deepEqual(names, [newSlot], `round ${round}: the registry holds ${JSON.stringify(names)}; the password just generated on ${newSlot} was dropped by the delete's PATCH`);
      const held = token.credentials!.passwords!.find((p) => p.name === newSlot)!;
      assert.equal(held.creationTime?.toISOString(), created.outs["creationTime"], `round ${round}: the slot holds another password than state`);
      current = created;
    }
    recordFigure("faults", "delete racing a create on the other slot (slow PATCH)", 4);
  });
});
