// The quickstart's shape (a RegistryToken with an inline scope map, and one TokenPassword), with the
// repository's actions and the token's status read from stack config, so that a test can change
// them between two runs of the same program.
import * as pulumi from "@pulumi/pulumi";
import { RegistryToken, TokenPassword, type RepositoryAction, type TokenStatus } from "acr-tokens";

const config = new pulumi.Config();

const token = new RegistryToken("app-pull", {
  registryName: config.require("registryName"),
  resourceGroupName: config.require("resourceGroupName"),
  repositories: { app: config.requireObject<RepositoryAction[]>("actions") },
  status: (config.get("status") ?? "enabled") as TokenStatus,
});
const password1 = new TokenPassword("app-pull-password1", { token, expiresInDays: 90 });

export const tokenId = token.id;
export const status = token.status;
export const password = password1.password;
