// Quickstart: a pull-only token for one repository of an existing registry.
//
//   pulumi config set registryName contosoregistry
//   pulumi config set resourceGroupName rg-registry
//   pulumi up
import * as pulumi from "@pulumi/pulumi";
import { RegistryToken } from "acr-tokens";

const config = new pulumi.Config();
const repository = config.get("repository") ?? "app";

// Creates the scope map "app-pull-scope-map" (repositories/<repository>/content/read and
// metadata/read) and the token "app-pull" bound to it. Changing the actions or the status later
// updates them in place and keeps the token's passwords.
const token = new RegistryToken("app-pull", {
  registryName: config.require("registryName"),
  resourceGroupName: config.require("resourceGroupName"),
  repositories: { [repository]: ["content/read", "metadata/read"] },
});

export const loginServer = token.loginServer;
export const username = token.username;
export const scopeMapId = token.scopeMapId;

// ─── Password and `docker login` ──────────────────────────────────────────────────────────────
// PLACEHOLDER (TokenPassword, issue #5): add the token's password here — a `TokenPassword` on
// `token`, exported as a secret — and a `dockerLogin` output such as
// `docker login <loginServer> --username <username> --password-stdin`.
