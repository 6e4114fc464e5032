// Connected registry: the sync token of an on-premises connected registry needs the repositories it
// syncs *and* the gateway actions on itself (azure-cli's `acr connected-registry create` builds the
// same scope map). One ScopeMap with both kinds of grants, a RegistryToken bound to it, a password.
//
//   pulumi config set registryName contosoregistry
//   pulumi config set resourceGroupName rg-registry
import * as pulumi from "@pulumi/pulumi";
import { RegistryToken, ScopeMap, TokenPassword } from "acr-tokens";

const config = new pulumi.Config();
const registry = { registryName: config.require("registryName"), resourceGroupName: config.require("resourceGroupName") };
const connectedRegistry = config.get("connectedRegistry") ?? "edge01";

const syncScope = new ScopeMap("edge-sync", {
  ...registry,
  scopeMapName: `${connectedRegistry}-sync-scope-map`,
  description: `Sync scope of connected registry ${connectedRegistry}`,
  repositories: {
    app: ["content/read", "metadata/read"],
    "base/*": ["content/read", "metadata/read"],
  },
  // What the connected registry does on its own gateway: read and write its configuration, and
  // exchange messages with the cloud registry.
  gateways: { [connectedRegistry]: ["config/read", "config/write", "message/read", "message/write"] },
});

const syncToken = new RegistryToken("edge-sync", {
  ...registry,
  tokenName: `${connectedRegistry}-sync-token`,
  scopeMap: syncScope.id,
});

// The connected registry stores this password; 1 year, renewed by `up` in its last 30 days.
const syncPassword = new TokenPassword("edge-sync-password1", { token: syncToken, expiresInDays: 365, rotateBeforeExpiryDays: 30 });

export const scopeMapActions = syncScope.actions;
export const syncTokenName = syncToken.tokenName;
export const loginServer = syncToken.loginServer;
/** Secret: goes into the connected registry's connection string. */
export const password = syncPassword.password;
