// Engine options on the components: `protect` on a RegistryToken and its TokenPassword (a password is
// its own resource, not the token's child, so it needs its own `protect`), and a TokenPassword with
// `replaceOnChanges` on `rotateBeforeExpiryDays` (an in-place change otherwise) and, from config,
// `deleteBeforeReplace`; a change of `expiresInDays` is a replacement the provider asks for.
import * as pulumi from "@pulumi/pulumi";
import { RegistryToken, TokenPassword } from "acr-tokens";

const config = new pulumi.Config();
const protect = config.getBoolean("protect") ?? false;

const token = new RegistryToken(
  "opts-token",
  {
    registryName: config.require("registryName"),
    resourceGroupName: config.require("resourceGroupName"),
    repositories: { app: ["content/read", "metadata/read"] },
  },
  { protect },
);

const password1 = new TokenPassword(
  "opts-password1",
  { token, expiresInDays: config.getNumber("expiresInDays") ?? 90, rotateBeforeExpiryDays: config.getNumber("rotateBeforeExpiryDays") ?? 14 },
  { protect, replaceOnChanges: ["rotateBeforeExpiryDays"], deleteBeforeReplace: config.getBoolean("deleteBeforeReplace") ?? false },
);

export const tokenId = token.id;
export const password = password1.password;
