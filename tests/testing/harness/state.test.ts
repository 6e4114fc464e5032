import * as assert from "node:assert/strict";
import { dependencyOrder } from "../../../testing/harness/engine";
import { applyIgnoreChanges, deepEqual, parsePropertyPath, redacted, secret, withoutResourceReferences, type ResourceState } from "../../../testing/harness/state";

describe("harness state helpers", () => {
  it("parses ignoreChanges paths with dots, indexes and quoted keys", () => {
    assert.deepEqual(parsePropertyPath("credentials"), ["credentials"]);
    assert.deepEqual(parsePropertyPath("credentials.passwords[1].name"), ["credentials", "passwords", 1, "name"]);
    assert.deepEqual(parsePropertyPath('tags["a.b"]'), ["tags", "a.b"]);
  });

  it("ignoreChanges takes the old inputs' value, or drops the property the old inputs lacked (the engine's processIgnoreChanges)", () => {
    const olds = { status: "enabled", credentials: { passwords: [{ name: "password1" }] } };
    const news = { status: "disabled", scopeMapId: "/new", extra: 1 };
    assert.deepEqual(applyIgnoreChanges(news, olds, ["status", "credentials", "scopeMapId"]), {
      status: "enabled",
      credentials: { passwords: [{ name: "password1" }] },
      extra: 1,
    });
    assert.deepEqual(news, { status: "disabled", scopeMapId: "/new", extra: 1 }, "the program's inputs must not be modified");
    assert.deepEqual(applyIgnoreChanges({ a: { b: 2, c: 3 } }, { a: { b: 1 } }, ["a.b", "a.c"]), { a: { b: 1 } });
  });

  it("compares secrets by value and ignores undefined members", () => {
    assert.ok(deepEqual({ a: secret("x"), b: undefined }, { a: "x" }));
    assert.ok(!deepEqual({ a: [1, 2] }, { a: [2, 1] }));
  });

  it("sends a resource reference as its id (custom) or URN (component)", () => {
    const ref = (o: Record<string, string>) => ({ "4dabf18193072939515e22adb298388d": "5cf8f73096256a8f31e491e813e4eb8e", ...o });
    assert.deepEqual(withoutResourceReferences({ t: ref({ urn: "urn:x", id: "/id" }), c: [ref({ urn: "urn:c" })] }), { t: "/id", c: ["urn:c"] });
  });

  it("redacts every secret in a state", () => {
    const state = { resources: [], outputs: { password: secret("hunter2-value"), user: "u" } };
    assert.deepEqual(redacted(state), { resources: [], outputs: { password: "[secret]", user: "u" } });
  });

  it("orders resources after their parent and dependencies, keeping registration order otherwise", () => {
    const r = (urn: string, parent = "", dependencies: string[] = []): ResourceState => ({
      urn, type: "t", name: urn, kind: "other", custom: true, id: urn, inputs: {}, outputs: {}, parent, dependencies,
      ignoreChanges: [], additionalSecretOutputs: [], deleteBeforeReplace: false,
    });
    const order = dependencyOrder([r("password", "", ["token"]), r("token", "component"), r("component"), r("other")]).map((x) => x.urn);
    assert.deepEqual(order, ["component", "token", "password", "other"]);
  });
});
