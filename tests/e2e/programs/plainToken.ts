// Control program: the token made with PLAIN azure-native resources (no RegistryToken), plus a
// TokenPassword. azure-native updates a Token with a PUT from the program's inputs, which wipes the
// token's passwords; the e2e control tests show the harness reproduces that.
import * as pulumi from "@pulumi/pulumi";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import { TokenPassword } from "acr-tokens";

const config = new pulumi.Config();
const registryName = config.require("registryName");
const resourceGroupName = config.require("resourceGroupName");

const scopeMap = new containerregistry.ScopeMap("plain-scope-map", {
  registryName,
  resourceGroupName,
  scopeMapName: "plain-scope-map",
  actions: ["repositories/app/content/read"],
});
const token = new containerregistry.Token("plain", {
  registryName,
  resourceGroupName,
  tokenName: "plain-token",
  scopeMapId: scopeMap.id,
  status: config.get("status") ?? "enabled",
});
const password1 = new TokenPassword("plain-password1", { token: token.id });

export const tokenId = token.id;
export const password = password1.password;
