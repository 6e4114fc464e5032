import * as assert from "node:assert/strict";
import { reveal } from "../../testing/providerHost";
import { RG, REGISTRY } from "../provider/setup";
import type { FaultBed, PasswordState } from "./bed";

/**
 * The fault suite's one invariant: the registry holds exactly the passwords state says it holds.
 *
 * For every token named: the slots the emulator's token GET lists, with their creation times, equal
 * the slots state holds for that token, with the creation times state recorded (so nothing was lost,
 * duplicated, orphaned or regenerated behind state's back); and every password value state holds
 * logs in (`checkPassword`) as its slot. The emulator keeps one digest per slot, so a value state
 * holds that logs in also proves no other value of that slot does.
 *
 * `valuesFrom` (optional) limits the log-in check to the state entries created after an emulator
 * restart: the emulator keeps password digests in memory only (emulator/passwords.ts).
 * Failure messages name tokens, slots and times, never a password.
 */
export async function assertRegistryMatchesState(
  bed: FaultBed,
  tokens: readonly string[],
  state: PasswordState,
  options: { valuesFrom?: ReadonlySet<string> } = {},
): Promise<void> {
  for (const token of tokens) {
    const got = await bed.sdk.tokens.get(RG, REGISTRY, token);
    const inRegistry = (got.credentials?.passwords ?? [])
      .map((p) => `${p.name ?? "?"}@${p.creationTime?.toISOString() ?? "?"}`)
      .sort();
    const inState = [...state.values()]
      .filter((s) => String(s.outs["tokenId"]).toLowerCase() === bed.tokenId(token).toLowerCase())
      .map((s) => `${String(s.outs["slot"])}@${new Date(String(s.outs["creationTime"])).toISOString()}`)
      .sort();
    assert.deepEqual(inRegistry, inState, `token "${token}": the registry's passwords (left) differ from state's (right)`);
  }
  for (const [name, s] of state) {
    if (options.valuesFrom && !options.valuesFrom.has(name)) continue;
    const check = bed.emu.checkPassword(String(s.outs["tokenId"]), reveal<string>(s.outs["password"]));
    assert.ok(check.ok, `state's password of ${name} does not log in: ${check.ok ? "" : check.reason}`);
    assert.equal(check.ok && check.slot, s.outs["slot"], `state's password of ${name} logs in as another slot`);
  }
}
