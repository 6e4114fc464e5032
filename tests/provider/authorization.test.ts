import * as assert from "node:assert/strict";
import { ProviderHost, secret } from "../../testing/providerHost";
import { armCallsSince, createPassword, passwordNames, startTestBed, type ProviderTestBed } from "./setup";

/** ARM's 403 (no role assignment) through the host, with role assignments enforced by the emulator. */
describe("TokenPassword when ARM refuses the caller (403)", function () {
  // One emulator and one spawned dynamic-provider host (ts-node): a few seconds on 2 cores.
  this.timeout(30_000);

  const CALLER = "7d0c2b9e-4f4b-4d8e-9c55-0dd5ca11e403";
  let bed: ProviderTestBed;
  let host: ProviderHost;
  let accessToken: string;

  before(async () => {
    bed = await startTestBed({ enforceRoleAssignments: true });
    accessToken = bed.emu.issueToken({ objectId: CALLER, expiresInSeconds: 6 * 3600 });
    host = await ProviderHost.start({ env: bed.hostEnv() });
    await host.configure({ "acr-tokens:accessToken": secret(accessToken) });
  });

  after(async () => {
    await host?.close();
    await bed?.close();
  });

  it("translates the 403 into what to grant, and works once the role is granted (same token, same host)", async () => {
    const tokenId = await bed.createToken("forbidden-token");
    bed.emu.identity.assignRole({ principalObjectId: CALLER, scope: bed.registryId, role: "Reader" });
    const mark = bed.emu.requests.length;
    await assert.rejects(createPassword(host, "forbidden", { tokenId }), (err: Error) => {
      assert.match(
        err.message,
        /^TokenPassword password1 of token "forbidden-token" \(registry "tokenregistry"\): registries\.generateCredentials was refused by ARM \(x-ms-request-id [\w-]+\)\. The identity of the access token from stack config acr-tokens:accessToken is not allowed to do this \(AuthorizationFailed, HTTP 403\)\. Grant it a role/,
      );
      assert.ok(!err.message.includes(accessToken));
      return true;
    });
    assert.deepEqual(
      armCallsSince(bed.emu, mark).map((r) => [r.operation, r.status]),
      [
        ["registries.get", 200],
        ["registries.generateCredentials", 403],
      ],
    );
    assert.deepEqual(await passwordNames(bed, "forbidden-token"), []);

    bed.emu.identity.assignRole({ principalObjectId: CALLER, scope: bed.registryId, role: "Contributor" });
    await createPassword(host, "allowed", { tokenId });
    assert.deepEqual(await passwordNames(bed, "forbidden-token"), ["password1"]);
    assert.ok(!host.stderr.includes(accessToken) && !host.stdout.includes(accessToken));
  });
});
