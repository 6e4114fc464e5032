import * as assert from "node:assert/strict";
import { allowedActions, grantAccess, parseScopes, repositoryMatches } from "../../../emulator/dataplane/scopes";

describe("emulator data plane: scope maps → registry access (emulator/dataplane/scopes.ts)", () => {
  it("parses repository and registry scopes, also several in one value, and drops malformed ones", () => {
    assert.deepEqual(parseScopes(["repository:app:pull,push", "registry:catalog:*"]), [
      { type: "repository", name: "app", actions: ["pull", "push"] },
      { type: "registry", name: "catalog", actions: ["*"] },
    ]);
    assert.deepEqual(parseScopes(["repository:team/api:pull repository:x:push"]), [
      { type: "repository", name: "team/api", actions: ["pull"] },
      { type: "repository", name: "x", actions: ["push"] },
    ]);
    // A registry host with a port in the name is still split at the first and last colon.
    assert.deepEqual(parseScopes(["repository:a:b:pull"]), [{ type: "repository", name: "a:b", actions: ["pull"] }]);
    assert.deepEqual(parseScopes(["", "repository", "repository:app", "repository::pull", "repository:app:"]), []);
  });

  it("matches exact names, prefix/* at any depth below the prefix, and * everywhere", () => {
    assert.equal(repositoryMatches("app", "app"), true);
    assert.equal(repositoryMatches("app", "App"), true);
    assert.equal(repositoryMatches("app", "app2"), false);
    assert.equal(repositoryMatches("team/*", "team/api"), true);
    assert.equal(repositoryMatches("team/*", "team/web/frontend"), true);
    assert.equal(repositoryMatches("team/*", "team"), false);
    assert.equal(repositoryMatches("team/*", "teammate"), false);
    assert.equal(repositoryMatches("*", "anything/at/all"), true);
  });

  it("maps each ACR action to its registry action", () => {
    const map = ["content/read", "content/write", "content/delete", "metadata/read", "metadata/write"].map((a) => `repositories/app/${a}`);
    assert.deepEqual([...allowedActions(map, "app")].sort(), ["delete", "metadata_read", "metadata_write", "pull", "push"]);
    assert.deepEqual([...allowedActions(map, "other")], []);
    assert.deepEqual([...allowedActions(["gateway/edge/config/read", "repositories/app/bogus/read"], "app")], []);
  });

  it("grants the requested actions the map allows, nothing else, and drops scopes granting nothing", () => {
    const map = ["repositories/app/content/read", "repositories/team/*/content/write", "repositories/team/*/content/read"];
    assert.deepEqual(grantAccess(map, parseScopes(["repository:app:pull,push"])), [{ type: "repository", name: "app", actions: ["pull"] }]);
    assert.deepEqual(grantAccess(map, parseScopes(["repository:team/api:*"])), [{ type: "repository", name: "team/api", actions: ["pull", "push"] }]);
    assert.deepEqual(grantAccess(map, parseScopes(["repository:other:pull", "repository:app:delete"])), []);
  });

  it("adds metadata_read to a pull only when the map has metadata/read", () => {
    assert.deepEqual(grantAccess(["repositories/app/content/read", "repositories/app/metadata/read"], parseScopes(["repository:app:pull"])), [
      { type: "repository", name: "app", actions: ["pull", "metadata_read"] },
    ]);
    assert.deepEqual(grantAccess(["repositories/app/metadata/read"], parseScopes(["repository:app:pull"])), [{ type: "repository", name: "app", actions: ["metadata_read"] }]);
  });

  it("grants the catalog only to maps reading metadata of every repository", () => {
    const catalog = parseScopes(["registry:catalog:*"]);
    assert.deepEqual(grantAccess(["repositories/*/metadata/read"], catalog), [{ type: "registry", name: "catalog", actions: ["*"] }]);
    assert.deepEqual(grantAccess(["repositories/team/*/metadata/read", "repositories/*/content/read"], catalog), []);
  });
});
