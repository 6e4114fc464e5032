import * as assert from "node:assert/strict";

describe("toolchain", () => {
  it("runs on the Node LTS from node_modules/.bin", () => {
    assert.equal(process.versions.node.split(".")[0], "24");
  });
});
