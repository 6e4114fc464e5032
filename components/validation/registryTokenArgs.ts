import { TokenStatus } from "../arm/types";
import { checkScope } from "./actions";
import { SCOPE_MAP_NAME, TOKEN_NAME, checkName } from "../arm/names";
import { nearest, quote, type Checked, type ValidationProblem } from "../common/problems";
import { checkRegistry, checkScopeMapReference, type RegistryCoordinates, type RegistryInput, type ScopeMapReference } from "./registry";

/** The suffix `az acr token create --repository` gives the scope map it creates for a token. */
export const INLINE_SCOPE_MAP_SUFFIX = "-scope-map";

/** `RegistryTokenArgs` with every Input resolved. */
export interface RegistryTokenInput extends RegistryInput {
  readonly tokenName?: string;
  readonly status?: string;
  /** A scope map id or built-in name. */
  readonly scopeMap?: string;
  readonly repositories?: Readonly<Record<string, readonly string[]>>;
  readonly gateways?: Readonly<Record<string, readonly string[]>>;
  /** The subscription a registry given by name is in (the azure-native provider's), when the program states it. */
  readonly providerSubscription?: { id: string; source: string };
}

/**
 * A `scopeMap` that is not a string (only untyped JavaScript can pass one): a resource, by its type
 * token, or any other value, by its JavaScript type (`number`, `object`, `array`, `null`, …).
 */
export type NonStringScopeMap = { readonly resourceType: string } | { readonly typeOf: string };

/** Which scope arguments a token was given: known when the component is constructed. */
export interface ScopePresence {
  readonly scopeMap: boolean;
  readonly repositories: boolean;
  readonly gateways: boolean;
}

/** What a valid `RegistryTokenArgs` becomes. */
export interface RegistryTokenPlan {
  readonly registry: RegistryCoordinates;
  readonly tokenName: string;
  readonly status: TokenStatus;
  /** Where the token's scope comes from: an existing/built-in scope map, or an inline one to create. */
  readonly scope: { readonly kind: "reference"; readonly reference: ScopeMapReference } | ({ readonly kind: "inline" } & InlineScope);
}

/** An inline scope: the child scope map's name and grants. */
export interface InlineScope {
  readonly scopeMapName: string;
  readonly actions: string[];
  readonly repositories?: Readonly<Record<string, readonly string[]>>;
  readonly gateways?: Readonly<Record<string, readonly string[]>>;
}

/**
 * `scopeMap` takes a string, which every Pulumi language can pass. TypeScript refuses anything else,
 * but a JavaScript caller (or code written when it also took a `ScopeMap`) may pass the scope map
 * resource itself. Internal. Exported for testing.
 */
export function checkScopeMapIsString(given: NonStringScopeMap | undefined): ValidationProblem[] {
  if (given === undefined) {
    return [];
  }
  const expected = `scopeMap takes a string: a scope map id or a built-in name such as ${quote("_repositories_pull")}.`;
  if ("resourceType" in given) {
    const what = given.resourceType === "acr-tokens:index:ScopeMap" ? "a ScopeMap resource" : `a resource of type ${quote(given.resourceType)}`;
    return [{ propertyPath: "scopeMap", message: `scopeMap got ${what}; pass its id: scopeMap: map.id. ${expected}` }];
  }
  return [{ propertyPath: "scopeMap", message: `scopeMap got a value of type ${given.typeOf}. ${expected} For a ScopeMap, pass its id: scopeMap: map.id.` }];
}

/**
 * Exactly one of `scopeMap` or inline `repositories`/`gateways`. Internal. Exported for testing.
 */
export function checkScopePresence(given: ScopePresence): ValidationProblem[] {
  const inline = [given.repositories ? "repositories" : undefined, given.gateways ? "gateways" : undefined]
    .filter((p) => p !== undefined)
    .join(" and ");
  if (given.scopeMap && inline !== "") {
    return [
      {
        propertyPath: "scopeMap",
        message:
          `scopeMap and ${inline} are both set; a token has exactly one scope. ` +
          `Remove scopeMap to create a scope map from ${inline}, or remove ${inline} to use scopeMap.`,
      },
    ];
  }
  if (!given.scopeMap && inline === "") {
    return [
      {
        propertyPath: "scopeMap",
        message:
          "scopeMap, repositories and gateways are not set; a token needs a scope. " +
          `Set repositories (e.g. { "app": ["content/read"] }), or scopeMap: a scope map id (e.g. map.id of a ScopeMap) or a built-in name such as ${quote("_repositories_pull")}.`,
      },
    ];
  }
  return [];
}

/**
 * The token's name (default: the resource `name`); with an inline scope it must also leave room for
 * the `-scope-map` suffix. Internal. Exported for testing.
 */
export function checkTokenName(name: string, tokenName: string | undefined, inline: boolean): Checked<string> {
  const value = tokenName ?? name;
  const problems = checkName(
    TOKEN_NAME,
    value,
    tokenName === undefined ? { propertyPath: "tokenName", defaultedFrom: "the resource name" } : { propertyPath: "tokenName" },
  );
  const scopeMapName = `${value}${INLINE_SCOPE_MAP_SUFFIX}`;
  if (problems.length === 0 && inline && scopeMapName.length > SCOPE_MAP_NAME.max) {
    const maxTokenName = SCOPE_MAP_NAME.max - INLINE_SCOPE_MAP_SUFFIX.length;
    problems.push({
      propertyPath: "tokenName",
      message:
        `${tokenName === undefined ? "tokenName (the resource name)" : "tokenName"} ${quote(value)} is ${value.length} characters long, ` +
        `too long for the inline scope map ${quote(scopeMapName)} (scope map names are at most ${SCOPE_MAP_NAME.max} characters). ` +
        `With repositories or gateways, tokenName can have at most ${maxTokenName} characters; shorten it, or create a ScopeMap and pass its id as scopeMap.`,
    });
  }
  return problems.length > 0 ? { problems } : { plan: value, problems };
}

/** `enabled` or `disabled` (default `enabled`). Internal. Exported for testing. */
export function checkStatus(status: string | undefined): Checked<TokenStatus> {
  const value = String(status ?? TokenStatus.Enabled);
  const statuses: readonly string[] = Object.values(TokenStatus);
  if (statuses.includes(value)) {
    return { plan: value as TokenStatus, problems: [] };
  }
  const suggestion = statuses.includes(value.toLowerCase()) ? value.toLowerCase() : nearest(value, statuses);
  return {
    problems: [
      {
        propertyPath: "status",
        message:
          `status ${quote(value)} is not a token status.` +
          (suggestion === undefined ? "" : ` Use ${quote(suggestion)}.`) +
          ` Allowed: ${statuses.join(", ")}.`,
      },
    ],
  };
}

/**
 * The grants of an inline scope, and the child scope map's name `<tokenName>-scope-map`.
 * Internal. Exported for testing.
 */
export function checkInlineScope(
  tokenName: string,
  scope: Pick<RegistryTokenInput, "repositories" | "gateways">,
): Checked<InlineScope> {
  const { actions, problems } = checkScope(scope);
  if (problems.length > 0) {
    return { problems };
  }
  return {
    plan: {
      scopeMapName: `${tokenName}${INLINE_SCOPE_MAP_SUFFIX}`,
      actions,
      ...(scope.repositories === undefined ? {} : { repositories: scope.repositories }),
      ...(scope.gateways === undefined ? {} : { gateways: scope.gateways }),
    },
    problems: [],
  };
}

/**
 * Validates resolved `RegistryTokenArgs` of the resource `name`, all rules at once. Returns the plan,
 * or every problem found. Internal. Exported for testing.
 */
export function planRegistryToken(name: string, input: RegistryTokenInput): Checked<RegistryTokenPlan> {
  const presence = {
    scopeMap: input.scopeMap !== undefined,
    repositories: input.repositories !== undefined,
    gateways: input.gateways !== undefined,
  };
  const inline = presence.repositories || presence.gateways;
  const registry = checkRegistry(input);
  const tokenName = checkTokenName(name, input.tokenName, inline);
  const status = checkStatus(input.status);
  const problems = [...registry.problems, ...tokenName.problems, ...status.problems];
  const presenceProblems = checkScopePresence(presence);
  problems.push(...presenceProblems);

  let scope: RegistryTokenPlan["scope"] | undefined;
  if (presenceProblems.length === 0 && inline) {
    const checked = checkInlineScope(tokenName.plan ?? name, input);
    problems.push(...checked.problems);
    scope = checked.plan && { kind: "inline", ...checked.plan };
  } else if (presenceProblems.length === 0 && input.scopeMap !== undefined) {
    const checked = checkScopeMapReference(input.scopeMap, registry.registry, input.providerSubscription);
    problems.push(...checked.problems);
    scope = checked.reference && { kind: "reference", reference: checked.reference };
  }
  if (problems.length > 0 || registry.registry === undefined || tokenName.plan === undefined || status.plan === undefined || scope === undefined) {
    return { problems };
  }
  return { plan: { registry: registry.registry, tokenName: tokenName.plan, status: status.plan, scope }, problems: [] };
}
