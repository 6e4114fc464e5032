// Adopting a token made outside Pulumi (e.g. `az acr token create --name app-pull --repository app
// content/read metadata/read`, which also makes the scope map "app-pull-scope-map") into a
// RegistryToken, through the engine's import: a stack transform puts the `import` option on the
// component's azure-native children (ids from config `tokenId` and `scopeMapId`). After the first
// `up` the transform can stay (import is ignored once the resource is in state) or go.
import * as pulumi from "@pulumi/pulumi";
import { RegistryToken } from "acr-tokens";

const config = new pulumi.Config();
const ids: Record<string, string | undefined> = {
  "azure-native:containerregistry:Token": config.get("tokenId"),
  "azure-native:containerregistry:ScopeMap": config.get("scopeMapId"),
};
pulumi.runtime.registerResourceTransform((args) => {
  const id = ids[args.type];
  return id ? { props: args.props, opts: { ...args.opts, import: id } } : undefined;
});

const token = new RegistryToken("app-pull", {
  registryName: config.require("registryName"),
  resourceGroupName: config.require("resourceGroupName"),
  repositories: { app: ["content/read", "metadata/read"] },
});

export const tokenId = token.id;
