import { BuiltInScopeMap } from "./types";
import { quote, type ValidationProblem } from "../common/problems";

/** A naming rule of the ACR management API (../shared/acr/README.md §2). */
interface NameRule {
  /** "registry name", used in messages. */
  readonly noun: string;
  readonly min: number;
  readonly max: number;
  /** Matches one allowed character. */
  readonly allowedChar: RegExp;
  /** "letters, digits and hyphens": what `allowedChar` allows, for messages. */
  readonly allowedText: string;
  /** What a disallowed character becomes in the suggested fix ("" drops it). */
  readonly replacement: string;
  /** The name must be lower case (registry names: the login server is the lower-cased name). */
  readonly lowerCase?: boolean;
}

/** Registry: 5–50 letters and digits; upper case is refused here with the lower-case suggestion. */
export const REGISTRY_NAME: NameRule = {
  noun: "registry name",
  min: 5,
  max: 50,
  allowedChar: /[a-z0-9]/i,
  allowedText: "lower-case letters and digits",
  replacement: "",
  lowerCase: true,
};

/** Token: 5–50 letters, digits and hyphens. */
export const TOKEN_NAME: NameRule = {
  noun: "token name",
  min: 5,
  max: 50,
  allowedChar: /[a-z0-9-]/i,
  allowedText: "letters, digits and hyphens",
  replacement: "-",
};

/** Scope map: 5–50 letters, digits, hyphens and underscores. */
export const SCOPE_MAP_NAME: NameRule = {
  noun: "scope map name",
  min: 5,
  max: 50,
  allowedChar: /[a-z0-9_-]/i,
  allowedText: "letters, digits, hyphens and underscores",
  replacement: "-",
};

/**
 * Connected registry (the `<name>` of `gateway/<name>/<action>`): 5–50 letters and digits, the REST
 * spec's rule for `connectedRegistryName`.
 */
export const CONNECTED_REGISTRY_NAME: NameRule = {
  noun: "connected registry name",
  min: 5,
  max: 50,
  allowedChar: /[a-z0-9]/i,
  allowedText: "letters and digits",
  replacement: "",
};

/** Where a checked name came from, so the fix can say what to change. */
export interface NameSource {
  /** The property path to report, e.g. `tokenName`. */
  readonly propertyPath: string;
  /**
   * Set when the name was not given and defaulted from the Pulumi resource name; the message then
   * says so and tells the user to set the property explicitly.
   */
  readonly defaultedFrom?: "the resource name";
  /** The name is a map key already shown in the path (`gateways["edge1"]`): do not repeat it. */
  readonly keyed?: boolean;
}

/**
 * Checks `value` against `rule`; returns one problem that lists every broken part of the rule and,
 * when one exists, a corrected name to use. Internal. Exported for testing.
 */
export function checkName(rule: NameRule, value: string, source: NameSource): ValidationProblem[] {
  const reasons: string[] = [];
  const bad = [...new Set([...value].filter((c) => !rule.allowedChar.test(c)))];
  if (value.length < rule.min || value.length > rule.max) {
    reasons.push(`it is ${value.length} character${value.length === 1 ? "" : "s"} long`);
  }
  if (bad.length > 0) {
    reasons.push(`it contains ${bad.map(quote).join(", ")}`);
  }
  if (rule.lowerCase && value !== value.toLowerCase()) {
    reasons.push("it has upper-case letters");
  }
  if (reasons.length === 0) {
    return [];
  }
  const subject =
    source.defaultedFrom !== undefined
      ? `${source.propertyPath} is not set and ${source.defaultedFrom}, ${quote(value)},`
      : source.keyed
        ? source.propertyPath
        : `${source.propertyPath} ${quote(value)}`;
  const rule_ = `${capitalize(rule.noun)}s are ${rule.min}–${rule.max} ${rule.allowedText}.`;
  const suggestion = suggestName(rule, value);
  const fix =
    source.defaultedFrom !== undefined
      ? ` Set ${source.propertyPath} explicitly${suggestion === undefined ? "" : `, e.g. ${quote(suggestion)}`}.`
      : suggestion === undefined
        ? ""
        : ` Use ${quote(suggestion)}.`;
  return [
    {
      propertyPath: source.propertyPath,
      message: `${subject} is not a valid ${rule.noun}: ${reasons.join("; ")}. ${rule_}${fix}`,
    },
  ];
}

/** A name close to `value` that satisfies `rule`, or undefined when none is obvious (too short). */
function suggestName(rule: NameRule, value: string): string | undefined {
  let fixed = [...value].map((c) => (rule.allowedChar.test(c) ? c : rule.replacement)).join("");
  if (rule.lowerCase) {
    fixed = fixed.toLowerCase();
  }
  fixed = fixed.slice(0, rule.max).replace(/-+$/, "");
  return fixed.length >= rule.min && fixed !== value ? fixed : undefined;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * A user-defined scope map must not take a built-in map's name. Internal. Exported for testing.
 */
export function checkUserScopeMapName(value: string, source: NameSource): ValidationProblem[] {
  const problems = checkName(SCOPE_MAP_NAME, value, source);
  if (problems.length === 0 && (Object.values(BuiltInScopeMap) as string[]).includes(value.toLowerCase())) {
    problems.push({
      propertyPath: source.propertyPath,
      message:
        `${source.propertyPath} ${quote(value)} is the name of a built-in scope map, which every registry already has. ` +
        `Choose another name, or give RegistryToken scopeMap: ${quote(value.toLowerCase())} to use the built-in map.`,
    });
  }
  return problems;
}

/**
 * Resource group names: 1–90 letters, digits, underscores, hyphens, periods and parentheses, not
 * ending in a period (Azure Resource Manager naming rules). Internal. Exported for testing.
 */
export function checkResourceGroupName(value: string, propertyPath: string): ValidationProblem[] {
  const reasons: string[] = [];
  const bad = [...new Set([...value].filter((c) => !/[\p{L}\p{N}_\-.()]/u.test(c)))];
  if (value.length < 1 || value.length > 90) {
    reasons.push(`it is ${value.length} characters long`);
  }
  if (bad.length > 0) {
    reasons.push(`it contains ${bad.map(quote).join(", ")}`);
  }
  if (value.endsWith(".")) {
    reasons.push("it ends with a period");
  }
  if (reasons.length === 0) {
    return [];
  }
  return [
    {
      propertyPath,
      message:
        `${propertyPath} ${quote(value)} is not a valid resource group name: ${reasons.join("; ")}. ` +
        "Resource group names are 1–90 letters, digits, underscores, hyphens, periods and parentheses, and do not end with a period.",
    },
  ];
}

/**
 * True when `value` keeps `rule`'s length and characters, in any case: the test for a name inside a
 * resource id, which ARM returns in the casing the resource was created with.
 */
export function isValidName(rule: NameRule, value: string): boolean {
  return value.length >= rule.min && value.length <= rule.max && [...value].every((c) => rule.allowedChar.test(c));
}

/** True when {@link checkResourceGroupName} finds nothing wrong with `value`. */
export function isValidResourceGroupName(value: string): boolean {
  return checkResourceGroupName(value, "resourceGroupName").length === 0;
}

