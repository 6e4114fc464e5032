import * as assert from "node:assert/strict";
import type { ContainerRegistryManagementClient } from "@azure/arm-containerregistry";
import { ClientSecretCredential } from "@azure/identity";
import { RestError } from "@azure/core-rest-pipeline";
import { defaultObjectId } from "../../../emulator/auth";
import { armClient, emulatorCredential, rawRequest, useEmulator } from "../../../testing/emulator";

const SUB = "2d3c6a8e-5f41-4b7a-9c0e-1a2b3c4d5e6f";
const TENANT = "9b8c7d6e-5f4a-4b3c-8d2e-1f0a9b8c7d6e";
const RG = "rg-auth";
const REGISTRY = "acrauth";
const REGISTRY_ID = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.ContainerRegistry/registries/${REGISTRY}`;
const OWNER = { clientId: "8a1d2c3b-4e5f-4a6b-9c7d-0e1f2a3b4c5d", secret: "owner-secret-value-1234" };
const READER = { clientId: "1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e", secret: "reader-secret-value-5678" };
const MANAGER = { clientId: "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f", secret: "manager-secret-value-9012" };

/** The RestError a call rejects with (fails the test when it resolves). */
async function restError(call: Promise<unknown>): Promise<RestError> {
  const e = await call.then(
    () => assert.fail("the call should have been refused"),
    (err: unknown) => err,
  );
  assert.ok(e instanceof RestError, `expected a RestError, got ${String(e)}`);
  return e;
}

describe("emulator identity end to end: @azure/arm-containerregistry through startEmulator", () => {
  const emulator = useEmulator({
    enforceRoleAssignments: true,
    seed: {
      subscriptions: [{ id: SUB, tenantId: TENANT }],
      resourceGroups: [{ name: RG }],
      registries: [{ resourceGroup: RG, name: REGISTRY, sku: "Premium" }],
      principals: [
        { clientId: OWNER.clientId, clientSecret: OWNER.secret, roles: [{ scope: `/subscriptions/${SUB}`, role: "Owner" }] },
        { clientId: READER.clientId, clientSecret: READER.secret, roles: [{ scope: `/subscriptions/${SUB}/resourceGroups/${RG}`, role: "Reader" }] },
        { clientId: MANAGER.clientId, clientSecret: MANAGER.secret, roles: [{ scope: REGISTRY_ID, role: "AcrTokenManager" }] },
      ],
    },
  });

  function client(who: { clientId: string; secret: string }): ContainerRegistryManagementClient {
    const emu = emulator();
    const credential = new ClientSecretCredential(emu.tenantId, who.clientId, who.secret, {
      authorityHost: emu.authorityHost,
      disableInstanceDiscovery: true,
      tlsOptions: { ca: emu.caCertPem },
    });
    return armClient(emu, credential);
  }

  it("gets the registry with a ClientSecretCredential token from the emulator's Entra surface", async () => {
    const emu = emulator();
    assert.equal(emu.tenantId, TENANT);
    const registry = await client(OWNER).registries.get(RG, REGISTRY);
    assert.equal(registry.id, REGISTRY_ID);
    const arm = emu.requests.filter((r) => r.path.toLowerCase() === REGISTRY_ID.toLowerCase());
    assert.equal(arm.at(-1)?.status, 200);
    assert.equal(arm.at(-1)?.principal, defaultObjectId(OWNER.clientId));
  });

  it("lets AcrTokenManager create a scope map and token and generate a password, but not delete the registry", async () => {
    const arm = client(MANAGER);
    const scopeMap = await arm.scopeMaps.create(RG, REGISTRY, "e2e-pull", { actions: ["repositories/app/content/read"] }, { updateIntervalInMs: 0 });
    const token = await arm.tokens.create(RG, REGISTRY, "e2e-token", { scopeMapId: scopeMap.id, status: "enabled" }, { updateIntervalInMs: 0 });
    const generated = await arm.registries.generateCredentials(RG, REGISTRY, { tokenId: token.id, name: "password1" }, { updateIntervalInMs: 0 });
    assert.equal(generated.passwords?.[0]?.name, "password1");
    // DELETE answers 202 + Location on the subscription-level operationResults URL; the poll must be allowed too.
    await arm.tokens.delete(RG, REGISTRY, "e2e-token", { updateIntervalInMs: 0 });
    await restError(arm.tokens.get(RG, REGISTRY, "e2e-token")).then((e) => assert.equal(e.code, "ResourceNotFound"));
    const denied = await restError(arm.registries.delete(RG, REGISTRY, { updateIntervalInMs: 0 }));
    assert.equal(denied.statusCode, 403);
    assert.equal(denied.code, "AuthorizationFailed");
    assert.match(
      denied.message,
      new RegExp(`^The client '${MANAGER.clientId}' with object id '${defaultObjectId(MANAGER.clientId)}' does not have authorization to perform action 'Microsoft.ContainerRegistry/registries/delete' over scope '${REGISTRY_ID}' or the scope is invalid\\.`),
    );
  });

  it("checks roles on operationStatuses as ARM does: no role, or a role on another group, gets 403; the caller with a role polls", async () => {
    const emu = emulator();
    emu.identity.assignRole({ principalObjectId: "0f0f0f0f-1111-4222-8333-444455556666", scope: `/subscriptions/${SUB}/resourceGroups/rg-elsewhere`, role: "Owner" });
    const arm = client(MANAGER);
    await arm.tokens.create(RG, REGISTRY, "op-token", { scopeMapId: `${REGISTRY_ID}/scopeMaps/_repositories_pull`, status: "enabled" }, { updateIntervalInMs: 0 });
    const managerToken = emu.issueToken({ objectId: defaultObjectId(MANAGER.clientId) });
    const patched = await rawRequest(emu, "PATCH", `${REGISTRY_ID}/tokens/op-token?api-version=2025-11-01`, { token: managerToken, body: JSON.stringify({ properties: { status: "disabled" } }) });
    const statusUrl = String(patched.headers["azure-asyncoperation"] ?? "");
    assert.match(statusUrl, /\/operationStatuses\//, "the PATCH answered no status URL to poll");
    const path = new URL(statusUrl).pathname + new URL(statusUrl).search;
    const noRole = await rawRequest(emu, "GET", path, { token: emu.issueToken({ objectId: "9e9e9e9e-0000-4000-8000-000000000001" }) });
    assert.equal(noRole.status, 403, "a principal with no role read someone's operation");
    assert.match(noRole.text, /AuthorizationFailed/);
    const elsewhere = await rawRequest(emu, "GET", path, { token: emu.issueToken({ objectId: "0f0f0f0f-1111-4222-8333-444455556666" }) });
    assert.equal(elsewhere.status, 403, "a role on another resource group read this group's operation");
    assert.equal((await rawRequest(emu, "GET", path, { token: managerToken })).status, 200);
  });

  it("answers a Reader's write with 403 AuthorizationFailed through the SDK", async () => {
    const arm = client(READER);
    assert.equal((await arm.registries.get(RG, REGISTRY)).name, REGISTRY);
    const denied = await restError(
      arm.scopeMaps.create(RG, REGISTRY, "reader-map", { actions: ["repositories/app/content/read"] }, { updateIntervalInMs: 0 }),
    );
    assert.equal(denied.statusCode, 403);
    assert.equal(denied.code, "AuthorizationFailed");
  });

  it("answers a principal without role assignments with 403 AuthorizationFailed", async () => {
    const emu = emulator();
    const denied = await restError(armClient(emu, emulatorCredential(emu, { tenantId: TENANT })).registries.get(RG, REGISTRY));
    assert.equal(denied.statusCode, 403);
    assert.equal(denied.code, "AuthorizationFailed");
  });

  it("answers expired, wrong-audience, wrong-tenant and untrusted tokens with ARM's 401 codes through the SDK", async () => {
    const emu = emulator();
    const oid = defaultObjectId(OWNER.clientId);
    const cases: Array<[string, Parameters<typeof emu.issueToken>[0], string]> = [
      ["expired", { objectId: oid, expiresInSeconds: -1 }, "ExpiredAuthenticationToken"],
      ["audience", { objectId: oid, audience: "https://graph.microsoft.com/" }, "InvalidAuthenticationTokenAudience"],
      ["tenant", { objectId: oid, tenantId: "0f0e0d0c-0b0a-4909-8807-060504030201" }, "InvalidAuthenticationTokenTenant"],
      ["signature", { objectId: oid, untrustedSignature: true }, "InvalidAuthenticationToken"],
    ];
    for (const [name, options, code] of cases) {
      const issued: string[] = [];
      const credential = {
        getToken: async () => {
          const token = emu.issueToken(options);
          issued.push(token);
          return { token, expiresOnTimestamp: Date.now() + 3_600_000 };
        },
      };
      const e = await restError(armClient(emu, credential).registries.get(RG, REGISTRY));
      assert.equal(e.statusCode, 401, name);
      assert.equal(e.code, code, name);
      const wwwAuthenticate = e.response?.headers.get("www-authenticate") ?? "";
      assert.ok(wwwAuthenticate.startsWith(`Bearer authorization_uri="${emu.authorityHost}/${TENANT}", error="invalid_token", error_description="`), name);
      for (const token of issued) {
        assert.ok(!e.message.includes(token.slice(-40)), `${name}: the error repeats the token`);
        assert.ok(!wwwAuthenticate.includes(token.slice(-40)), `${name}: WWW-Authenticate repeats the token`);
      }
    }
  });

  it("keeps tokens and client secrets out of the request log", () => {
    const log = JSON.stringify(emulator().requests);
    for (const secret of [OWNER.secret, READER.secret, MANAGER.secret]) {
      assert.ok(!log.includes(secret), "the request log contains a secret");
    }
    assert.doesNotMatch(log, /eyJ[A-Za-z0-9_-]{10,}\.eyJ/, "the request log contains a JWT");
  });
});
