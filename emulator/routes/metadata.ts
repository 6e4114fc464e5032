import type { Route, RouteContext, RouteResult } from "./context";

/**
 * `GET /metadata/endpoints` (anonymous, as on real ARM). api-version 2015-01-01 (the Azure CLI's
 * cloud auto-detection) gets the legacy object; later versions the array of clouds. The
 * authority is the emulator itself; the ACR login-server suffix stays `azurecr.io`.
 */

const AUDIENCES = ["https://management.core.windows.net/", "https://management.azure.com/"];

function endpoints(ctx: RouteContext): RouteResult {
  const origin = ctx.origin;
  if (ctx.apiVersion === "2015-01-01") {
    return {
      status: 200,
      body: {
        galleryEndpoint: `${origin}/`,
        graphEndpoint: `${origin}/`,
        portalEndpoint: `${origin}/`,
        authentication: { loginEndpoint: `${origin}/`, audiences: AUDIENCES },
      },
    };
  }
  return {
    status: 200,
    body: [
      {
        portal: `${origin}/`,
        authentication: { loginEndpoint: `${origin}/`, audiences: AUDIENCES, tenant: "common", identityProvider: "AAD" },
        media: `${origin}/`,
        graphAudience: `${origin}/`,
        graph: `${origin}/`,
        name: "AzureCloud",
        suffixes: { acrLoginServer: "azurecr.io", keyVaultDns: "vault.azure.net", storage: "core.windows.net" },
        batch: `${origin}/`,
        resourceManager: `${origin}/`,
        activeDirectoryDataLake: `${origin}/`,
        sqlManagement: `${origin}/`,
        gallery: `${origin}/`,
      },
    ],
  };
}

export const metadataRoutes: Route[] = [
  { method: "GET", pattern: "/metadata/endpoints", family: "metadata", operation: "metadata.endpoints", action: "", anonymous: true, handler: endpoints },
];
