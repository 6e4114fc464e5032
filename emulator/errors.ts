/**
 * ARM errors, one factory per error code (Azurite's StorageErrorFactory pattern).
 *
 * Every error answers `{ "error": { code, message, target?, details? } }` (ARM's common
 * ErrorResponse). Codes and messages observed in real traffic (../shared/acr/README.md §5) are
 * reproduced exactly; the others are marked UNCERTAIN where they are defined: no recording shows
 * them, so the wording follows ARM's conventions and says what to do.
 */

/** An ARM error detail, as nested under `error.details`. */
export interface ArmErrorDetail {
  code: string;
  message: string;
  target?: string;
}

/** An error the pipeline turns into an ARM-shaped response. */
export class ArmError extends Error {
  override readonly name = "ArmError";

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: {
      target?: string;
      details?: ArmErrorDetail[];
      /** Extra response headers (e.g. `x-ms-failure-cause`, `Retry-After`, `WWW-Authenticate`). */
      headers?: Record<string, string>;
      /** Top-level `"status": "Failed"` beside `error` (ACR's ResourceNotFound carries it). */
      failedStatus?: boolean;
    } = {},
  ) {
    super(message);
  }

  /** The JSON body ARM sends. */
  body(): Record<string, unknown> {
    const error: Record<string, unknown> = { code: this.code, message: this.message };
    if (this.extra.target !== undefined) error.target = this.extra.target;
    if (this.extra.details !== undefined) error.details = this.extra.details;
    return this.extra.failedStatus ? { error, status: "Failed" } : { error };
  }
}

// --- Observed in recordings -------------------------------------------------------------------

/** 404 for a missing ACR child resource (scope map, token), exactly as recorded. */
export function resourceNotFound(name: string): ArmError {
  return new ArmError(404, "ResourceNotFound", `The resource ${name} could not be found.`, { failedStatus: true });
}

/** 404 when the parent registry does not exist, exactly as recorded (with `x-ms-failure-cause: gateway`). */
export function parentResourceNotFound(parentName: string): ArmError {
  return new ArmError(
    404,
    "ParentResourceNotFound",
    `Can not perform requested operation on nested resource. Parent resource '${parentName}' not found.`,
    { headers: { "x-ms-failure-cause": "gateway" } },
  );
}

// --- ARM front door (Microsoft.Resources) conventions -----------------------------------------

/** 404 for a top-level tracked resource (registry) that does not exist; ARM's gateway wording. */
export function topLevelResourceNotFound(type: string, name: string, resourceGroup: string): ArmError {
  return new ArmError(
    404,
    "ResourceNotFound",
    `The Resource '${type}/${name}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
    { headers: { "x-ms-failure-cause": "gateway" } },
  );
}

/** 404 for a missing resource group (ARM's wording). */
export function resourceGroupNotFound(name: string): ArmError {
  return new ArmError(404, "ResourceGroupNotFound", `Resource group '${name}' could not be found.`, {
    headers: { "x-ms-failure-cause": "gateway" },
  });
}

/** 404 for an unknown subscription (ARM's wording). */
export function subscriptionNotFound(id: string): ArmError {
  return new ArmError(404, "SubscriptionNotFound", `The subscription '${id}' could not be found.`, {
    headers: { "x-ms-failure-cause": "gateway" },
  });
}

/** 400 without `api-version` (ARM's wording). */
export function missingApiVersion(): ArmError {
  return new ArmError(
    400,
    "MissingApiVersionParameter",
    "The api-version query parameter (?api-version=) is required for all requests.",
  );
}

/**
 * 400 for an api-version the resource type does not support. ARM's gateway answers
 * `NoRegisteredProviderFound` for provider resource types and `InvalidApiVersionParameter` for
 * its own routes. UNCERTAIN: not recorded for ACR; the wording follows ARM's public messages.
 */
export function unsupportedApiVersion(
  apiVersion: string,
  resourceType: string,
  supported: readonly string[],
  providerRoute: boolean,
): ArmError {
  const list = supported.join(", ");
  if (providerRoute) {
    const ns = resourceType.split("/")[0];
    return new ArmError(
      400,
      "NoRegisteredProviderFound",
      `No registered resource provider found for location 'global' and API version '${apiVersion}' for type '${resourceType.slice(ns.length + 1)}'. The supported api-versions are '${list}'. The supported locations are ''.`,
    );
  }
  return new ArmError(
    400,
    "InvalidApiVersionParameter",
    `The api-version '${apiVersion}' is invalid. The supported versions are '${list}'.`,
  );
}

/**
 * Why `JSON.parse` refused a text, without the excerpt of it V8 quotes in some messages
 * ("Unexpected token 'x', \"…\" is not valid JSON"): request bodies, seed and state files may hold
 * credentials. Messages that name only a position are kept.
 */
export function jsonSyntaxReason(e: unknown): string {
  const message = e instanceof Error ? e.message : "";
  return /JSON at position \d+|^Unexpected end of JSON input$/.test(message) ? message.slice(0, 200) : "Unexpected token";
}

/** 400 for a body that is not valid JSON (ARM's wording). */
export function invalidRequestContent(reason: string): ArmError {
  return new ArmError(
    400,
    "InvalidRequestContent",
    `The request content was invalid and could not be deserialized: '${reason}'.`,
  );
}

/** 415 for a body whose content type is not JSON (ARM's wording). */
export function unsupportedMediaType(contentType: string): ArmError {
  return new ArmError(
    415,
    "UnsupportedMediaType",
    `The content media type '${contentType}' is not supported. Only 'application/json' is supported.`,
  );
}

/** 413 for a body above the emulator's limit. UNCERTAIN: ARM's real limit (about 4 MB) is not recorded here. */
export function requestTooLarge(limitBytes: number): ArmError {
  return new ArmError(
    413,
    "RequestEntityTooLarge",
    `The request content length exceeds the limit of ${limitBytes} bytes. Send a smaller request body.`,
  );
}

/** 400 for a malformed request URI (`..`, encoded slashes, control characters). */
export function invalidRequestUri(path: string, why: string): ArmError {
  return new ArmError(400, "InvalidRequestUri", `The request URI '${path}' is invalid: ${why}.`);
}

/** 404 for a path that matches no route. UNCERTAIN: ARM's exact answer varies by path shape. */
export function noRoute(method: string, path: string): ArmError {
  return new ArmError(
    404,
    "InvalidResourceType",
    `No route matches ${method} '${path}'. The emulator serves Microsoft.ContainerRegistry registries, scopeMaps, tokens, connectedRegistries and generateCredentials, Microsoft.Resources resource groups and resources, subscriptions and metadata/endpoints.`,
  );
}

/** 405 for a known path with a method it does not support (ARM's wording). */
export function methodNotAllowed(method: string): ArmError {
  return new ArmError(405, "MethodNotAllowed", `The requested resource does not support http method '${method}'.`);
}

/** 400 for a body that is valid JSON but breaks the resource schema (ARM's InvalidRequestContent family). */
export function invalidBody(message: string, target?: string): ArmError {
  return new ArmError(400, "InvalidRequestContent", message, target !== undefined ? { target } : {});
}

/** 400 for a resource name that breaks its pattern. UNCERTAIN: the service's code and message were not recorded. */
export function invalidResourceName(kind: string, name: string, rule: string): ArmError {
  return new ArmError(400, "InvalidResourceName", `The ${kind} name '${name}' is invalid: ${rule}.`, { target: "name" });
}

// --- ACR conflicts and validation (UNCERTAIN codes: not in any recording) ---------------------

/** 400 for an action string the service would refuse. */
export function invalidScopeMapAction(action: string, why: string): ArmError {
  return new ArmError(
    400,
    "InvalidScopeMapAction",
    `The scope map action '${action}' is invalid: ${why}. Use 'repositories/<repository>/<action>' with content/read, content/write, content/delete, metadata/read or metadata/write, or 'gateway/<connected registry>/<action>' with config/read, config/write, message/read or message/write.`,
    { target: "properties.actions" },
  );
}

/** 400 when a scope map lists more actions than the service allows. */
export function tooManyScopeMapActions(count: number, limit: number): ArmError {
  return new ArmError(
    400,
    "ScopeMapActionsLimitExceeded",
    `A scope map can have at most ${limit} actions; the request has ${count}. Split the actions over several scope maps and tokens.`,
    { target: "properties.actions" },
  );
}

/** 400 for writes to the built-in `_repositories_*` scope maps. */
export function systemScopeMapReadOnly(name: string, method: string): ArmError {
  return new ArmError(
    400,
    "SystemScopeMapReadOnly",
    `The scope map '${name}' is a built-in (SystemDefined) scope map and cannot be changed by ${method}. Create a user-defined scope map instead.`,
  );
}

/** 409 when deleting a scope map that tokens still reference. */
export function scopeMapInUse(name: string, tokens: string[]): ArmError {
  return new ArmError(
    409,
    "ScopeMapInUse",
    `The scope map '${name}' is associated with token(s) ${tokens.map((t) => `'${t}'`).join(", ")} and cannot be deleted. Delete those tokens or point them to another scope map first.`,
  );
}

/** 400 when a token body tries to set a password value (values can only be generated). */
export function passwordValueNotAllowed(): ArmError {
  return new ArmError(
    400,
    "TokenPasswordValueNotAllowed",
    "Token passwords cannot be set through a create or update request. Generate them with the registry's generateCredentials operation.",
    { target: "properties.credentials.passwords" },
  );
}

/** 400 for a generateCredentials expiry in the past. */
export function expiryInPast(expiry: string): ArmError {
  return new ArmError(
    400,
    "InvalidPasswordExpiry",
    `The password expiry '${expiry}' is in the past. Pass a future date-time or omit 'expiry' for a password that never expires.`,
    { target: "expiry" },
  );
}

/** 400 for tokens and scope maps on a registry SKU that does not support them (see apiVersions.ts for when). */
export function skuNotSupported(registry: string, sku: string, apiVersion: string): ArmError {
  return new ArmError(
    400,
    "FeatureNotSupportedForSku",
    `Repository-scoped tokens and scope maps are only supported on Premium registries with api-version '${apiVersion}'; registry '${registry}' is '${sku}'. Use api-version 2022-12-01 or later, or upgrade the registry to Premium.`,
  );
}

/** 409 when creating a registry whose name is taken (registry names are global in Azure). */
export function registryNameInUse(name: string): ArmError {
  return new ArmError(
    409,
    "AlreadyInUse",
    `The registry ${name} is already in use. Choose another registry name.`,
  );
}

/** 500 for a bug in the emulator (never a stack trace on the wire). */
export function internalError(requestId: string): ArmError {
  return new ArmError(
    500,
    "InternalServerError",
    `The emulator failed to process the request (request id ${requestId}). See the emulator's stderr.`,
  );
}

/** An injected fault answered as the service would. */
export function injectedStatus(status: 409 | 429 | 500 | 503): ArmError {
  switch (status) {
    case 429:
      return new ArmError(429, "TooManyRequests", "The request is being throttled. Retry after the interval in the Retry-After header.");
    case 500:
      return new ArmError(500, "InternalServerError", "Encountered internal server error. Please try again.");
    case 503:
      return new ArmError(503, "ServiceUnavailable", "The service is temporarily unavailable. Please try again later.");
    case 409:
      return new ArmError(409, "Conflict", "The operation conflicts with another operation in progress on this resource. Retry the request.");
  }
}
