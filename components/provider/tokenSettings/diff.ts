import { sameArmId } from "../../arm/ids";
import type { TokenSettingsState } from "./types";

/** Another token replaces; scope map or status are updated in place (PATCH). Internal. Exported for testing. */
export function diffTokenSettings(olds: Partial<TokenSettingsState>, news: TokenSettingsState): { changes: boolean; replaces: string[] } {
  const replaces = sameArmId(olds.tokenId, news.tokenId) ? [] : ["tokenId"];
  const changed = !sameArmId(olds.scopeMapId, news.scopeMapId) || olds.status !== news.status;
  return { changes: replaces.length > 0 || changed, replaces };
}
