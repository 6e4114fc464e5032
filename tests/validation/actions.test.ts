import * as assert from "node:assert/strict";
import { editDistance, nearest } from "../../components/common/problems";
import { checkRepositoryName, checkScope, MAX_SCOPE_MAP_ACTIONS } from "../../components/validation";

describe("checkScope", () => {
  it("builds repositories/<repo>/<action> and gateway/<name>/<action>, de-duplicated and sorted", () => {
    const { actions, problems } = checkScope({
      repositories: { "team/app": ["metadata/read", "content/read", "content/read"], app: ["content/write"] },
      gateways: { edge01: ["message/write", "config/read"] },
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(actions, [
      "gateway/edge01/config/read",
      "gateway/edge01/message/write",
      "repositories/app/content/write",
      "repositories/team/app/content/read",
      "repositories/team/app/metadata/read",
    ]);
  });

  it("gives the same list for reordered keys and actions", () => {
    const a = checkScope({ repositories: { b: ["content/read", "metadata/read"], a: ["content/write"] }, gateways: { edge02: ["config/read"], edge01: ["config/write"] } });
    const b = checkScope({ gateways: { edge01: ["config/write"], edge02: ["config/read"] }, repositories: { a: ["content/write"], b: ["metadata/read", "content/read"] } });
    assert.deepEqual(a.actions, b.actions);
  });

  it("keeps a trailing wildcard as ACR expects it", () => {
    assert.deepEqual(checkScope({ repositories: { "team/*": ["content/read"] } }).actions, ["repositories/team/*/content/read"]);
  });

  it("accepts exactly the maximum number of actions and refuses one more", () => {
    const grants = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`repo${i}`, ["content/read"]]));
    assert.equal(checkScope({ repositories: grants(MAX_SCOPE_MAP_ACTIONS) }).problems.length, 0);
    assert.equal(checkScope({ repositories: grants(MAX_SCOPE_MAP_ACTIONS + 1) }).problems.length, 1);
  });

  it("counts distinct actions only: duplicates do not reach the limit", () => {
    const many = Array.from({ length: 600 }, () => "content/read");
    assert.deepEqual(checkScope({ repositories: { app: many } }), { actions: ["repositories/app/content/read"], problems: [] });
  });
});

describe("checkRepositoryName", () => {
  for (const valid of ["app", "team/app", "a.b_c__d--e", "team/sub/app", "team/*", "x".repeat(255)]) {
    it(`accepts ${JSON.stringify(valid.length > 20 ? `${valid.slice(0, 5)}… (${valid.length})` : valid)}`, () => {
      assert.deepEqual(checkRepositoryName(valid, "repositories"), []);
    });
  }
  for (const invalid of ["", "app/", "/app", "a..b", "a___b", "-app", "app-", "team//app", "app:latest", "x".repeat(256)]) {
    it(`refuses ${JSON.stringify(invalid.length > 20 ? `${invalid.slice(0, 5)}… (${invalid.length})` : invalid)}`, () => {
      assert.equal(checkRepositoryName(invalid, "repositories").length, 1);
    });
  }
});

describe("nearest", () => {
  const actions = ["content/read", "content/write", "content/delete", "metadata/read", "metadata/write"];
  it("suggests the closest action for a typo", () => {
    assert.equal(nearest("content/reed", actions), "content/read");
    assert.equal(nearest("metdata/write", actions), "metadata/write");
    assert.equal(nearest("CONTENT/READ", actions), "content/read");
  });
  it("suggests nothing when no candidate is close", () => {
    assert.equal(nearest("pull", actions), undefined);
  });
  it("measures Levenshtein distance", () => {
    assert.equal(editDistance("kitten", "sitting"), 3);
    assert.equal(editDistance("", "abc"), 3);
    assert.equal(editDistance("same", "same"), 0);
  });
});
