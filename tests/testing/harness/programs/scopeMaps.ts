// A program of plain azure-native scope maps, driven by config, for the harness's own tests:
// `actions` (JSON list) of map "first", `firstName` its ARM name, `second` ("yes" registers a second
// map), `throwAfter` ("yes" makes the program throw after registering).
import * as pulumi from "@pulumi/pulumi";
import * as containerregistry from "@pulumi/azure-native/containerregistry";

const config = new pulumi.Config();
const registryName = config.require("registryName");
const resourceGroupName = config.require("resourceGroupName");

const first = new containerregistry.ScopeMap("first", {
  registryName,
  resourceGroupName,
  scopeMapName: config.get("firstName") ?? "first-map",
  actions: config.requireObject<string[]>("actions"),
});
if (config.get("second") === "yes") {
  new containerregistry.ScopeMap("second", { registryName, resourceGroupName, scopeMapName: "second-map", actions: ["repositories/b/content/read"] }, { dependsOn: [first] });
}
if (config.get("throwAfter") === "yes") {
  throw new Error("program failed on purpose");
}
export const firstId = first.id;
export const firstActions = first.actions;
