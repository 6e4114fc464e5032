// Zero-downtime rotation: a pull token whose two password slots take turns (RotatingTokenPassword).
//
//   pulumi config set registryName contosoregistry
//   pulumi config set resourceGroupName rg-registry
//   pulumi config set rotationPeriodDays 30      # optional, default 30
//   pulumi config set tokenId /subscriptions/…/tokens/ci-pull   # optional: rotate an existing token's passwords
//   pulumi up                                    # run it daily (e.g. a scheduled CI job)
//
// Every 30 days (periods counted in UTC from 1970-01-01) one slot gets a new password, valid for two
// periods plus a day; the other slot's password keeps working for at least one more period. A plain
// `pulumi up` makes the turn: no refresh, no manual step. Consumers read `password` (the newest) and
// may switch to it any time before `previousPassword` expires.
import * as pulumi from "@pulumi/pulumi";
import { RegistryToken, RotatingTokenPassword } from "acr-tokens";

const config = new pulumi.Config();

// The token: made here (the pull token "app-rotating" for repository "app"), or, with `tokenId` set, an existing one
// managed elsewhere (this stack then owns only its two password slots).
const existingTokenId = config.get("tokenId") || undefined;
const token =
  existingTokenId ??
  new RegistryToken("app-rotating", {
    registryName: config.require("registryName"),
    resourceGroupName: config.require("resourceGroupName"),
    repositories: { app: ["content/read", "metadata/read"] },
  });

const rotating = new RotatingTokenPassword("app-rotating", {
  token,
  rotationPeriodDays: config.getNumber("rotationPeriodDays") ?? 30,
});

export const loginServer = rotating.loginServer;
export const username = rotating.username;
/** The newest password (secret): what a consumer should switch to. */
export const password = rotating.password;
/** The other slot's password (secret), still valid until `previousPasswordExpiry`. */
export const previousPassword = rotating.previousPassword;
export const currentSlot = rotating.currentSlot;
export const passwordExpiry = rotating.passwordExpiry;
export const previousPasswordExpiry = rotating.previousPasswordExpiry;
/** When the other slot is regenerated (by the first `pulumi up` after this time). */
export const nextRotation = rotating.nextRotation;
