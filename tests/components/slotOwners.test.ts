import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { RotatingTokenPassword, TokenPassword } from "acr-tokens";
import { claimSlotWhenKnown, DuplicateSlotOwnerErrorName } from "../../components/slotOwners";
import { SUBSCRIPTION_ID, useMocks } from "../../testing/mocks";

const tokenId = (name: string) => `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/contoso/tokens/${name}`;

/** Two owners of one slot regenerate each other's password on every run: the program is refused, naming both. */
describe("slot ownership: one owner per token and slot in a program", () => {
  useMocks();

  it("two TokenPasswords on the same token and slot: the second names both resources and the fix", () => {
    new TokenPassword("first", { token: tokenId("dup-one") });
    assert.throws(() => new TokenPassword("second", { token: tokenId("DUP-ONE"), slot: "password1" }), (err: Error) => {
      assert.equal(err.name, DuplicateSlotOwnerErrorName);
      assert.equal(
        err.message,
        'TokenPassword "second" and TokenPassword "first" both own password1 of token "DUP-ONE": each run would regenerate one and kill the other\'s password, forever. ' +
          'Give each resource its own slot (slot: "password2" on one of them), or remove one; a RotatingTokenPassword owns both slots of its token, so nothing else may own either.',
      );
      return true;
    });
  });

  it("a TokenPassword next to a RotatingTokenPassword on the same token: refused, naming the rotating one", () => {
    new TokenPassword("manual", { token: tokenId("dup-two"), slot: "password2" });
    assert.throws(() => new RotatingTokenPassword("rotating", { token: tokenId("dup-two"), rotationPeriodDays: 30 }), (err: Error) => {
      assert.equal(err.name, DuplicateSlotOwnerErrorName);
      assert.match(err.message, /^RotatingTokenPassword "rotating" \(its child TokenPassword "rotating-password2"\) and TokenPassword "manual" both own password2 of token "dup-two"/);
      return true;
    });
  });

  it("both slots of one token, or one slot of two tokens: allowed", () => {
    new TokenPassword("a1", { token: tokenId("ok-one"), slot: "password1" });
    new TokenPassword("a2", { token: tokenId("ok-one"), slot: "password2" });
    new TokenPassword("b1", { token: tokenId("ok-two"), slot: "password1" });
  });

  it("a token id known only later (an Output): the claim fails when it resolves", async () => {
    const first = claimSlotWhenKnown(pulumi.output(tokenId("late")), "password1", 'TokenPassword "early"');
    const second = claimSlotWhenKnown(pulumi.output(tokenId("late")), pulumi.output("password1"), 'TokenPassword "later"');
    assert.ok(first && second);
    const settle = (o: pulumi.Output<void>) => (o as unknown as { promise(): Promise<void> }).promise();
    await settle(first);
    await assert.rejects(settle(second), { name: DuplicateSlotOwnerErrorName, message: /^TokenPassword "later" and TokenPassword "early" both own password1 of token "late"/ });
  });

  it("a secret passed by mistake as the token id (an Output, unchecked when claimed) is described, never quoted", async () => {
    const pasted = "aB3dE5fG7hJ9kL1mN2pQ4rS6";
    const settle = (o: pulumi.Output<void>) => (o as unknown as { promise(): Promise<void> }).promise();
    await settle(claimSlotWhenKnown(pulumi.output(pasted), pulumi.output(pasted), 'TokenPassword "one"')!);
    await assert.rejects(settle(claimSlotWhenKnown(pulumi.output(pasted), pulumi.output(pasted), 'TokenPassword "two"')!), (err: Error) => {
      assert.equal(err.name, DuplicateSlotOwnerErrorName);
      assert.ok(!err.message.includes(pasted), "the pasted value must not be quoted");
      assert.match(err.message, /^TokenPassword "two" and TokenPassword "one" both own a 24-character value .* of token a 24-character value/);
      return true;
    });
  });
});
