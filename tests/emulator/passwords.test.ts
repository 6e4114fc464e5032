import * as assert from "node:assert/strict";
import { FAST_LRO, armClient, useEmulator } from "../../testing/emulator";

/** `emu.checkPassword`: the stand-in for `docker login` with a token password (emulator/passwords.ts). */
describe("emulator checkPassword (SHA-256 of generated passwords)", () => {
  const RG = "rg-pw";
  const REG = "pwregistry";
  const emulator = useEmulator({ seed: { resourceGroups: [{ name: RG }], registries: [{ resourceGroup: RG, name: REG }] } });

  async function tokenWithPassword(name: string, expiry?: Date): Promise<{ id: string; value: string }> {
    const sdk = armClient(emulator());
    const id = `/subscriptions/${emulator().subscriptionId}/resourceGroups/${RG}/providers/Microsoft.ContainerRegistry/registries/${REG}/tokens/${name}`;
    const scopeMapId = `/subscriptions/${emulator().subscriptionId}/resourceGroups/${RG}/providers/Microsoft.ContainerRegistry/registries/${REG}/scopeMaps/_repositories_pull`;
    await sdk.tokens.create(RG, REG, name, { scopeMapId, status: "enabled" }, FAST_LRO);
    const result = await sdk.registries.generateCredentials(RG, REG, { tokenId: id, name: "password1", ...(expiry ? { expiry } : {}) }, FAST_LRO);
    const value = result.passwords?.find((p) => p.name === "password1")?.value;
    assert.ok(value, "generateCredentials returned no value for password1");
    return { id, value };
  }

  it("accepts the generated password and refuses any other string", async () => {
    const { id, value } = await tokenWithPassword("pw-accept");
    assert.deepEqual(emulator().checkPassword(id, value), { ok: true, slot: "password1" });
    assert.deepEqual(emulator().checkPassword(id, `${value}x`), { ok: false, reason: "no-matching-password" });
  });

  it("refuses a password after its slot was regenerated, removed, or its token disabled or deleted", async () => {
    const sdk = armClient(emulator());
    const { id, value } = await tokenWithPassword("pw-refuse");
    await sdk.tokens.update(RG, REG, "pw-refuse", { status: "disabled" }, FAST_LRO);
    assert.deepEqual(emulator().checkPassword(id, value), { ok: false, reason: "token-disabled" });
    await sdk.tokens.update(RG, REG, "pw-refuse", { status: "enabled" }, FAST_LRO);
    assert.deepEqual(emulator().checkPassword(id, value), { ok: true, slot: "password1" });
    await sdk.registries.generateCredentials(RG, REG, { tokenId: id, name: "password1" }, FAST_LRO);
    assert.deepEqual(emulator().checkPassword(id, value), { ok: false, reason: "no-matching-password" });

    const second = await tokenWithPassword("pw-removed");
    await sdk.tokens.update(RG, REG, "pw-removed", { credentials: { passwords: [] } }, FAST_LRO);
    assert.deepEqual(emulator().checkPassword(second.id, second.value), { ok: false, reason: "no-matching-password" });
    await sdk.tokens.delete(RG, REG, "pw-removed", FAST_LRO);
    assert.deepEqual(emulator().checkPassword(second.id, second.value), { ok: false, reason: "token-not-found" });
  });

  it("refuses an expired password once the emulator clock passes its expiry", async () => {
    const expiry = new Date(emulator().clock.now().getTime() + 86_400_000);
    const { id, value } = await tokenWithPassword("pw-expiry", expiry);
    assert.deepEqual(emulator().checkPassword(id, value), { ok: true, slot: "password1" });
    emulator().clock.advance({ days: 1, seconds: 1 });
    assert.deepEqual(emulator().checkPassword(id, value), { ok: false, reason: "expired" });
  });
});
