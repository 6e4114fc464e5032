import type { TokenStatus } from "../../arm/types";

/** Type name used in messages; the full token is `pulumi-nodejs:dynamic/acr-tokens:TokenSettings`. */
export const TOKEN_SETTINGS = "TokenSettings";

/** Inputs and outputs of TokenSettings (the same three values). */
export interface TokenSettingsState {
  /** ARM id of the token. */
  tokenId: string;
  /** ARM id of the scope map the token is bound to. */
  scopeMapId: string;
  /** Whether the token can authenticate. */
  status: TokenStatus;
}
