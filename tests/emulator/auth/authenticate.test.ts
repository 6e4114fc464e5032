import * as assert from "node:assert/strict";
import { ManualClock } from "../../../emulator/clock";
import { createIdentityService, DEFAULT_TEST_OBJECT_ID } from "../../../emulator/auth";
import type { AuthFailure, IdentityService, Principal } from "../../../emulator/auth/types";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const OTHER_TENANT = "f8cdef31-a31e-4b4a-93e4-5f571e91255a";
const BASE = "https://127.0.0.1:44321";
const AUTHORITY = `${BASE}/${TENANT}`;

function isFailure(r: Principal | AuthFailure): r is AuthFailure {
  return "status" in r;
}

/** Authenticates `header` and returns the failure, asserting that neither message nor header repeats the token. */
function failure(identity: IdentityService, header: string | undefined, tenant = TENANT): AuthFailure {
  const r = identity.authenticate(header, tenant);
  assert.ok(isFailure(r), "expected an authentication failure");
  const token = header?.replace(/^\S+\s+/, "") ?? "";
  if (token.length > 8) {
    // Any 16-character slice of the token (a JWT part) would be a leak.
    for (let i = 0; i + 16 <= token.length; i += 16) {
      const slice = token.slice(i, i + 16);
      assert.ok(!r.message.includes(slice), "message contains part of the token");
      assert.ok(!(r.wwwAuthenticate ?? "").includes(slice), "WWW-Authenticate contains part of the token");
    }
  }
  return r;
}

function wwwAuthenticate(description: string, tenant = TENANT): string {
  return `Bearer authorization_uri="${BASE}/${tenant}", error="invalid_token", error_description="${description}"`;
}

describe("emulator identity: authenticate (ARM bearer validation)", () => {
  // One service (one RSA key) for the file; each test starts from the same emulator time.
  const clock = new ManualClock({ start: "2026-11-23T01:00:00Z", frozen: true });
  const identity = createIdentityService({ tenantId: TENANT, clock });
  identity.setBaseUrl(`${BASE}/`);
  beforeEach(() => clock.set("2026-11-23T01:00:00Z"));

  /** Runs `fn` and returns how much each counter of identity.stats moved. */
  function statsDelta(fn: () => void): Record<string, number> {
    const before = { ...identity.stats };
    fn();
    const after: Record<string, number> = { ...identity.stats };
    return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before as Record<string, number>)[k]!]).filter(([, d]) => d !== 0));
  }

  it("accepts a token from issueToken and returns the principal from its claims", () => {
    const moved = statsDelta(() => {
      const user = identity.authenticate(`Bearer ${identity.issueToken()}`, TENANT);
      assert.deepEqual(user, { objectId: DEFAULT_TEST_OBJECT_ID, tenantId: TENANT, kind: "user" });
      const app = identity.authenticate(`bearer ${identity.issueToken({ clientId: "app-1", objectId: "oid-1" })}`, TENANT.toUpperCase());
      assert.deepEqual(app, { objectId: "oid-1", tenantId: TENANT, clientId: "app-1", kind: "servicePrincipal" });
    });
    assert.deepEqual(moved, { issueToken: 2, authenticated: 2 });
  });

  it("accepts each of ARM's four audiences", () => {
    for (const audience of [
      "https://management.azure.com/",
      "https://management.azure.com",
      "https://management.core.windows.net/",
      "https://management.core.windows.net",
    ]) {
      assert.ok(!isFailure(identity.authenticate(`Bearer ${identity.issueToken({ audience })}`, TENANT)), audience);
    }
  });

  it("answers a missing header with AuthenticationFailed and ARM's WWW-Authenticate", () => {
    const moved = statsDelta(() => {
      for (const header of [undefined, "", "   "]) {
        assert.deepEqual(failure(identity, header), {
          status: 401,
          code: "AuthenticationFailed",
          message: "Authentication failed. The 'Authorization' header is missing.",
          wwwAuthenticate: wwwAuthenticate("The authentication failed because of missing 'Authorization' header."),
        });
      }
    });
    assert.deepEqual(moved, { rejected: 3 });
  });

  it("answers a header that is not Bearer <token> with InvalidAuthenticationToken", () => {
    const token = identity.issueToken();
    for (const header of [`Basic ${token}`, "Bearer", `Bearer ${token} extra`, token]) {
      const f = failure(identity, header);
      assert.equal(f.status, 401);
      assert.equal(f.code, "InvalidAuthenticationToken");
      assert.equal(f.message, "Authentication failed. The 'Authorization' header is provided in an invalid format.");
    }
  });

  it("answers a malformed token with InvalidAuthenticationToken 'The access token is invalid.'", () => {
    const [h, , s] = identity.issueToken().split(".");
    const noClaims = Buffer.from(JSON.stringify({ foo: 1 })).toString("base64url");
    for (const [i, bad] of ["abc", "a.b", "a.b.c.d", "!!!.???.***", `${h}.bm90IGpzb24.${s}`, `${h}..${s}`].entries()) {
      const f = failure(identity, `Bearer ${bad}`);
      // Labelled by position: the last two carry a real token's signature.
      assert.deepEqual([f.status, f.code, f.message], [401, "InvalidAuthenticationToken", "The access token is invalid."], `malformed token #${i}`);
      assert.equal(f.wwwAuthenticate, wwwAuthenticate("The access token is invalid."));
    }
    // Signed by the emulator but missing the claims ARM needs: reported as invalid, not as a crash.
    const signedWithoutClaims = failure(identity, `Bearer ${h}.${noClaims}.${s}`);
    assert.equal(signedWithoutClaims.code, "InvalidAuthenticationToken");
  });

  it("answers a bad signature with InvalidAuthenticationToken 'The access token has invalid signature.'", () => {
    const good = identity.issueToken();
    const [h, p, s] = good.split(".") as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, "base64url").toString()) as Record<string, unknown>;
    const tampered = Buffer.from(JSON.stringify({ ...claims, oid: "someone-else" })).toString("base64url");
    const noneHeader = Buffer.from(JSON.stringify({ typ: "JWT", alg: "none" })).toString("base64url");
    const otherEmulator = createIdentityService({ tenantId: TENANT, clock }).issueToken();
    for (const bad of [
      identity.issueToken({ untrustedSignature: true }),
      `${h}.${tampered}.${s}`,
      `${noneHeader}.${p}.`,
      `${h}.${p}.`,
      otherEmulator,
    ]) {
      const f = failure(identity, `Bearer ${bad}`);
      assert.deepEqual(
        [f.status, f.code, f.message, f.wwwAuthenticate],
        [401, "InvalidAuthenticationToken", "The access token has invalid signature.", wwwAuthenticate("The access token has invalid signature.")],
      );
    }
  });

  it("answers an expired token with ExpiredAuthenticationToken in ARM's time format, following the emulator clock", () => {
    const token = identity.issueToken({ expiresInSeconds: 3600 });
    clock.advance({ minutes: 59, seconds: 59 });
    assert.ok(!isFailure(identity.authenticate(`Bearer ${token}`, TENANT)), "valid one second before exp");
    clock.advance({ hours: 12, seconds: 6 });
    const message = "The access token expiry UTC time '11/23/2026 2:00:00 AM' is earlier than current UTC time '11/23/2026 2:00:05 PM'.";
    assert.deepEqual(failure(identity, `Bearer ${token}`), {
      status: 401,
      code: "ExpiredAuthenticationToken",
      message,
      wwwAuthenticate: wwwAuthenticate(message),
    });
  });

  it("treats a token as expired from its exp second on, and a negative lifetime as already expired", () => {
    const token = identity.issueToken({ expiresInSeconds: 60 });
    clock.advance({ seconds: 60 });
    assert.equal(failure(identity, `Bearer ${token}`).code, "ExpiredAuthenticationToken");
    const stale = failure(identity, `Bearer ${identity.issueToken({ expiresInSeconds: -1 })}`);
    assert.equal(stale.message, "The access token expiry UTC time '11/23/2026 1:00:59 AM' is earlier than current UTC time '11/23/2026 1:01:00 AM'.");
  });

  it("allows five minutes of skew on nbf and rejects a token valid later than that", () => {
    assert.ok(!isFailure(identity.authenticate(`Bearer ${identity.issueToken({ notBeforeInSeconds: 300 })}`, TENANT)));
    const early = identity.issueToken({ notBeforeInSeconds: 301 });
    const f = failure(identity, `Bearer ${early}`);
    assert.equal(f.status, 401);
    assert.equal(f.code, "InvalidAuthenticationToken");
    assert.equal(f.message, "The access token validity start UTC time '11/23/2026 1:05:01 AM' is later than current UTC time '11/23/2026 1:00:00 AM'.");
    clock.advance({ seconds: 1 });
    assert.ok(!isFailure(identity.authenticate(`Bearer ${early}`, TENANT)), "valid once the clock reaches nbf - 5 min");
  });

  it("answers a token for another resource with InvalidAuthenticationTokenAudience", () => {
    for (const audience of ["https://graph.microsoft.com/", "https://management.azure.com//", "https://127.0.0.1:44321", "HTTPS://MANAGEMENT.AZURE.COM/"]) {
      const f = failure(identity, `Bearer ${identity.issueToken({ audience })}`);
      const message =
        `The access token has been obtained for wrong audience or resource '${audience}'. It should exactly match with one of the allowed audiences ` +
        "'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'.";
      assert.deepEqual(f, { status: 401, code: "InvalidAuthenticationTokenAudience", message, wwwAuthenticate: wwwAuthenticate(message) });
    }
  });

  it("answers a token from another tenant with InvalidAuthenticationTokenTenant naming the subscription's tenant", () => {
    const f = failure(identity, `Bearer ${identity.issueToken({ tenantId: OTHER_TENANT })}`);
    assert.equal(f.status, 401);
    assert.equal(f.code, "InvalidAuthenticationTokenTenant");
    assert.ok(
      f.message.startsWith(
        `The access token is from the wrong issuer 'https://sts.windows.net/${OTHER_TENANT}/'. It must match the tenant ` +
          `'https://sts.windows.net/${TENANT}/' associated with this subscription. Please use the authority (URL) '${AUTHORITY}' to get the token.`,
      ),
      f.message,
    );
    assert.ok(f.wwwAuthenticate?.startsWith(`Bearer authorization_uri="${AUTHORITY}", error="invalid_token", error_description="The access token is from the wrong issuer`));
    // The same token is fine for a subscription in its own tenant.
    const other = identity.authenticate(`Bearer ${identity.issueToken({ tenantId: OTHER_TENANT })}`, OTHER_TENANT);
    assert.ok(!isFailure(other));
    assert.equal(other.tenantId, OTHER_TENANT);
  });

  it("checks in ARM's order: signature before expiry, expiry before audience, audience before tenant", () => {
    const everythingWrong = { expiresInSeconds: -10, audience: "https://graph.microsoft.com/", tenantId: OTHER_TENANT };
    assert.equal(failure(identity, `Bearer ${identity.issueToken({ ...everythingWrong, untrustedSignature: true })}`).message, "The access token has invalid signature.");
    assert.equal(failure(identity, `Bearer ${identity.issueToken(everythingWrong)}`).code, "ExpiredAuthenticationToken");
    assert.equal(failure(identity, `Bearer ${identity.issueToken({ ...everythingWrong, expiresInSeconds: 60 })}`).code, "InvalidAuthenticationTokenAudience");
  });

  it("keeps control characters and quotes of a claim out of the WWW-Authenticate header", () => {
    const f = failure(identity, `Bearer ${identity.issueToken({ audience: 'x"\r\nSet-Cookie: a=b' })}`);
    assert.equal(f.code, "InvalidAuthenticationTokenAudience");
    assert.doesNotMatch(f.wwwAuthenticate ?? "", /[\r\n]|"\s*\r|x"/);
    assert.match(f.message, /wrong audience or resource 'x"\?\?Set-Cookie: a=b'/);
  });

  it("rejects bad issueToken options with errors that name the option", () => {
    assert.throws(() => identity.issueToken({ expiresInSeconds: Number.NaN }), /issueToken: \[expiresInSeconds\] must be a finite number/);
    assert.throws(() => identity.issueToken({ notBeforeInSeconds: Infinity }), /\[notBeforeInSeconds\]/);
    assert.throws(() => identity.issueToken({ audience: "" }), /\[audience\] must be a non-empty string/);
    assert.throws(() => identity.issueToken({ tenantId: "" }), /\[tenantId\]/);
  });

  it("refuses to start without a GUID tenant or a clock", () => {
    assert.throws(() => createIdentityService({ tenantId: "contoso", clock }), /\[tenantId\] "contoso" is not a GUID/);
    assert.throws(() => createIdentityService({ tenantId: TENANT, clock: undefined as unknown as ManualClock }), /\[clock\] is required/);
    assert.throws(() => identity.setBaseUrl("not a url"), /is not a URL/);
  });
});
