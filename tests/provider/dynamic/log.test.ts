import * as assert from "node:assert/strict";
import { ProviderHost, secret } from "../../../testing/providerHost";
import { createPassword, startTestBed, type ProviderTestBed } from "../setup";

/**
 * The provider logs through `pulumi.log`: the dynamic-provider host, driven over gRPC as the engine
 * drives it, sends its lines to the engine address it was started with (testing/providerHost.ts serves
 * the engine's Log method there), so `pulumi up` shows which credential was used and every warning.
 */
describe("provider log lines reach the engine's log stream", function () {
  // Each case spawns its own host under ts-node (a fresh process resolves its credential once): seconds on 2 cores.
  this.timeout(60_000);

  let bed: ProviderTestBed;
  const hosts: ProviderHost[] = [];
  before(async () => {
    bed = await startTestBed();
  });
  after(async () => {
    await Promise.all(hosts.map((h) => h.close()));
    await bed.close();
  });

  async function hostWith(accessToken: string): Promise<ProviderHost> {
    const host = await ProviderHost.start({ env: bed.hostEnv() });
    hosts.push(host);
    await host.configure({ "acr-tokens:accessToken": secret(accessToken) });
    return host;
  }

  it("names the credential source at info level, once, and never its value", async () => {
    const accessToken = bed.emu.issueToken({ expiresInSeconds: 6 * 3600 });
    const host = await hostWith(accessToken);
    const tokenId = await bed.createToken("log-token");
    await createPassword(host, "log-pw1", { tokenId });
    await createPassword(host, "log-pw2", { tokenId, slot: "password2" });
    await host.waitForLog((l) => l.message.includes("using"));
    assert.deepEqual(
      host.log.filter((l) => l.message.includes("using")),
      [{ severity: "info", message: "acr-tokens: using the access token from stack config acr-tokens:accessToken", urn: "" }],
    );
    for (const line of host.log) assert.ok(!line.message.includes(accessToken.slice(20, 60)), "a log line holds the access token");
  });

  it("sends the credential module's warnings at warning level (a token that is not a JWT cannot be pre-checked)", async () => {
    const opaque = "opaque-access-token-7f3a9c1e5b2d4f6a8c0e";
    const host = await hostWith(opaque);
    const tokenId = await bed.createToken("log-opaque");
    // ARM (the emulator) refuses the token; the warning was logged when the credential was resolved.
    await assert.rejects(createPassword(host, "log-opaque-pw", { tokenId }));
    const warning = await host.waitForLog((l) => l.severity === "warning");
    assert.match(warning.message, /^The access token from stack config acr-tokens:accessToken is not a JWT, so its expiry and audience cannot be checked/);
    assert.equal(host.log.filter((l) => l.severity === "warning").length, 1, JSON.stringify(host.log));
    for (const line of host.log) assert.ok(!line.message.includes(opaque), "a log line holds the access token");
  });
});
