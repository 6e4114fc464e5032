import type { Clock } from "../clock";
import type { PrincipalDirectory } from "./principals";
import type { TokenIssuer } from "./tokenIssuer";
import type { IdentityStats } from "./types";

/** What the Entra and managed-identity route handlers share with the identity service. */
export interface IdentityContext {
  clock: Clock;
  issuer: TokenIssuer;
  directory: PrincipalDirectory;
  stats: IdentityStats;
  /** The secret the App Service managed-identity route expects in `x-identity-header`. */
  managedIdentityHeader: string;
}

/** Lifetime of Entra client-credential tokens (Entra answers `expires_in: 3599`). */
export const ENTRA_TOKEN_LIFETIME_SECONDS = 3599;

/** Lifetime of managed-identity tokens (App Service and IMDS hand out tokens valid for about 24 hours). */
export const MANAGED_IDENTITY_TOKEN_LIFETIME_SECONDS = 86399;
