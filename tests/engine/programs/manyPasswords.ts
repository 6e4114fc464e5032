// Many passwords in one deployment: `count` tokens (default 25) bound to one shared scope map, each
// with both password slots filled, so `pulumi up --parallel 10` runs many generateCredentials at once,
// two of them on the same token.
import * as pulumi from "@pulumi/pulumi";
import { RegistryToken, ScopeMap, TokenPassword } from "acr-tokens";

const config = new pulumi.Config();
const registryName = config.require("registryName");
const resourceGroupName = config.require("resourceGroupName");
const count = config.getNumber("count") ?? 25;

const map = new ScopeMap("many-pull", { registryName, resourceGroupName, repositories: { app: ["content/read"] } });

const passwords: Record<string, pulumi.Output<string>> = {};
for (let i = 1; i <= count; i++) {
  const token = new RegistryToken(`many-${i}`, { registryName, resourceGroupName, scopeMap: map.id });
  for (const slot of ["password1", "password2"] as const) {
    passwords[`many-${i}/${slot}`] = new TokenPassword(`many-${i}-${slot}`, { token, slot }).password;
  }
}

/** Every password by `<token>/<slot>` (a secret). */
export const all = pulumi.secret(pulumi.all(passwords));
