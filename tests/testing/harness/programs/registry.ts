// A program that creates its own registry (azure-native Registry) and a scope map in it, for the
// harness's own tests. `sku` config sets the registry's SKU (default Premium).
import * as pulumi from "@pulumi/pulumi";
import * as containerregistry from "@pulumi/azure-native/containerregistry";

const config = new pulumi.Config();
const resourceGroupName = config.require("resourceGroupName");

const registry = new containerregistry.Registry("registry", {
  resourceGroupName,
  registryName: "harnessowned",
  location: "eastus",
  sku: { name: config.get("sku") ?? "Premium" },
  adminUserEnabled: false,
});
const map = new containerregistry.ScopeMap("map", {
  resourceGroupName,
  registryName: registry.name,
  scopeMapName: "owned-map",
  actions: ["repositories/app/content/read"],
});
const looked = containerregistry.getRegistryOutput({ resourceGroupName, registryName: registry.name });

export const loginServer = registry.loginServer;
export const lookedUpLoginServer = looked.loginServer;
export const scopeMapId = map.id;
