// CI with a bring-your-own access token: the pipeline signs in to Azure (OIDC / workload identity),
// runs `az account get-access-token`, exports the JSON as ACR_TOKENS_ACCESS_TOKEN and runs `pulumi up`
// and `npx acr-tokens check` with it (see .github/workflows/deploy.yml and azure-pipelines.yml).
// The access token is never a resource input and never enters state: the provider reads it when it
// runs. `credential: "accessToken"` makes a missing token an error instead of a silent fall-back.
//
//   pulumi config set registryName contosoregistry
//   pulumi config set resourceGroupName rg-registry
import * as pulumi from "@pulumi/pulumi";
import { RegistryToken, TokenPassword } from "acr-tokens";

const config = new pulumi.Config();

// A push token for the images this CI builds.
const token = new RegistryToken("ci-push", {
  registryName: config.require("registryName"),
  resourceGroupName: config.require("resourceGroupName"),
  repositories: { app: ["content/read", "content/write", "metadata/read"] },
});

// 30 days, renewed by the first `pulumi up` in its last 7 days (a scheduled deploy keeps it fresh).
const password = new TokenPassword("ci-push-password1", {
  token,
  expiresInDays: 30,
  rotateBeforeExpiryDays: 7,
  credential: "accessToken",
});

export const loginServer = token.loginServer;
export const username = token.username;
/** Secret: write it into the CI's secret store, e.g. `pulumi stack output pushPassword --show-secrets`. */
export const pushPassword = password.password;
export const pushPasswordExpiry = password.expiry;
/** What the last refresh found wrong with the password, or null. */
export const pushPasswordDrift = password.drift;
