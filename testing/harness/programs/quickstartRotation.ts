// The quickstart (examples/quickstart) with the zero-downtime rotation steps `npm run demo` shows,
// driven by stack config. Same resources and names as the quickstart, so switching a stack from the
// quickstart to this program changes nothing until the config asks for it:
// - `password2: "yes"` adds a second TokenPassword in the token's other slot (`password2`);
// - `password1Days` sets password1's lifetime (default 90, as in the quickstart); changing it
//   replaces password1: its slot is regenerated in place (create-before-delete: the new password
//   overwrites the slot, then the old resource's delete finds another creationTime and keeps it).
import * as pulumi from "@pulumi/pulumi";
import { RegistryToken, TokenPassword } from "acr-tokens";

const config = new pulumi.Config();
const repository = config.get("repository") ?? "app";

const token = new RegistryToken("app-pull", {
  registryName: config.require("registryName"),
  resourceGroupName: config.require("resourceGroupName"),
  repositories: { [repository]: ["content/read", "metadata/read"] },
});
const password1 = new TokenPassword("app-pull-password1", { token, expiresInDays: config.getNumber("password1Days") ?? 90 });

export const loginServer = token.loginServer;
export const username = token.username;
export const scopeMapId = token.scopeMapId;
export const password = password1.password;
export const passwordExpiry = password1.expiry;

let second: TokenPassword | undefined;
if (config.get("password2") === "yes") {
  second = new TokenPassword("app-pull-password2", { token, slot: "password2", expiresInDays: 90 });
}
/** The second password (secret), while the rotation uses it. */
export const password2 = second?.password;
export const password2Expiry = second?.expiry;
