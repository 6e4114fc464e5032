import { TokenStatus } from "../types";
import { checkScope } from "./actions";
import { SCOPE_MAP_NAME, TOKEN_NAME, checkName } from "./names";
import { nearest, quote, type ValidationProblem } from "./problems";
import { checkRegistry, checkScopeMapReference, type RegistryCoordinates, type RegistryInput, type ScopeMapReference } from "./registry";

/** The suffix `az acr token create --repository` gives the scope map it creates for a token. */
export const INLINE_SCOPE_MAP_SUFFIX = "-scope-map";

/** `RegistryTokenArgs` with every Input resolved (a `ScopeMap` instance given as its id). */
export interface RegistryTokenInput extends RegistryInput {
  readonly tokenName?: string;
  readonly status?: string;
  /** A scope map id or built-in name; with `scopeMapIsResource`, the `ScopeMap`'s id once known. */
  readonly scopeMap?: string;
  /**
   * The program gave a `ScopeMap` instance: a scope is set even while its id is not known yet (the
   * synchronous pre-check), and its id is checked once known.
   */
  readonly scopeMapIsResource?: boolean;
  readonly repositories?: Readonly<Record<string, readonly string[]>>;
  readonly gateways?: Readonly<Record<string, readonly string[]>>;
}

/** What a valid `RegistryTokenArgs` becomes. */
export interface RegistryTokenPlan {
  readonly registry: RegistryCoordinates;
  readonly tokenName: string;
  readonly status: TokenStatus;
  /** Where the token's scope comes from: an existing/built-in scope map, or an inline one to create. */
  readonly scope:
    | { readonly kind: "reference"; readonly reference: ScopeMapReference }
    | {
        readonly kind: "inline";
        readonly scopeMapName: string;
        readonly actions: string[];
        readonly repositories?: Readonly<Record<string, readonly string[]>>;
        readonly gateways?: Readonly<Record<string, readonly string[]>>;
      };
}

/**
 * Validates resolved `RegistryTokenArgs` of the resource `name`. Returns the plan, or every problem
 * found. Internal. Exported for testing.
 */
export function planRegistryToken(
  name: string,
  input: RegistryTokenInput,
): { plan: RegistryTokenPlan; problems: [] } | { plan?: undefined; problems: ValidationProblem[] } {
  const { registry, problems } = checkRegistry(input);
  const tokenName = input.tokenName ?? name;
  const tokenNameSource =
    input.tokenName === undefined ? ({ propertyPath: "tokenName", defaultedFrom: "the resource name" } as const) : { propertyPath: "tokenName" };
  const tokenNameProblems = checkName(TOKEN_NAME, tokenName, tokenNameSource);
  problems.push(...tokenNameProblems);

  const status = String(input.status ?? TokenStatus.Enabled);
  const statuses: readonly string[] = Object.values(TokenStatus);
  if (!statuses.includes(status)) {
    const suggestion = statuses.includes(status.toLowerCase()) ? status.toLowerCase() : nearest(status, statuses);
    problems.push({
      propertyPath: "status",
      message:
        `status ${quote(status)} is not a token status.` +
        (suggestion === undefined ? "" : ` Use ${quote(suggestion)}.`) +
        ` Allowed: ${statuses.join(", ")}.`,
    });
  }

  const inline = input.repositories !== undefined || input.gateways !== undefined;
  const hasScopeMap = input.scopeMap !== undefined || input.scopeMapIsResource === true;
  let scope: RegistryTokenPlan["scope"] | undefined;
  if (hasScopeMap && inline) {
    const inlineProps = [input.repositories !== undefined ? "repositories" : undefined, input.gateways !== undefined ? "gateways" : undefined]
      .filter((p) => p !== undefined)
      .join(" and ");
    problems.push({
      propertyPath: "scopeMap",
      message:
        `scopeMap and ${inlineProps} are both set; a token has exactly one scope. ` +
        `Remove scopeMap to create a scope map from ${inlineProps}, or remove ${inlineProps} to use scopeMap.`,
    });
  } else if (hasScopeMap) {
    // A ScopeMap instance whose id is not known yet: nothing to check until it is (no plan either).
    if (input.scopeMap === undefined) {
      return { problems };
    }
    const checked = checkScopeMapReference(input.scopeMap, registry);
    problems.push(...checked.problems);
    scope = checked.reference && { kind: "reference", reference: checked.reference };
  } else if (inline) {
    const checked = checkScope(input);
    problems.push(...checked.problems);
    const scopeMapName = `${tokenName}${INLINE_SCOPE_MAP_SUFFIX}`;
    if (tokenNameProblems.length === 0 && scopeMapName.length > SCOPE_MAP_NAME.max) {
      const maxTokenName = SCOPE_MAP_NAME.max - INLINE_SCOPE_MAP_SUFFIX.length;
      problems.push({
        propertyPath: "tokenName",
        message:
          `${input.tokenName === undefined ? "tokenName (the resource name)" : "tokenName"} ${quote(tokenName)} is ${tokenName.length} characters long, ` +
          `too long for the inline scope map ${quote(scopeMapName)} (scope map names are at most ${SCOPE_MAP_NAME.max} characters). ` +
          `With repositories or gateways, tokenName can have at most ${maxTokenName} characters; shorten it, or create a ScopeMap and pass it as scopeMap.`,
      });
    }
    scope = {
      kind: "inline",
      scopeMapName,
      actions: checked.actions,
      ...(input.repositories === undefined ? {} : { repositories: input.repositories }),
      ...(input.gateways === undefined ? {} : { gateways: input.gateways }),
    };
  } else {
    problems.push({
      propertyPath: "scopeMap",
      message:
        "scopeMap, repositories and gateways are not set; a token needs a scope. " +
        `Set repositories (e.g. { "app": ["content/read"] }), or scopeMap: a ScopeMap, a scope map id, or a built-in name such as ${quote("_repositories_pull")}.`,
    });
  }
  if (problems.length > 0 || registry === undefined || scope === undefined) {
    return { problems };
  }
  return { plan: { registry, tokenName, status: status as TokenStatus, scope }, problems: [] };
}
