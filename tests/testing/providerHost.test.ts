import * as assert from "node:assert/strict";
import { HostCallError, isSecret, reveal, secret, withProvider, type ProviderHost } from "../../testing/providerHost";
import { sharedConfigHost } from "../provider/setup";

/**
 * The harness itself, with a hand-written provider text (the form the SDK's serializer produces:
 * a module whose `handler()` returns the provider). It never returns a secret's value, only facts about it.
 */
const PROBE = `
let config;
exports.handler = () => ({
  async configure(req) { config = req.config; },
  async check(olds, news) {
    return { inputs: { ...news, sawPlainString: typeof news.apiKey === "string" } };
  },
  async create(inputs) {
    if (inputs.mode === "partial") {
      const e = new Error("created, but it did not become ready");
      e.id = "probe-1";
      e.properties = { state: "half" };
      e.reasons = ["not ready"];
      throw e;
    }
    return { id: "probe-1", outs: { configured: config.get("acr-tokens:accessToken") !== undefined, apiKey: inputs.apiKey } };
  },
});
`;
const TYPE = "pulumi-nodejs:dynamic/acr-tokens-test:Probe";

describe("provider-host harness", function () {
  // Uses the shared emulator and spawned dynamic-provider host (ts-node): a few seconds on 2 cores.
  this.timeout(30_000);
  let host: ProviderHost;

  before(async () => {
    ({ host } = await sharedConfigHost());
  });

  it("strips secrets from inputs as the engine does, and marks outputs whose input was secret", async () => {
    const { inputs } = await host.check(TYPE, "probe", {}, withProvider(PROBE, { apiKey: secret("k-123") }));
    assert.equal(inputs["sawPlainString"], true, "the provider must receive the plain value");
    assert.ok(isSecret(inputs["apiKey"]), "check's result for a secret input is secret again");
    const { outs } = await host.create(TYPE, "probe", withProvider(PROBE, { apiKey: secret("k-123") }));
    assert.ok(isSecret(outs["apiKey"]));
    assert.equal(reveal(outs["apiKey"]), "k-123");
    assert.equal(outs["configured"], true, "Configure's secret stack config reached the provider unwrapped");
  });

  it("decodes a partial failure (ErrorResourceInitFailed in grpc-status-details-bin)", async () => {
    await assert.rejects(host.create(TYPE, "probe", withProvider(PROBE, { mode: "partial" })), (err: unknown) => {
      assert.ok(err instanceof HostCallError);
      assert.equal(err.message, "created, but it did not become ready");
      assert.deepEqual(err.initFailure, { id: "probe-1", properties: { state: "half" }, reasons: ["not ready"] });
      return true;
    });
  });
});
