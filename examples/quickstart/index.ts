// Quickstart: a pull-only token for one repository of an existing registry, and its password.
//
//   pulumi config set registryName contosoregistry
//   pulumi config set resourceGroupName rg-registry
//   pulumi up
import * as pulumi from "@pulumi/pulumi";
import { RegistryToken, TokenPassword } from "acr-tokens";

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
// One generated password in the token's first slot, valid for 90 days from creation (fixed then, so
// later runs do not move it). Add a second TokenPassword with `slot: "password2"` to rotate without
// downtime.
const password1 = new TokenPassword("app-pull-password1", { token, expiresInDays: 90 });

/** The password, a secret: `pulumi stack output password --show-secrets`. */
export const password = password1.password;
export const passwordExpiry = password1.expiry;
/** Paste to log in; the password is read from stdin, never put on the command line. */
export const dockerLogin = pulumi.interpolate`pulumi stack output password --show-secrets | docker login ${token.loginServer} --username ${token.username} --password-stdin`;
