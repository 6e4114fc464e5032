import * as assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { InvalidArgumentsError, RotatingTokenPassword } from "acr-tokens";
import { planRotation } from "../../components/rotatingTokenPassword";
import type { RotationSchedule } from "../../components/validation/rotatingTokenPasswordArgs";
import { recorder, SUBSCRIPTION_ID, useMocks, valueOf } from "../../testing/mocks";

const DAY_MS = 86_400_000;
const PASSWORD_TYPE = "pulumi-nodejs:dynamic/acr-tokens:TokenPassword";
const TOKEN_ID = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/contoso/tokens/ci-pull`;

describe("RotatingTokenPassword", () => {
  describe("planRotation (the schedule)", () => {
    const weekly: RotationSchedule = { periodMs: 7 * DAY_MS, graceMs: DAY_MS };

    it("places an instant in its period: slot by parity, expiries from each slot's latest period, next rotation", () => {
      // 2027-01-07T00:00Z is day 20825 since 1970 = period 2975 exactly (odd: password2's turn).
      const plan = planRotation(weekly, new Date("2027-01-08T06:00:00Z"));
      assert.equal(plan.period, 2975);
      assert.equal(plan.current, "password2");
      assert.deepEqual(plan.expiry, {
        password2: "2027-01-22T00:00:00.000Z", // start(2975) + 2 weeks + 1 day
        password1: "2027-01-15T00:00:00.000Z", // start(2974) + 2 weeks + 1 day
      });
      assert.equal(plan.nextRotation, "2027-01-14T00:00:00.000Z");
    });

    it("over two years of hourly instants: one slot changes per boundary, the newest lives two periods, the previous outlives the next rotation", () => {
      for (const schedule of [weekly, { periodMs: 38 * DAY_MS, graceMs: 14 * DAY_MS }, { periodMs: 1.5 * DAY_MS, graceMs: 3 * DAY_MS }]) {
        const { periodMs, graceMs } = schedule;
        let last = planRotation(schedule, new Date("2027-01-01T00:00:00Z"));
        for (let t = Date.parse("2027-01-01T01:00:00Z"); t < Date.parse("2029-01-01T00:00:00Z"); t += 3_600_000) {
          const plan = planRotation(schedule, new Date(t));
          const changed = (["password1", "password2"] as const).filter((s) => plan.expiry[s] !== last.expiry[s]);
          if (plan.period === last.period) assert.deepEqual(changed, [], `${new Date(t).toISOString()}: a slot changed inside a period`);
          else assert.deepEqual(changed, [plan.current], `${new Date(t).toISOString()}: the turn must change only the current slot`);
          const newest = Date.parse(plan.expiry[plan.current]);
          const previous = Date.parse(plan.expiry[plan.current === "password1" ? "password2" : "password1"]);
          assert.ok(newest - t > periodMs + graceMs, "the newest password lives more than a period plus the grace");
          assert.equal(previous, Date.parse(plan.nextRotation) + graceMs, "the previous one lasts until the next rotation plus the grace");
          assert.ok(previous > t, "the previous password has not expired");
          last = plan;
        }
      }
    });
  });

  describe("the component (under mocks)", () => {
    useMocks();
    let dir = "";
    const saved = process.env.ACR_TOKENS_CLOCK_FILE;
    before(() => {
      // The component reads "now" as the provider does: from ACR_TOKENS_CLOCK_FILE when set.
      dir = mkdtempSync(path.join(tmpdir(), "acr-tokens-rotating-"));
      const clock = path.join(dir, "clock");
      writeFileSync(clock, "2027-01-08T06:00:00.000Z");
      process.env.ACR_TOKENS_CLOCK_FILE = clock;
    });
    after(() => {
      if (saved === undefined) delete process.env.ACR_TOKENS_CLOCK_FILE;
      else process.env.ACR_TOKENS_CLOCK_FILE = saved;
      rmSync(dir, { recursive: true, force: true });
    });

    it("registers one TokenPassword per slot, parented and named after the component, each with its slot's fixed expiry", async () => {
      const rotating = new RotatingTokenPassword("ci", { token: { id: pulumi.output(TOKEN_ID) }, rotationPeriodDays: 7, credential: "accessToken" });
      // Resolves once both children are registered.
      await valueOf(rotating.previousPassword);
      assert.equal(await valueOf(rotating.nextRotation), "2027-01-14T00:00:00.000Z");
      assert.equal(await valueOf(rotating.currentSlot), "password2");
      const component = recorder.findCreatedResource("acr-tokens:index:RotatingTokenPassword", "ci");
      assert.equal(component.inputs["token"], TOKEN_ID, "the component input is the token id, never a resource");
      const expected = { password1: "2027-01-15T00:00:00.000Z", password2: "2027-01-22T00:00:00.000Z" };
      for (const slot of ["password1", "password2"] as const) {
        const child = recorder.findCreatedResource(PASSWORD_TYPE, `ci-${slot}`);
        assert.equal(child.parent, component.urn);
        assert.deepEqual(
          { tokenId: child.inputs["tokenId"], slot: child.inputs["slot"], expiry: child.inputs["expiry"], credential: child.inputs["credential"] },
          { tokenId: TOKEN_ID, slot, expiry: expected[slot], credential: "accessToken" },
        );
        assert.deepEqual(child.additionalSecretOutputs, ["password"]);
      }
      assert.ok(await pulumi.isSecret(rotating.password), "password must be secret");
      assert.ok(await pulumi.isSecret(rotating.previousPassword), "previousPassword must be secret");
      const outputs = await recorder.registeredOutputs(component.urn ?? "");
      assert.deepEqual(Object.keys(outputs).sort(), [
        "currentSlot",
        "loginServer",
        "nextRotation",
        "password",
        "passwordExpiry",
        "previousPassword",
        "previousPasswordExpiry",
        "username",
      ]);
    });

    it("throws InvalidArgumentsError for a plain invalid schedule before registering anything", () => {
      assert.throws(
        () => new RotatingTokenPassword("bad", { token: TOKEN_ID, rotationPeriodDays: 30, rotateBeforeExpiryDays: 7 }),
        (err: Error) => err instanceof InvalidArgumentsError && /^RotatingTokenPassword "bad": rotationPeriodDays and expiresInDays\/rotateBeforeExpiryDays are mutually exclusive/.test(err.message),
      );
      assert.equal(recorder.ofType(PASSWORD_TYPE).length, 0);
    });
  });
});
