import type { IncomingMessage, ServerResponse } from "node:http";
import { ARM_AUDIENCES } from "./armErrors";
import { ENTRA_TOKEN_LIFETIME_SECONDS, type IdentityContext } from "./context";
import { constantTimeEqual, printable, readForm, sendEntraError, sendJson, type EntraError } from "./http";
import { decodeJwt } from "./jwt";
import type { KnownPrincipal } from "./principals";

/*
 * The Entra ID surface `@azure/identity` (MSAL) and the Azure CLI's MSAL need for the client-credentials
 * grant: OIDC discovery, JWKS, and the token endpoint, in the tenant form (`/{tenant}/...`, v2.0 and v1)
 * and the ADFS form (`/adfs/...`, the only authority MSAL Python 1.21 accepts without instance discovery).
 */

type Route =
  | { kind: "oidc"; tenant: string; version: "v2.0" | "v1" }
  | { kind: "keys"; tenant: string }
  | { kind: "token"; tenant: string; version: "v2.0" | "v1" }
  | { kind: "adfsOidc" }
  | { kind: "adfsKeys" }
  | { kind: "adfsToken" };

const CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/** Scopes MSAL may add beside the resource scope; they do not name a resource. */
const OIDC_SCOPES = new Set(["openid", "profile", "offline_access", "email"]);

/** Matches an Entra or ADFS path; undefined when the path is not one of them. */
function route(pathname: string): Route | undefined {
  if (/^\/adfs(\/adfs)?\/\.well-known\/openid-configuration$/i.test(pathname)) return { kind: "adfsOidc" };
  if (/^\/adfs\/discovery\/keys$/i.test(pathname)) return { kind: "adfsKeys" };
  if (/^\/adfs\/oauth2\/token\/?$/i.test(pathname)) return { kind: "adfsToken" };
  const m = /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|\.well-known\/openid-configuration|discovery\/v2\.0\/keys|discovery\/keys|oauth2\/v2\.0\/token|oauth2\/token)$/i.exec(
    pathname,
  );
  if (!m) return undefined;
  const tenant = safeDecode(m[1] ?? "");
  switch ((m[2] ?? "").toLowerCase()) {
    case "v2.0/.well-known/openid-configuration":
      return { kind: "oidc", tenant, version: "v2.0" };
    case ".well-known/openid-configuration":
      return { kind: "oidc", tenant, version: "v1" };
    case "oauth2/v2.0/token":
      return { kind: "token", tenant, version: "v2.0" };
    case "oauth2/token":
      return { kind: "token", tenant, version: "v1" };
    default:
      return { kind: "keys", tenant };
  }
}

/** A percent-decoded path segment; the raw text when it is not valid percent-encoding. */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Serves an Entra/ADFS route; false when `url` is not one. */
export function handleEntra(
  ctx: IdentityContext,
  baseUrl: string,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  body: Buffer,
): boolean {
  const r = route(url.pathname);
  if (!r) return false;
  const now = ctx.clock.now();
  const isToken = r.kind === "token" || r.kind === "adfsToken";
  const method = isToken ? "POST" : "GET";
  if (req.method !== method) {
    res.setHeader("allow", method);
    sendEntraError(res, {
      status: isToken ? 400 : 405,
      error: "invalid_request",
      code: 900561,
      message: `The endpoint only accepts ${method} requests. Received a ${req.method ?? "?"} request.`,
    }, now);
    return true;
  }
  if ((r.kind === "oidc" || r.kind === "keys" || r.kind === "token") && !ctx.directory.hasTenant(r.tenant)) {
    sendEntraError(res, {
      status: 400,
      error: r.kind === "token" ? "invalid_request" : "invalid_tenant",
      code: 90002,
      message:
        `Tenant '${printable(r.tenant)}' not found. Check to make sure you have the correct tenant ID and are signing into ` +
        "the correct cloud. (The emulator knows its own tenant and the tenants of its seeded principals.)",
    }, now);
    return true;
  }
  switch (r.kind) {
    case "oidc":
      sendJson(res, 200, r.version === "v2.0" ? openIdConfigurationV2(baseUrl, r.tenant) : openIdConfigurationV1(baseUrl, r.tenant));
      return true;
    case "adfsOidc":
      sendJson(res, 200, openIdConfigurationAdfs(baseUrl));
      return true;
    case "keys":
    case "adfsKeys":
      sendJson(res, 200, ctx.issuer.jwks());
      return true;
    case "token":
      tokenEndpoint(ctx, req, res, body, r.version, r.tenant);
      return true;
    case "adfsToken":
      tokenEndpoint(ctx, req, res, body, "adfs", undefined);
      return true;
  }
}

/** The client-credentials grant (client secret or client assertion). */
function tokenEndpoint(
  ctx: IdentityContext,
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
  version: "v2.0" | "v1" | "adfs",
  tenant: string | undefined,
): void {
  const now = ctx.clock.now();
  const fail = (e: EntraError) => sendEntraError(res, e, now);
  const missing = (name: string): EntraError => ({
    status: 400,
    error: "invalid_request",
    code: 900144,
    message: `The request body must contain the following parameter: '${name}'.`,
  });

  const form = readForm(req, body);
  if (!form) return fail(missing("grant_type"));
  const grantType = form.get("grant_type");
  if (!grantType) return fail(missing("grant_type"));
  if (grantType !== "client_credentials") {
    return fail({
      status: 400,
      error: "unsupported_grant_type",
      code: 70003,
      message: `The app requested an unsupported grant type '${printable(grantType)}'. The emulator supports 'client_credentials' only.`,
    });
  }
  // client_secret_basic (RFC 6749 §2.3.1): the client id and secret may come in an HTTP Basic header instead.
  const basic = basicCredentials(req);
  const clientId = form.get("client_id") ?? basic?.clientId;
  if (!clientId) return fail(missing("client_id"));
  if (basic && !form.has("client_secret") && basic.clientId === clientId) form.set("client_secret", basic.secret);

  const principal = ctx.directory.byClient(clientId);
  const directoryName = tenant ?? "adfs";
  if (!principal || principal.managedIdentity || (tenant !== undefined && principal.tenantId.toLowerCase() !== tenant.toLowerCase())) {
    return fail({
      status: 400,
      error: "unauthorized_client",
      code: 700016,
      message:
        `Application with identifier '${printable(clientId)}' was not found in the directory '${printable(directoryName)}'. ` +
        "This can happen if the application has not been installed by the administrator of the tenant or consented to by any " +
        "user in the tenant. You may have sent your authentication request to the wrong tenant.",
    });
  }

  // v2.0 takes `scope` (`{resource}/.default`); v1 takes `resource`; ADFS (MSAL Python) sends `scope`, older clients `resource`.
  const resource = requestedResource(form, version);
  if (typeof resource !== "string") {
    return fail(resource.missing ? missing(version === "v1" ? "resource" : "scope") : resource.error);
  }

  const clientAuth = authenticateClient(principal, form, now);
  if (clientAuth.error) return fail(clientAuth.error);

  const { token, claims } = ctx.issuer.mint(
    {
      tenantId: principal.tenantId,
      objectId: principal.objectId,
      clientId: principal.clientId,
      kind: "servicePrincipal",
      clientAuthMethod: clientAuth.method,
    },
    { audience: resource, lifetimeSeconds: ENTRA_TOKEN_LIFETIME_SECONDS },
  );
  const lifetime = claims.exp - claims.iat;
  if (version === "adfs") {
    ctx.stats.adfs++;
    sendJson(res, 200, { access_token: token, token_type: "bearer", expires_in: lifetime, resource, scope: `${resource}/.default` });
  } else if (version === "v1") {
    ctx.stats.entra++;
    sendJson(res, 200, {
      token_type: "Bearer",
      expires_in: String(lifetime),
      ext_expires_in: String(lifetime),
      expires_on: String(claims.exp),
      not_before: String(claims.nbf),
      resource,
      access_token: token,
    });
  } else {
    ctx.stats.entra++;
    sendJson(res, 200, { token_type: "Bearer", expires_in: lifetime, ext_expires_in: lifetime, access_token: token });
  }
}

/** `Authorization: Basic base64(urlencode(client_id):urlencode(client_secret))`, if sent and well-formed. */
function basicCredentials(req: IncomingMessage): { clientId: string; secret: string } | undefined {
  const m = /^Basic +([A-Za-z0-9+/=]+)$/i.exec(req.headers.authorization ?? "");
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0) return undefined;
  try {
    return {
      clientId: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, " ")),
      secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, " ")),
    };
  } catch {
    return undefined;
  }
}

/** The ARM resource a token request asks for (the token's audience), or why it cannot be served. */
function requestedResource(
  form: URLSearchParams,
  version: "v2.0" | "v1" | "adfs",
): string | { missing: true } | { missing: false; error: EntraError } {
  const resourceParam = form.get("resource");
  const scopeParam = form.get("scope");
  if (version === "v1" || (version === "adfs" && !scopeParam && resourceParam)) {
    if (!resourceParam) return { missing: true };
    return isArmAudience(resourceParam) ? resourceParam : { missing: false, error: badResource(resourceParam) };
  }
  if (!scopeParam) return { missing: true };
  const scopes = scopeParam.split(/\s+/).filter((s) => s !== "" && !OIDC_SCOPES.has(s.toLowerCase()));
  const [scope] = scopes;
  if (scopes.length !== 1 || scope === undefined || !scope.endsWith("/.default")) {
    return {
      missing: false,
      error: {
        status: 400,
        error: "invalid_scope",
        code: 70011,
        message:
          `The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' ` +
          `'${printable(scopeParam)}' is not valid. Client credential flows must have one scope value with /.default ` +
          "suffixed to the resource identifier, e.g. 'https://management.azure.com/.default'.",
      },
    };
  }
  const res = scope.slice(0, -"/.default".length);
  return isArmAudience(res) ? res : { missing: false, error: badResource(res) };
}

function badResource(resource: string): EntraError {
  return {
    status: 400,
    error: "invalid_scope",
    code: 70011,
    message:
      `The provided value for the input parameter 'scope' is not valid. The resource '${printable(resource)}' is not ` +
      "served by this emulator; ask for Azure Resource Manager, e.g. 'https://management.azure.com/.default' or " +
      "'https://management.core.windows.net//.default'. (An ARM client built with a local endpoint asks for " +
      "'{endpoint}/.default' unless it is given credentials.scopes.)",
  };
}

function isArmAudience(resource: string): boolean {
  return (ARM_AUDIENCES as readonly string[]).includes(resource);
}

/** Checks the client secret or client assertion; `method` is the token's `appidacr`. */
function authenticateClient(
  principal: KnownPrincipal,
  form: URLSearchParams,
  now: Date,
): { method: "1" | "2"; error?: undefined } | { error: EntraError } {
  const secret = form.get("client_secret");
  const assertion = form.get("client_assertion");
  if (secret !== null) {
    if (principal.clientSecret !== undefined && constantTimeEqual(secret, principal.clientSecret)) return { method: "1" };
    return {
      error: {
        status: 401,
        error: "invalid_client",
        code: 7000215,
        message:
          "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the " +
          `client secret ID, for a secret added to app '${principal.clientId}'.`,
      },
    };
  }
  if (assertion !== null) {
    const type = form.get("client_assertion_type");
    if (type !== CLIENT_ASSERTION_TYPE) {
      return {
        error: {
          status: 400,
          error: "invalid_request",
          code: 700025,
          message: `Client assertion type '${printable(type ?? "")}' is not supported; use '${CLIENT_ASSERTION_TYPE}'.`,
        },
      };
    }
    const error = checkFederatedAssertion(principal, assertion, now);
    return error ? { error } : { method: "2" };
  }
  return {
    error: {
      status: 401,
      error: "invalid_client",
      code: 7000218,
      message: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    },
  };
}

/**
 * Workload identity federation: the assertion's `iss`/`sub` must match one of the principal's federated
 * credentials and its `aud` one of that credential's audiences, within its validity window on the emulator
 * clock. Its signature is NOT verified: Entra would fetch the external issuer's JWKS (a Kubernetes cluster,
 * GitHub Actions...), which an offline emulator cannot reach; the emulator trusts issuer+subject, as the
 * federated credential record itself does.
 */
function checkFederatedAssertion(principal: KnownPrincipal, assertion: string, now: Date): EntraError | undefined {
  const jwt = decodeJwt(assertion);
  if (!jwt) {
    return { status: 400, error: "invalid_request", code: 50027, message: "JWT token is invalid or malformed." };
  }
  const { iss, sub, aud, exp, nbf } = jwt.claims;
  const audiences = (Array.isArray(aud) ? aud : [aud]).filter((a): a is string => typeof a === "string");
  const t = now.getTime() / 1000;
  if (typeof exp !== "number" || exp <= t || (typeof nbf === "number" && nbf > t + 300)) {
    return {
      status: 400,
      error: "invalid_client",
      code: 700024,
      message: "Client assertion is not within its valid time range.",
    };
  }
  const match = principal.federatedCredentials.find(
    (f) => f.issuer === iss && f.subject === sub && audiences.some((a) => f.audiences.includes(a)),
  );
  if (match) return undefined;
  return {
    status: 400,
    error: "invalid_request",
    code: 70021,
    message:
      `No matching federated identity record found for presented assertion. Assertion Issuer: '${printable(String(iss))}'. ` +
      `Assertion Subject: '${printable(String(sub))}'. Assertion Audience: '${printable(audiences.join(","))}'.`,
  };
}

function openIdConfigurationV2(base: string, tenant: string): Record<string, unknown> {
  const t = `${base}/${tenant}`;
  return {
    token_endpoint: `${t}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
    jwks_uri: `${t}/discovery/v2.0/keys`,
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    // On the emulator's own origin: MSAL accepts an issuer on the authority's host (or a Microsoft host) only.
    issuer: `${t}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${base}/oidc/userinfo`,
    authorization_endpoint: `${t}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${t}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${t}/oauth2/v2.0/logout`,
    claims_supported: ["sub", "iss", "aud", "exp", "iat", "auth_time", "acr", "nonce", "tid", "ver", "oid"],
    tenant_region_scope: null,
    cloud_instance_name: "microsoftonline.com",
    cloud_graph_host_name: "graph.windows.net",
    msgraph_host: "graph.microsoft.com",
  };
}

function openIdConfigurationV1(base: string, tenant: string): Record<string, unknown> {
  const t = `${base}/${tenant}`;
  return {
    token_endpoint: `${t}/oauth2/token`,
    token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
    jwks_uri: `${t}/discovery/keys`,
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    response_types_supported: ["code", "id_token", "code id_token", "token id_token", "token"],
    scopes_supported: ["openid"],
    // Entra's v1 document names https://sts.windows.net/{tid}/; the emulator keeps it on its own origin like v2.0.
    issuer: `${t}/`,
    authorization_endpoint: `${t}/oauth2/authorize`,
    device_authorization_endpoint: `${t}/oauth2/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${t}/oauth2/logout`,
    tenant_region_scope: null,
    cloud_instance_name: "microsoftonline.com",
    cloud_graph_host_name: "graph.windows.net",
    msgraph_host: "graph.microsoft.com",
  };
}

function openIdConfigurationAdfs(base: string): Record<string, unknown> {
  const a = `${base}/adfs`;
  return {
    issuer: a,
    authorization_endpoint: `${a}/oauth2/authorize`,
    token_endpoint: `${a}/oauth2/token`,
    jwks_uri: `${a}/discovery/keys`,
    end_session_endpoint: `${a}/oauth2/logout`,
    token_endpoint_auth_methods_supported: ["client_secret_post", "client_secret_basic", "private_key_jwt"],
    response_types_supported: ["code", "id_token", "code id_token", "id_token token", "code token", "code id_token token"],
    response_modes_supported: ["query", "fragment", "form_post"],
    grant_types_supported: ["authorization_code", "refresh_token", "client_credentials"],
    subject_types_supported: ["pairwise"],
    scopes_supported: ["openid", "profile", "email", "allatclaims"],
    id_token_signing_alg_values_supported: ["RS256"],
  };
}
