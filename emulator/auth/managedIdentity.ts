import type { IncomingMessage, ServerResponse } from "node:http";
import { ARM_AUDIENCES } from "./armErrors";
import { MANAGED_IDENTITY_TOKEN_LIFETIME_SECONDS, type IdentityContext } from "./context";
import { constantTimeEqual, header, printable, readForm, sendJson } from "./http";
import type { KnownPrincipal } from "./principals";

/*
 * Managed-identity token endpoints in the three forms clients use:
 * - App Service (`IDENTITY_ENDPOINT` + `IDENTITY_HEADER`): GET /msi/token?api-version=2019-08-01&resource=…,
 *   header `x-identity-header`; what @azure/identity's ManagedIdentityCredential prefers.
 * - Cloud Shell (`MSI_ENDPOINT`): POST /msi/token, form `resource=…`, header `Metadata: true`; what the
 *   Azure CLI 2.45 (msrestazure) sends for `az login --identity` and its hand-written MSI profile.
 * - IMDS: GET /metadata/identity/oauth2/token[/]?api-version=…&resource=…, header `Metadata: true`
 *   (MSAL adds the trailing slash when pointed here with AZURE_POD_IDENTITY_AUTHORITY_HOST).
 * Errors follow IMDS: 400 `{ error, error_description }`.
 */

type Surface = "appService" | "cloudShell" | "imds";

const APP_SERVICE_API_VERSION = "2019-08-01";

/** Serves a managed-identity route; false when `url` is not one. */
export function handleManagedIdentity(
  ctx: IdentityContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  body: Buffer,
): boolean {
  const path = url.pathname.toLowerCase();
  let surface: Surface;
  if (path === "/msi/token" || path === "/msi/token/") {
    if (req.method === "GET") surface = "appService";
    else if (req.method === "POST") surface = "cloudShell";
    else return methodNotAllowed(res, "GET, POST");
  } else if (path === "/metadata/identity/oauth2/token" || path === "/metadata/identity/oauth2/token/") {
    if (req.method !== "GET") return methodNotAllowed(res, "GET");
    surface = "imds";
  } else {
    return false;
  }

  // Where the parameters are: query string (App Service, IMDS), or form body plus query (Cloud Shell).
  const params = new URLSearchParams(url.search);
  if (surface === "cloudShell") {
    for (const [k, v] of readForm(req, body) ?? []) params.set(k, v);
  }

  const invalid = (description: string) => {
    sendJson(res, 400, { error: "invalid_request", error_description: description });
    return true;
  };
  if (surface === "appService") {
    const given = header(req, "x-identity-header");
    if (given === undefined) {
      return invalid("The 'X-IDENTITY-HEADER' request header is missing; send the value of IDENTITY_HEADER.");
    }
    if (!constantTimeEqual(given, ctx.managedIdentityHeader)) {
      return invalid("The 'X-IDENTITY-HEADER' request header does not match; send the value of IDENTITY_HEADER.");
    }
    const apiVersion = params.get("api-version");
    if (apiVersion !== APP_SERVICE_API_VERSION) {
      return invalid(
        `api-version '${printable(apiVersion ?? "")}' is not supported by this endpoint; use api-version=${APP_SERVICE_API_VERSION}.`,
      );
    }
  } else {
    if (header(req, "metadata")?.toLowerCase() !== "true") return invalid("Required metadata header not specified");
    if (surface === "imds" && !params.get("api-version")) {
      return invalid("Required query variable 'api-version' is missing");
    }
  }

  const resource = params.get("resource");
  if (!resource) return invalid("Required audience parameter not specified");

  const identity = selectIdentity(ctx, params);
  if (!identity) return invalid("Identity not found");

  if (!(ARM_AUDIENCES as readonly string[]).includes(resource)) {
    sendJson(res, 400, {
      error: "invalid_resource",
      error_description:
        `AADSTS500011: The resource principal named ${printable(resource)} was not found in the tenant named ${identity.tenantId}. ` +
        "This can happen if the application has not been installed by the administrator of the tenant or consented to by " +
        "any user in the tenant. You might have sent your authentication request to the wrong tenant. (The emulator serves " +
        "Azure Resource Manager only: https://management.azure.com/ or https://management.core.windows.net/.)",
    });
    return true;
  }

  const { token, claims } = ctx.issuer.mint(
    {
      tenantId: identity.tenantId,
      objectId: identity.objectId,
      clientId: identity.clientId,
      kind: "managedIdentity",
      clientAuthMethod: "2",
      ...(identity.resourceId !== undefined ? { managedIdentityResourceId: identity.resourceId } : {}),
    },
    { audience: resource, lifetimeSeconds: MANAGED_IDENTITY_TOKEN_LIFETIME_SECONDS },
  );
  ctx.stats[surface]++;
  const lifetime = String(claims.exp - claims.iat);
  if (surface === "appService") {
    // App Service 2019-08-01 answers exactly these five fields; expires_on is epoch seconds as a string.
    sendJson(res, 200, {
      access_token: token,
      expires_on: String(claims.exp),
      resource,
      token_type: "Bearer",
      client_id: identity.clientId,
    });
  } else {
    sendJson(res, 200, {
      access_token: token,
      client_id: identity.clientId,
      expires_in: lifetime,
      expires_on: String(claims.exp),
      ext_expires_in: lifetime,
      not_before: String(claims.nbf),
      resource,
      token_type: "Bearer",
    });
  }
  return true;
}

/**
 * The identity a request names with `client_id`, `object_id`/`principal_id` or `mi_res_id`/`msi_res_id`,
 * or else the system-assigned one (the first managed identity added).
 */
function selectIdentity(ctx: IdentityContext, params: URLSearchParams): KnownPrincipal | undefined {
  const identities = ctx.directory.managedIdentities();
  const clientId = params.get("client_id") ?? params.get("clientid");
  const objectId = params.get("object_id") ?? params.get("principal_id");
  const resourceId = params.get("mi_res_id") ?? params.get("msi_res_id");
  const eq = (a: string | undefined, b: string) => a !== undefined && a.toLowerCase() === b.toLowerCase();
  if (clientId) return identities.find((p) => eq(p.clientId, clientId));
  if (objectId) return identities.find((p) => eq(p.objectId, objectId));
  if (resourceId) return identities.find((p) => eq(p.resourceId, resourceId));
  return identities[0];
}

function methodNotAllowed(res: ServerResponse, allow: string): true {
  res.setHeader("allow", allow);
  sendJson(res, 405, { error: "invalid_request", error_description: `The endpoint only accepts ${allow} requests.` });
  return true;
}
