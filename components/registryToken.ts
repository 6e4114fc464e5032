import * as containerregistry from "@pulumi/azure-native/containerregistry";
import * as pulumi from "@pulumi/pulumi";
import { azureNativeChildOptions } from "./childOptions";
import { throwIfInvalid } from "./validation/errors";
import { isPlain, mapValid, validated, type Valid } from "./validation/validated";
import { registryId, registryLoginServer } from "./registryLookup";
import { azureScopeMap } from "./scopeMap";
import { newTokenSettings } from "./resourceHost";
import type { GatewayAction, RepositoryAction, TokenStatus } from "./arm/types";
import { checkScope } from "./validation/actions";
import { checkRegistryPlan, checkScopeMapReference, type RegistryCoordinates, type ScopeMapReference } from "./validation/registry";
import {
  INLINE_SCOPE_MAP_SUFFIX,
  checkScopeMapIsString,
  checkScopePresence,
  checkStatus,
  checkTokenName,
  planRegistryToken,
  type NonStringScopeMap,
  type RegistryTokenInput,
  type RegistryTokenPlan,
} from "./validation/registryTokenArgs";

/**
 * Arguments of {@link RegistryToken}. Give the registry as `registryName` + `resourceGroupName`, or as
 * `registryId`; and the scope as exactly one of `scopeMap` or inline `repositories`/`gateways`.
 */
export interface RegistryTokenArgs {
  /**
   * Name of the container registry: 5–50 lower-case letters and digits. Requires `resourceGroupName`;
   * mutually exclusive with `registryId`. Changing it replaces the token (new passwords are needed);
   * to move a token to another registry, also change the resource name (see the class docs).
   * @default none: give either this and `resourceGroupName`, or `registryId`
   * @example "contosoregistry"
   */
  registryName?: pulumi.Input<string>;
  /**
   * Resource group of the registry. Requires `registryName`; mutually exclusive with `registryId`.
   * Changing it replaces the token.
   * @default none: required with `registryName`
   */
  resourceGroupName?: pulumi.Input<string>;
  /**
   * Resource id of the registry, e.g. `registry.id`:
   * `/subscriptions/<subscription>/resourceGroups/<group>/providers/Microsoft.ContainerRegistry/registries/<name>`.
   * Mutually exclusive with `registryName`/`resourceGroupName`. Changing it replaces the token; to
   * move a token to another registry, also change the resource name (see the class docs).
   * @default none: give either this, or `registryName` and `resourceGroupName`
   */
  registryId?: pulumi.Input<string>;
  /**
   * The scope map that defines what the token may do, as a string, one of:
   * - a scope map resource id in the token's registry (`…/registries/<name>/scopeMaps/<map>`), e.g.
   *   `map.id` of a `ScopeMap` of this package, or the `id` of an azure-native ScopeMap. Given an Output
   *   such as `map.id`, the token depends on that scope map;
   * - a built-in scope map name (`BuiltInScopeMap`): `_repositories_pull`, `_repositories_push` or
   *   `_repositories_admin`, resolved to `<registry id>/scopeMaps/<name>` (with `registryName` +
   *   `resourceGroupName`, the registry id is looked up with a read of the registry, which must then
   *   exist at preview: give `registryId: registry.id` when this program creates the registry).
   *
   * A string, not a `ScopeMap` resource, so that every Pulumi language can pass it: pass `map.id`.
   * Mutually exclusive with `repositories`/`gateways`. Changing it updates the token in place with a
   * PATCH; its passwords are kept.
   * @default none: give this, or `repositories`/`gateways`
   * @example scopeMap: map.id
   * @example scopeMap: "_repositories_pull"
   */
  scopeMap?: pulumi.Input<string>;
  /**
   * Inline scope: actions per repository (`RepositoryAction`s), as in `ScopeMapArgs.repositories`. The
   * token then gets its own scope map named `<tokenName>-scope-map` in the registry (an azure-native
   * ScopeMap child), as `az acr token create --repository` does (so `tokenName` can have at most 40
   * characters).
   * Mutually exclusive with `scopeMap`. Changing the grants updates that scope map in place.
   * @default none: give this and/or `gateways`, or `scopeMap`
   * @example { "app": ["content/read", "metadata/read"] }
   */
  repositories?: pulumi.Input<{ [repository: string]: pulumi.Input<pulumi.Input<RepositoryAction>[]> }>;
  /**
   * Inline scope: actions per connected registry (`GatewayAction`s), as in `ScopeMapArgs.gateways`;
   * creates the child scope map like `repositories`. Mutually exclusive with `scopeMap`.
   * @default none
   */
  gateways?: pulumi.Input<{ [connectedRegistry: string]: pulumi.Input<pulumi.Input<GatewayAction>[]> }>;
  /**
   * Whether the token can authenticate: `enabled` (the default) or `disabled` (`TokenStatus`). Changing
   * it updates the token in place with a PATCH; its passwords are kept, so re-enabling restores access.
   * @default "enabled"
   */
  status?: pulumi.Input<TokenStatus>;
  /**
   * Name of the token in the registry, which is also the `docker login` user name: 5–50 letters,
   * digits and hyphens (at most 40 with inline `repositories`/`gateways`); defaults to the Pulumi
   * resource name. Changing it replaces the token, and with it every password.
   * @default the Pulumi resource name
   */
  tokenName?: pulumi.Input<string>;
}

/** The scope map a {@link RegistryToken} created for its inline `repositories`/`gateways`. */
export interface InlineScopeMap {
  /** Resource id of the scope map. */
  readonly id: pulumi.Output<string>;
  /** Name of the scope map in the registry: `<tokenName>-scope-map`. */
  readonly scopeMapName: pulumi.Output<string>;
  /** The generated `repositories/<repo>/<action>` and `gateway/<registry>/<action>` strings, sorted. */
  readonly actions: pulumi.Output<string[]>;
}

/** The inline child scope map of each token that has one (see {@link RegistryToken.inlineScopeMap}). */
const inlineScopeMaps = new WeakMap<RegistryToken, InlineScopeMap>();

/**
 * An ACR repository-scoped token that never loses its passwords on an update. No output is secret;
 * passwords come from `TokenPassword`.
 *
 * Why this is not a plain azure-native `Token` (README "Why RegistryToken keeps passwords"; the
 * service behaviour is reported in Azure/acr#667): a token PUT without `credentials` wipes the
 * token's passwords; azure-native updates a Token with a PUT built
 * from the program's inputs alone; and a refresh copies passwords generated elsewhere (by
 * `TokenPassword`, the portal, `az`) into the Token's stored inputs, so the next `up` plans to remove
 * them. A plain azure-native Token thus loses every password on a status or scope change, and after a
 * refresh even with an unchanged program.
 *
 * The mechanism: the azure-native `Token` still creates the token (PUT `{scopeMapId, status}` — a new
 * token has no password to lose), reads it and deletes it, but is registered with
 * `ignoreChanges: ["scopeMapId", "status", "credentials"]`, the only properties an update could send.
 * So the engine never plans an azure-native update, whatever the program or a refresh changed, and
 * no PUT ever reaches an existing token. Scope map and status changes go through the child
 * `TokenSettings` dynamic resource instead, which PATCHes `{scopeMapId, status}` — the request
 * terraform and `az acr token update` send, which keeps the passwords — and reads both back on
 * refresh, so a change made outside Pulumi shows as a diff and is corrected on the next `up`.
 * Properties that would replace the token (name, registry) still do: a new token starts without
 * passwords anyway, and each `TokenPassword` on it is replaced with it.
 *
 * Known limit of `ignoreChanges`: the engine substitutes the ignored properties' *previous* values
 * into the goal state, also when another change replaces the resource. A replacement token is thus
 * created with the previous `scopeMapId` and `status` (TokenSettings, replaced with it, then PATCHes
 * the new ones) and, after a refresh, with the previous `credentials` entries (names and creation
 * times only; how ARM treats them on a new token is not known). Within one registry that is harmless;
 * moving a token to another registry would create it with the old registry's scope map id, which ARM
 * refuses. To move or recreate a token, give the component a new resource name: a new URN is created
 * from scratch and the old token deleted.
 *
 * @example
 * ```ts
 * const pull = new RegistryToken("ci-pull", {
 *   registryName: "contosoregistry",
 *   resourceGroupName: "rg-registry",
 *   repositories: { "app": ["content/read", "metadata/read"] },
 * });
 * export const username = pull.username;
 * ```
 */
export class RegistryToken extends pulumi.ComponentResource {
  /** Resource id of the token; what `TokenPassword.token` and ARM's `generateCredentials` take. */
  readonly id: pulumi.Output<string>;
  /**
   * The same resource id as `id`, under the name other Pulumi languages get it by (pass it to their
   * `TokenPassword`'s `tokenId`): a component's `id` does not travel back from the provider plugin's
   * Construct (the SDK never sends `id` in its state). Not in `registerOutputs`: a TypeScript program's
   * state keeps only `id`.
   */
  readonly tokenId: pulumi.Output<string>;
  /** Name of the token in the registry. */
  readonly tokenName: pulumi.Output<string>;
  /** The user name for `docker login`: the token name. */
  readonly username: pulumi.Output<string>;
  /** Resource id of the scope map the token is bound to (as last applied or read back). */
  readonly scopeMapId: pulumi.Output<string>;
  /** `enabled` or `disabled` (as last applied or read back). */
  readonly status: pulumi.Output<TokenStatus>;
  /** The registry's login server, e.g. `contosoregistry.azurecr.io`: what `docker login` takes. */
  readonly loginServer: pulumi.Output<string>;

  /**
   * The scope map created for inline `repositories`/`gateways` (an azure-native ScopeMap child named
   * `${name}-scope-map`): its `id`, `scopeMapName` and `actions`; `undefined` when the token uses
   * `scopeMap`. A getter, not a field, so it stays out of the component's outputs.
   */
  get inlineScopeMap(): InlineScopeMap | undefined {
    return inlineScopeMaps.get(this);
  }

  /**
   * @param name - The unique name of the token component; also the default `tokenName`.
   * @param args - The registry, the scope and optional status and name.
   * @param opts - Options for the component; children inherit its provider and other options.
   * @throws InvalidArgumentsError when a plain argument is invalid; with Output arguments, the
   * same error fails the deployment as soon as their values are known, before any Azure call.
   */
  constructor(name: string, args: RegistryTokenArgs, opts?: pulumi.ComponentResourceOptions) {
    const component = "RegistryToken";
    // `scopeMap` is a string; only untyped JavaScript can pass anything else, e.g. the ScopeMap itself
    // (earlier versions accepted one). Refused, with the fix, before anything else is checked.
    throwIfInvalid(component, name, checkScopeMapIsString(nonStringScopeMap(args.scopeMap)));
    const presence = { scopeMap: args.scopeMap !== undefined, repositories: args.repositories !== undefined, gateways: args.gateways !== undefined };
    const inline = presence.repositories || presence.gateways;

    // Validate before registering anything, each rule once. Plain arguments: every problem at once,
    // thrown here, and the plan is what the children get.
    const plain = isPlain(args);
    const plan = plain ? planOrThrow(component, name, args as RegistryTokenInput) : undefined;
    // Which scope arguments are set is known now, whatever their values.
    if (!plain) throwIfInvalid(component, name, checkScopePresence(presence));
    // Outputs: each group on its own, so a value unknown at preview leaves the others checked.
    const registryArgs = { registryName: args.registryName, resourceGroupName: args.resourceGroupName, registryId: args.registryId };
    const registry = plan ? plan.registry : validated(component, name, registryArgs, checkRegistryPlan);
    const tokenName = plan ? plan.tokenName : validated(component, name, { tokenName: args.tokenName }, (r) => checkTokenName(name, r.tokenName, inline));
    const status = plan ? plan.status : validated(component, name, { status: args.status }, (r) => checkStatus(r.status));
    // No component inputs in state: the children record every argument (the Token its registry, name
    // and status, the scope map its actions), and each input would cost the program an Output and four
    // promises per token for a copy nobody diffs (see README, "Large programs").
    super("acr-tokens:index:RegistryToken", name, {}, opts);

    const registryName = mapValid(registry, (r) => r.registryName);
    const resourceGroupName = mapValid(registry, (r) => r.resourceGroupName);
    let scopeMapId: pulumi.Output<string>;
    if (inline) {
      // Created here, never inside an apply, so it shows in preview. An azure-native ScopeMap right
      // under the token, as `az acr token create --repository` makes one, checked as a ScopeMap's grants.
      const actions =
        plan?.scope.kind === "inline"
          ? plan.scope.actions
          : validated(component, name, { repositories: args.repositories, gateways: args.gateways }, (r) => {
              const checked = checkScope(r);
              return { plan: checked.actions, problems: checked.problems };
            });
      const scopeMapName = mapValid(tokenName, (t) => `${t}${INLINE_SCOPE_MAP_SUFFIX}`);
      const map = azureScopeMap(`${name}-scope-map`, this, { registry, scopeMapName, actions });
      const inlineScopeMap: InlineScopeMap = { id: map.id, scopeMapName: map.name, actions: map.actions };
      inlineScopeMaps.set(this, inlineScopeMap);
      scopeMapId = map.id;
    } else {
      // An Output `scopeMap` (e.g. `map.id`) carries its scope map as a dependency to the children.
      const reference: Valid<ScopeMapReference> =
        plan?.scope.kind === "reference"
          ? plan.scope.reference
          : validated(component, name, { scopeMap: args.scopeMap, registry }, (r) => {
              // A plain non-string was refused above; an Output's value is checked here, once known.
              const notString = checkScopeMapIsString(nonStringScopeMap(r.scopeMap));
              if (notString.length > 0) {
                return { problems: notString };
              }
              const checked = checkScopeMapReference(r.scopeMap ?? "", r.registry, providerSubscription());
              return { plan: checked.reference, problems: checked.problems };
            });
      scopeMapId = pulumi.all([reference, registry]).apply(([ref, reg]) => scopeMapIdOf(ref, reg, this));
    }

    const token = new containerregistry.Token(
      name,
      { registryName, resourceGroupName, tokenName, scopeMapId, status },
      // Never let azure-native update the token: its update is a PUT that wipes passwords (see above).
      azureNativeChildOptions(this, ["name"], { ignoreChanges: ["scopeMapId", "status", "credentials"] }),
    );
    // A dynamic resource in a TypeScript program; the plugin's own custom resource under the provider
    // plugin (see resourceHost.ts).
    const settings = newTokenSettings(
      `${name}-settings`,
      { tokenId: token.id, scopeMapId, status },
      { parent: this, dependsOn: [token] },
    );
    // Looked up once the token exists, so the registry does too (also when created by this program).
    const loginServer = registryLoginServer(this, registry, token);

    this.id = token.id;
    this.tokenId = token.id;
    this.tokenName = token.name;
    this.username = token.name;
    this.scopeMapId = settings.scopeMapId;
    this.status = settings.status;
    this.loginServer = loginServer;
    this.registerOutputs({
      id: this.id,
      tokenName: this.tokenName,
      username: this.username,
      scopeMapId: this.scopeMapId,
      status: this.status,
      loginServer: this.loginServer,
    });
  }
}

/** The id of a referenced scope map; built-in maps live under the registry's id. */
function scopeMapIdOf(reference: ScopeMapReference, registry: RegistryCoordinates, parent: pulumi.Resource): pulumi.Output<string> {
  if (reference.kind === "id") {
    return pulumi.output(reference.id);
  }
  const id = registry.registryId ?? registryId(parent, registry);
  return pulumi.interpolate`${id}/scopeMaps/${reference.name}`;
}

/**
 * A `scopeMap` value that is not a string, and not an Output or Promise of one: only untyped JavaScript
 * can pass it. A resource is described by its type token, anything else by its JavaScript type.
 */
function nonStringScopeMap(value: unknown): NonStringScopeMap | undefined {
  if (value === undefined || typeof value === "string" || pulumi.Output.isInstance(value) || value instanceof Promise) {
    return undefined;
  }
  if (pulumi.Resource.isInstance(value)) {
    return { resourceType: pulumi.resourceType(value) };
  }
  return { typeOf: value === null ? "null" : Array.isArray(value) ? "array" : typeof value };
}

/**
 * The subscription the azure-native provider creates a registry-by-name token in, when the program
 * states it: stack config `azure-native:subscriptionId`, else `ARM_SUBSCRIPTION_ID` / `AZURE_SUBSCRIPTION_ID`.
 * Undefined when it comes from elsewhere (the az CLI's default), which only ARM then checks.
 */
function providerSubscription(): { id: string; source: string } | undefined {
  const configured = new pulumi.Config("azure-native").get("subscriptionId")?.trim();
  if (configured) return { id: configured, source: "the azure-native provider (stack config azure-native:subscriptionId)" };
  for (const name of ["ARM_SUBSCRIPTION_ID", "AZURE_SUBSCRIPTION_ID"]) {
    const value = process.env[name]?.trim();
    if (value) return { id: value, source: `the azure-native provider (${name})` };
  }
  return undefined;
}

/** Every rule over plain arguments at once: the plan, or an InvalidArgumentsError listing every problem. */
function planOrThrow(component: string, name: string, input: RegistryTokenInput): RegistryTokenPlan {
  const subscription = providerSubscription();
  const checked = planRegistryToken(name, { ...input, ...(subscription ? { providerSubscription: subscription } : {}) });
  throwIfInvalid(component, name, checked.problems);
  if (checked.plan === undefined) throw new Error(`${component} ${JSON.stringify(name)}: validation produced no plan (a bug in acr-tokens).`);
  return checked.plan;
}

