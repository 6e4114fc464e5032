import * as assert from "node:assert/strict";
import { createHttpHeaders, createPipelineRequest, RestError } from "@azure/core-rest-pipeline";
import { ArmRequestError, ArmRequestErrorName, statusOf, wrapArmError } from "../../components/arm/errors";
import { DEFAULT_LRO_POLL_INTERVAL_MS, lroPollIntervalMs } from "../../components/arm/client";
import { configureProviders, providerConfig, resetProviderConfig } from "../../components/provider/dynamic/config";
import { tokenPasswordProvider } from "../../components/provider/dynamic/tokenPasswordProvider";
import { CredentialKind, type ResolvedCredential } from "../../components/credential/types";

const SENTINEL = "Bearer SENTINEL-TOKEN-errors-91d2";
const resolved: ResolvedCredential = {
  credential: { getToken: async () => null },
  source: "DefaultAzureCredential",
  kind: CredentialKind.Default,
  cloud: "AzureCloud",
  armEndpoint: "https://management.azure.com",
  audiences: ["https://management.azure.com"],
  scopes: ["https://management.azure.com/.default"],
  warnings: [],
  acquisitions: 0,
};

function armError(status: number, code: string, message: string): RestError {
  const request = createPipelineRequest({ url: "https://management.azure.com/x", headers: createHttpHeaders({ authorization: SENTINEL }) });
  return new RestError(message, {
    statusCode: status,
    code,
    request,
    response: { status, request, headers: createHttpHeaders({ "x-ms-request-id": "req-123", "set-cookie": "SENTINEL-COOKIE" }), bodyAsText: `{"secret":"${SENTINEL}"}` },
  });
}

describe("provider errors, settings and configuration", () => {
  it("wraps an ARM answer once: status, ARM code, request id and ARM's message; the cause is kept", () => {
    const cause = armError(404, "ResourceNotFound", "The resource ci-token could not be found.");
    const err = wrapArmError(cause, "TokenPassword password1 of token \"ci-token\"", "tokens.get", resolved);
    assert.equal(err.name, ArmRequestErrorName);
    assert.equal(
      err.message,
      'TokenPassword password1 of token "ci-token": tokens.get failed: ARM answered 404 ResourceNotFound (x-ms-request-id req-123): The resource ci-token could not be found.',
    );
    const arm = err as ArmRequestError;
    assert.deepEqual([arm.statusCode, arm.code, arm.requestId, arm.operation], [404, "ResourceNotFound", "req-123", "tokens.get"]);
    assert.equal(arm.cause, cause);
    assert.equal(statusOf(err), 404);
    assert.equal(wrapArmError(err, "again", "x", resolved), err, "an already wrapped error is not wrapped twice");
    assert.ok(!err.message.includes("SENTINEL"), "no header or body in the message");
  });

  it("keeps an ARM code or request id only when it is identifier-shaped: a malformed answer's field reaches neither the message nor the error", () => {
    // What a proxy or a broken gateway may put where ARM's code and request id belong: not random-looking, so only the shape keeps them out.
    const code = "pass word: hunter2!";
    const requestId = "<html>session=opensesame</html>";
    const request = createPipelineRequest({ url: "https://management.azure.com/x" });
    const cause = new RestError("Bad request.", { statusCode: 400, code, request, response: { status: 400, request, headers: createHttpHeaders({ "x-ms-request-id": requestId }) } });
    const err = wrapArmError(cause, "TokenPassword x", "tokens.get", resolved) as ArmRequestError;
    assert.equal(err.message, "TokenPassword x: tokens.get failed: ARM answered 400: Bad request.");
    assert.deepEqual([err.statusCode, err.code, err.requestId], [400, undefined, undefined]);
  });

  it("names the endpoint when ARM could not be reached", () => {
    const refused = new RestError("connect ECONNREFUSED 127.0.0.1:9", { code: "ECONNREFUSED" });
    const err = wrapArmError(refused, "TokenSettings of token \"t\"", "tokens.get", resolved);
    assert.match(err.message, /^TokenSettings of token "t": tokens\.get could not reach ARM at https:\/\/management\.azure\.com \(ECONNREFUSED\)\. Check the network and the ARM endpoint setting/);
  });

  it("hands a 403 to the credential module, which names the source and the role to grant", () => {
    const err = wrapArmError(armError(403, "AuthorizationFailed", "The client … does not have authorization"), "TokenPassword x", "registries.generateCredentials", resolved);
    assert.match(err.message, /^TokenPassword x: registries\.generateCredentials was refused by ARM \(x-ms-request-id req-123\)\. The identity of DefaultAzureCredential is not allowed to do this \(AuthorizationFailed, HTTP 403\)\. Grant it a role/);
  });

  it("passes other errors (the credential's own) through unchanged", () => {
    const own = new Error("The access token from ACR_TOKENS_ACCESS_TOKEN expired at …");
    assert.equal(wrapArmError(own, "x", "y", resolved), own);
  });

  it("reads the LRO poll interval from ACR_TOKENS_LRO_POLL_INTERVAL_MS and refuses a bad one", () => {
    assert.equal(lroPollIntervalMs({}), DEFAULT_LRO_POLL_INTERVAL_MS);
    assert.equal(lroPollIntervalMs({ ACR_TOKENS_LRO_POLL_INTERVAL_MS: "0" }), 0);
    assert.throws(() => lroPollIntervalMs({ ACR_TOKENS_LRO_POLL_INTERVAL_MS: "2s" }), /^Error: ACR_TOKENS_LRO_POLL_INTERVAL_MS is "2s", which is not a whole number of milliseconds/);
  });

  it("refuses to run unconfigured rather than ignore stack config (host pitfall: a failed configure is cached)", async () => {
    resetProviderConfig();
    await assert.rejects(tokenPasswordProvider.check({}, {}), /^Error: TokenPassword: the provider was not configured, so stack config \(acr-tokens:\*\) is unavailable\./);
    configureProviders({ config: { get: (k) => (k === "acr-tokens:cloud" ? "AzureCloud" : undefined) } });
    assert.equal(providerConfig("x").get("acr-tokens:cloud"), "AzureCloud");
    resetProviderConfig();
  });
});
