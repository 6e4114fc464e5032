import * as assert from "node:assert/strict";
import { decodeJwtClaims } from "../../components/credential/jwt";

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString("base64url");
const jwt = (payload: Record<string, unknown>): string => `${b64({ alg: "RS256", typ: "JWT" })}.${b64(payload)}.c2lnbmF0dXJl`;

describe("decodeJwtClaims", () => {
  it("reads exp, nbf, aud and tid, and treats a non-JWT as opaque", () => {
    assert.deepEqual(decodeJwtClaims(jwt({ exp: 2000, nbf: 1000, aud: "https://management.azure.com", tid: "t1" })), {
      expiresOn: 2_000_000,
      notBefore: 1_000_000,
      audiences: ["https://management.azure.com"],
      tenantId: "t1",
    });
    assert.deepEqual(decodeJwtClaims(jwt({ aud: ["a", 7, "b"] }))?.audiences, ["a", "b"]);
    assert.equal(decodeJwtClaims("opaque-token"), undefined);
    assert.equal(decodeJwtClaims("a.b.c"), undefined);
  });

  it("decodes a token once while it stays the same (a provider resolves it on every call), and a new token afresh", () => {
    const first = jwt({ exp: 3000, aud: "https://management.azure.com" });
    const second = jwt({ exp: 4000, aud: "https://management.core.windows.net" });
    const a = decodeJwtClaims(first);
    assert.equal(decodeJwtClaims(first), a, "the same token must give the same (cached) claims");
    assert.ok(Object.isFrozen(a) && Object.isFrozen(a!.audiences), "shared claims must be frozen");
    assert.equal(decodeJwtClaims(second)?.expiresOn, 4_000_000);
    assert.equal(decodeJwtClaims(first)?.expiresOn, 3_000_000);
    assert.equal(decodeJwtClaims("opaque"), undefined);
    assert.equal(decodeJwtClaims("opaque"), undefined);
  });
});
