import { describe } from "../common/redact";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { parseTokenId, scopeMapIdError, type TokenRef } from "../arm/ids";
import { TokenStatus } from "../arm/types";
import type { Checked, ValidationProblem } from "../common/problems";

const STATUSES: readonly string[] = Object.values(TokenStatus);

/**
 * The rules of a TokenSettings' inputs; unknown values (preview) pass unchecked. Returns the inputs
 * as the plan, also when there are problems. Internal. Exported for testing.
 */
export function checkTokenSettingsInputs(news: Record<string, unknown>): Checked<Record<string, unknown>> & { plan: Record<string, unknown> } {
  const problems: ValidationProblem[] = [];
  const fail = (propertyPath: string, message: string) => problems.push({ propertyPath, message });
  const { tokenId, scopeMapId, status } = news;
  let ref: TokenRef | undefined;
  if (tokenId !== unknownValue) {
    const parsed = parseTokenId(tokenId);
    if ("error" in parsed) fail("tokenId", `tokenId ${parsed.error}`);
    else ref = parsed;
  }
  if (scopeMapId !== unknownValue) {
    const error = scopeMapIdError(scopeMapId, ref);
    if (error) fail("scopeMapId", `scopeMapId ${error}`);
  }
  if (status !== unknownValue && (typeof status !== "string" || !STATUSES.includes(status))) {
    fail("status", `status is ${describe(status)}; use "enabled" or "disabled".`);
  }
  // Absent values stay absent: the host cannot send `undefined` back (an absent key is how "not set" survives the wire).
  const inputs = Object.fromEntries(Object.entries({ tokenId, scopeMapId, status }).filter(([, v]) => v !== undefined));
  return { plan: inputs, problems };
}
