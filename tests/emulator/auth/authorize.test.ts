import * as assert from "node:assert/strict";
import { ManualClock } from "../../../emulator/clock";
import { createIdentityService, defaultObjectId } from "../../../emulator/auth";
import type { IdentityService, Principal } from "../../../emulator/auth/types";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const SUB = "/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590";
const RG = `${SUB}/resourceGroups/rg-ci`;
const REGISTRY = `${RG}/providers/Microsoft.ContainerRegistry/registries/acrci`;
const A = {
  registryRead: "Microsoft.ContainerRegistry/registries/read",
  registryWrite: "Microsoft.ContainerRegistry/registries/write",
  registryDelete: "Microsoft.ContainerRegistry/registries/delete",
  tokenRead: "Microsoft.ContainerRegistry/registries/tokens/read",
  tokenWrite: "Microsoft.ContainerRegistry/registries/tokens/write",
  tokenDelete: "Microsoft.ContainerRegistry/registries/tokens/delete",
  scopeMapWrite: "Microsoft.ContainerRegistry/registries/scopeMaps/write",
  generate: "Microsoft.ContainerRegistry/registries/generateCredentials/action",
  roleAssignmentWrite: "Microsoft.Authorization/roleAssignments/write",
} as const;

function principal(objectId: string, clientId?: string): Principal {
  return { objectId, tenantId: TENANT, kind: "servicePrincipal", ...(clientId ? { clientId } : {}) };
}

describe("emulator identity: authorize (role assignments)", () => {
  let identity: IdentityService;
  const clock = new ManualClock({ frozen: true });
  beforeEach(() => {
    identity = createIdentityService({ tenantId: TENANT, clock, enforceRoleAssignments: true });
  });

  function allowed(p: Principal, scope: string, action: string): boolean {
    return identity.authorize(p, scope, action) === undefined;
  }

  it("lets everyone through when role assignments are not enforced", () => {
    const open = createIdentityService({ tenantId: TENANT, clock });
    assert.equal(open.authorize(principal("nobody"), REGISTRY, A.registryDelete), undefined);
  });

  it("answers a principal without any assignment with ARM's 403 AuthorizationFailed", () => {
    const scope = `${REGISTRY}/tokens/ci-pull`;
    assert.deepEqual(identity.authorize(principal("oid-1", "app-1"), scope, A.tokenWrite), {
      status: 403,
      code: "AuthorizationFailed",
      message:
        `The client 'app-1' with object id 'oid-1' does not have authorization to perform action '${A.tokenWrite}' over scope ` +
        `'${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    });
    // A user token has no app id: ARM names the object id as the client.
    assert.match(identity.authorize(principal("oid-2"), scope, A.tokenRead)?.message ?? "", /^The client 'oid-2' with object id 'oid-2' /);
    assert.equal(identity.stats?.forbidden, 2);
  });

  it("grants Owner and Contributor everything at or below their scope, case-insensitively", () => {
    identity.assignRole({ principalObjectId: "owner", scope: SUB, role: "Owner" });
    identity.assignRole({ principalObjectId: "contrib", scope: RG.toUpperCase(), role: "contributor" });
    assert.ok(allowed(principal("owner"), REGISTRY, A.registryDelete));
    assert.ok(allowed(principal("owner"), SUB, A.roleAssignmentWrite));
    assert.ok(allowed(principal("OWNER"), REGISTRY.toLowerCase(), A.tokenWrite), "object ids and scopes compare case-insensitively");
    assert.ok(allowed(principal("contrib"), `${REGISTRY}/tokens/t1`, A.tokenDelete));
    assert.ok(allowed(principal("contrib"), RG, A.registryWrite), "the assignment's own scope is covered");
    assert.ok(!allowed(principal("contrib"), SUB, A.registryRead), "a parent scope is not covered");
    assert.ok(!allowed(principal("contrib"), RG, A.roleAssignmentWrite), "Contributor cannot manage access");
  });

  it("matches scopes on whole path segments only", () => {
    identity.assignRole({ principalObjectId: "p", scope: `${RG}/`, role: "Owner" });
    assert.ok(allowed(principal("p"), `${RG}/providers/x`, A.registryRead));
    assert.ok(!allowed(principal("p"), `${RG}-prod/providers/x`, A.registryRead), "rg-ci does not cover rg-ci-prod");
  });

  it("lets Reader read only", () => {
    identity.assignRole({ principalObjectId: "reader", scope: SUB, role: "Reader" });
    assert.ok(allowed(principal("reader"), REGISTRY, A.registryRead));
    assert.ok(allowed(principal("reader"), `${REGISTRY}/tokens/t1`, A.tokenRead));
    for (const action of [A.tokenWrite, A.tokenDelete, A.generate, A.registryWrite]) {
      assert.ok(!allowed(principal("reader"), REGISTRY, action), action);
    }
  });

  it("lets AcrTokenManager manage tokens, scope maps and passwords, but not the registry", () => {
    identity.assignRole({ principalObjectId: "mgr", scope: REGISTRY, role: "AcrTokenManager" });
    for (const action of [A.registryRead, A.tokenRead, A.tokenWrite, A.tokenDelete, A.scopeMapWrite, A.generate]) {
      assert.ok(allowed(principal("mgr"), `${REGISTRY}/tokens/t1`, action), action);
    }
    assert.ok(!allowed(principal("mgr"), REGISTRY, A.registryWrite));
    assert.ok(!allowed(principal("mgr"), REGISTRY, A.registryDelete));
    assert.ok(!allowed(principal("mgr"), REGISTRY.replace("acrci", "acrother"), A.tokenWrite), "only on its own registry");
  });

  it("lets a principal with a role in the subscription poll subscription-level operation results, and nobody else", () => {
    const poll = `${SUB}/providers/Microsoft.ContainerRegistry/locations/EASTUS/operationResults/token-1`;
    const action = "Microsoft.ContainerRegistry/locations/operationResults/read";
    identity.assignRole({ principalObjectId: "mgr", scope: REGISTRY, role: "AcrTokenManager" });
    assert.ok(allowed(principal("mgr"), poll, action));
    assert.ok(!allowed(principal("stranger"), poll, action), "no assignment at all");
    identity.assignRole({ principalObjectId: "elsewhere", scope: "/subscriptions/other", role: "Owner" });
    assert.ok(!allowed(principal("elsewhere"), poll, action), "a role in another subscription");
    assert.ok(!allowed(principal("mgr"), `${SUB}/providers/Microsoft.ContainerRegistry/locations/EASTUS`, "Microsoft.ContainerRegistry/locations/read"));
  });

  it("takes role assignments from principal seeds, keyed by the derived object id", () => {
    const seeded = createIdentityService({
      tenantId: TENANT,
      clock,
      enforceRoleAssignments: true,
      principals: [{ clientId: "ci-app", clientSecret: "s3cret-value", roles: [{ scope: RG, role: "Reader" }] }],
    });
    const oid = defaultObjectId("ci-app");
    assert.match(oid, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(defaultObjectId("CI-APP"), oid, "stable across runs and client id casing");
    assert.equal(seeded.authorize(principal(oid, "ci-app"), REGISTRY, A.registryRead), undefined);
    assert.equal(seeded.authorize(principal(oid, "ci-app"), REGISTRY, A.tokenWrite)?.code, "AuthorizationFailed");
  });

  it("refuses unknown roles and malformed scopes with errors that list what is allowed", () => {
    assert.throws(
      () => identity.assignRole({ principalObjectId: "p", scope: SUB, role: "AcrPush" }),
      /unknown role "AcrPush"\. Known roles: Owner, Contributor, Reader, AcrTokenManager\./,
    );
    for (const scope of ["subscriptions/x", `${SUB}//resourceGroups/rg`, `${SUB}/../other`, ""]) {
      assert.throws(() => identity.assignRole({ principalObjectId: "p", scope, role: "Owner" }), /is not an ARM scope/, scope);
    }
    assert.throws(
      () => identity.addPrincipal({ clientId: "bad", clientSecret: "x-secret", roles: [{ scope: SUB, role: "Nope" }] }),
      /unknown role "Nope"/,
    );
    assert.throws(() => identity.addPrincipal({ clientId: " " }), /\[clientId\] is required/);
    assert.throws(() => identity.addPrincipal({ clientId: "app", clientSecret: "x-secret", tenantId: "contoso.com" }), /\[tenantId\] "contoso.com" is not a GUID/);
    assert.throws(() => identity.addPrincipal({ clientId: "mi", managedIdentity: true, clientSecret: "x-secret" }), /a managed identity has no \[clientSecret\]/);
    assert.throws(() => identity.addPrincipal({ clientId: "mi", managedIdentity: true, resourceId: "mi-1" }), /\[resourceId\] "mi-1" is not an ARM resource id/);
  });
});
