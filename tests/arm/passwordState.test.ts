import * as assert from "node:assert/strict";
import { assessPassword, expiryState, PasswordState } from "../../components/arm/passwordState";
import { buildReport, Flag } from "../../cli/check";
import { assessDrift } from "../../components/provider/tokenPassword/drift";
import { diffTokenPassword } from "../../components/provider/tokenPassword/diff";
import { DriftCode, type TokenPasswordOutputs } from "../../components/provider/tokenPassword/types";

const DAY = 86_400_000;
const AT = new Date("2026-07-01T00:00:00.000Z");
const after = (ms: number) => new Date(AT.getTime() + ms).toISOString();

describe("arm/passwordState: one vocabulary, one assessment", () => {
  it("expired at or after the expiry, expiring within the window, disabled with its token; nothing wrong is valid", () => {
    assert.deepEqual(assessPassword({ expiry: after(0) }, AT, DAY), [PasswordState.Expired]);
    assert.deepEqual(assessPassword({ expiry: after(DAY) }, AT, DAY), [PasswordState.Expiring]);
    assert.deepEqual(assessPassword({ expiry: after(DAY + 1) }, AT, DAY), []);
    assert.deepEqual(assessPassword({ expiry: after(1) }, AT), [], "no window: never expiring");
    assert.deepEqual(assessPassword({ expiry: null, tokenStatus: "disabled" }, AT, DAY), [PasswordState.Disabled]);
    assert.deepEqual(assessPassword({ expiry: new Date(AT.getTime() - 1), tokenStatus: "disabled" }, AT), ["expired", "disabled"]);
    assert.deepEqual(assessPassword({ expiry: new Date(Number.NaN) }, AT, DAY), [], "an unreadable expiry is not a finding");
    assert.equal(expiryState(["expiring", "disabled"]), PasswordState.Expiring);
    assert.equal(expiryState([]), PasswordState.Valid);
  });

  it("DriftCode and the check's flags use PasswordState's words", () => {
    assert.equal(DriftCode.Expired, PasswordState.Expired);
    assert.equal(DriftCode.Expiring, PasswordState.Expiring);
    assert.equal(DriftCode.Disabled, PasswordState.Disabled);
    assert.deepEqual([Flag.Expired, Flag.Expiring, Flag.Disabled], [PasswordState.Expired, PasswordState.Expiring, PasswordState.Disabled]);
  });

  it("drift and acr-tokens check name the same states with the same words", () => {
    const token = { name: "ci-token", status: "disabled" as const, credentials: { passwords: [{ name: "password1" as const, creationTime: new Date("2026-06-01T00:00:00.000Z"), expiry: new Date(after(DAY)) }] } };
    const props: Partial<TokenPasswordOutputs> = { slot: "password1", creationTime: "2026-06-01T00:00:00.000Z", expiry: after(DAY), expiresInDays: 30, rotateBeforeExpiryDays: 2 };
    const drift = assessDrift(token, props, AT).driftCodes;
    const check = buildReport({
      registry: { id: "/r", name: "r", resourceGroup: "g", subscriptionId: "s" },
      credential: "test",
      tokens: [token],
      requested: [],
      now: AT,
      expiringWithin: "2d",
      expiringWithinMs: 2 * DAY,
    }).tokens[0]!.flags;
    assert.deepEqual(drift, [DriftCode.Expiring, DriftCode.Disabled]);
    assert.deepEqual(drift, ["expiring", "disabled"]);
    for (const code of drift) assert.ok(check.includes(code as never), `the check's flags ${JSON.stringify(check)} lack ${code}`);
  });

  it("state written with the previous names (inRotationWindow, tokenDisabled) diffs as before", () => {
    const tokenId = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/myregistry/tokens/ci-token";
    const olds: TokenPasswordOutputs = {
      tokenId, slot: "password1", expiry: after(60 * DAY), expiresInDays: 90, credential: null, username: "ci-token", password: "x",
      creationTime: "2026-06-01T00:00:00.000Z", loginServer: "myregistry.azurecr.io", rotateBeforeExpiryDays: 14, drift: null, driftCodes: [],
    };
    const news = { tokenId, slot: "password1" as const, expiresInDays: 90, rotateBeforeExpiryDays: 14 };
    const clean = diffTokenPassword(olds, news, AT);
    assert.deepEqual(diffTokenPassword({ ...olds, driftCodes: ["inRotationWindow", "tokenDisabled"] }, news, AT), clean);
  });
});
