// Drift check in CI: a scheduled job runs `pulumi preview --refresh --expect-no-changes` (see
// .github/workflows/drift-check.yml). The job fails when anything was changed outside Pulumi or is due:
// - the password regenerated or deleted out of band, expired, or inside its 14-day rotation window
//   (TokenPassword's refresh records `drift`; the preview then plans to generate it again);
// - the token disabled or bound to another scope map (TokenSettings reads them back);
// - the scope map's actions edited (azure-native reads them back).
// `pulumi up` repairs each; the `drift` output says what was found, in words.
//
//   pulumi config set registryName contosoregistry
//   pulumi config set resourceGroupName rg-registry
import * as pulumi from "@pulumi/pulumi";
import { RegistryToken, TokenPassword } from "acr-tokens";

const config = new pulumi.Config();

const token = new RegistryToken("deploy-pull", {
  registryName: config.require("registryName"),
  resourceGroupName: config.require("resourceGroupName"),
  repositories: { app: ["content/read", "metadata/read"] },
});

const password = new TokenPassword("deploy-pull-password1", { token, expiresInDays: 90, rotateBeforeExpiryDays: 14 });

export const username = token.username;
export const tokenStatus = token.status;
/** Secret. */
export const deployPassword = password.password;
export const deployPasswordExpiry = password.expiry;
/** What the last refresh found wrong, e.g. "password1 was regenerated out of band at …", or null. */
export const drift = password.drift;
