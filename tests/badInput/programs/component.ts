// One acr-tokens component built from config, for the bad-input table: `component` (ScopeMap,
// RegistryToken, TokenPassword or RotatingTokenPassword) and `args` (JSON), on top of the registry names in config.
import * as pulumi from "@pulumi/pulumi";
import { RegistryToken, RotatingTokenPassword, ScopeMap, TokenPassword } from "acr-tokens";

const config = new pulumi.Config();
const component = config.require("component");
const args = config.requireObject<Record<string, unknown>>("args");
// A row that gives registryId gets no registry names (the two are exclusive).
const registry = "registryId" in args ? {} : { registryName: config.require("registryName"), resourceGroupName: config.require("resourceGroupName") };

if (component === "ScopeMap") new ScopeMap("bad", { ...registry, ...args });
else if (component === "RegistryToken") new RegistryToken("bad", { ...registry, ...args });
else if (component === "TokenPassword") new TokenPassword("bad", args as never);
else if (component === "RotatingTokenPassword") new RotatingTokenPassword("bad", args as never);
else throw new Error(`unknown component ${component}`);
