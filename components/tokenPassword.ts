import * as pulumi from "@pulumi/pulumi";
import type { CredentialKind } from "./credential/types";
import { loadProviderModule } from "./provider/loader";
import type { PasswordSlot } from "./types";

/**
 * The provider Pulumi serializes into state as `__provider` (and runs again from state on refresh and
 * destroy). It is deliberately a shim whose every method loads the installed `acr-tokens/provider`
 * when it runs:
 * - it captures nothing but the few-line loader (components/provider/loader.ts) — no credential, no
 *   config, no logic — so `__provider` is a short plain string with no secret and no absolute path (the
 *   closure serializer leaves `require` and `process` uncaptured and keeps the package specifier as
 *   written; tests/provider/serialization.test.ts checks the text);
 * - upgrading the package does not change `__provider`, so no `~__provider` diff on every resource
 *   (pulumi/pulumi#12401), and refresh/destroy run the installed code, not stale code kept in state
 *   (pulumi/pulumi#6490).
 * The cost: the host must be able to resolve `acr-tokens/provider` from the project directory (its
 * working directory), which holds for any project that installed the package, and for this package's
 * own examples through the package self-reference.
 */
const tokenPasswordShim: pulumi.dynamic.ResourceProvider = {
  async configure(req) {
    loadProviderModule().tokenPasswordProvider.configure(req);
  },
  async check(olds, news) {
    return loadProviderModule().tokenPasswordProvider.check(olds, news);
  },
  async diff(id, olds, news) {
    return loadProviderModule().tokenPasswordProvider.diff(id, olds, news);
  },
  async create(inputs) {
    return loadProviderModule().tokenPasswordProvider.create(inputs);
  },
  async read(id, props) {
    return loadProviderModule().tokenPasswordProvider.read(id, props);
  },
  async update(id, olds, news) {
    return loadProviderModule().tokenPasswordProvider.update(id, olds, news);
  },
  async delete(id, props) {
    return loadProviderModule().tokenPasswordProvider.delete(id, props);
  },
};

/** Arguments of {@link TokenPassword}. */
export interface TokenPasswordArgs {
  /**
   * The token whose password this is: a `RegistryToken` (its `id` is used) or a token resource id
   * (`/subscriptions/…/resourceGroups/…/providers/Microsoft.ContainerRegistry/registries/…/tokens/…`).
   * Changing it replaces the password (a new one is generated on the other token).
   * @example token: ciToken
   */
  token: pulumi.Input<string> | { readonly id: pulumi.Input<string> };
  /**
   * Which of the token's two password slots this resource owns: `password1` or `password2`. Use both
   * slots with two TokenPasswords to rotate without downtime. Changing it replaces the password (the
   * old slot is removed, the new one generated).
   * @default "password1"
   */
  slot?: pulumi.Input<PasswordSlot>;
  /**
   * When the password stops working: an ISO 8601 UTC time such as `"2027-01-31T00:00:00Z"`. Must be in
   * the future when first set. Mutually exclusive with `expiresInDays`. Changing it replaces the
   * password (a new value is generated).
   * @default no expiry
   */
  expiry?: pulumi.Input<string>;
  /**
   * Lifetime in whole days, counted from creation. The expiry is computed once, when the password is
   * created, and stored: later runs do not move it, so there is no drift. Mutually exclusive with
   * `expiry`. Changing it replaces the password.
   * @default no expiry
   */
  expiresInDays?: pulumi.Input<number>;
  /**
   * Rotation window in whole days: once the password expires within this many days, it is due, and
   * the next `pulumi up` (or `preview`, which shows it) replaces it with a new one — a plain `up`
   * suffices, no refresh needed; `pulumi refresh` also reports it in `drift`. Requires
   * `expiresInDays` (the new password gets a fresh lifetime) and must be less than it. Changing it
   * makes no Azure call (recorded in state), unless the password is then already inside the window.
   * For a rotation without downtime, use `RotatingTokenPassword`, which keeps a second password valid
   * while one is regenerated.
   * @default no window: the password is regenerated only once it has expired (with `expiresInDays`)
   * @example rotateBeforeExpiryDays: 14
   */
  rotateBeforeExpiryDays?: pulumi.Input<number>;
  /**
   * Which credential source calls Azure: `accessToken`, `default`, `environment`, `workloadIdentity`,
   * `managedIdentity` or `azureCli`. A selector only — the credential itself comes from stack config
   * or the environment when the provider runs (README "Authentication"). Changing it makes no Azure
   * call and keeps the password: it is only recorded, so refresh and destroy use the new source.
   * @default the `acr-tokens:credential` config / `ACR_TOKENS_CREDENTIAL`, else a bring-your-own token if set, else `default`
   */
  credential?: pulumi.Input<CredentialKind>;
}

/**
 * One password of an ACR repository-scoped token, generated by ARM's `generateCredentials` for a
 * single slot. The password is a Pulumi secret; deleting the resource removes only its slot.
 *
 * Drift: `pulumi refresh` (one GET of the token) reports in `drift` a slot regenerated or deleted out
 * of band, an expired password, one inside its `rotateBeforeExpiryDays` window and a disabled token;
 * the next `pulumi up` generates the password again (a replacement of this resource), except for a
 * disabled token (RegistryToken re-enables its own token) and a fixed `expiry` that has passed (give
 * a later one). An expired or due password also shows on a plain `preview` without refresh. A token
 * deleted out of band makes this resource disappear on refresh; the next `up` recreates both.
 *
 * @example
 * ```ts
 * const pw = new TokenPassword("ci-pull", { token: ciToken, expiresInDays: 90 });
 * export const dockerPassword = pw.password; // secret
 * ```
 */
export class TokenPassword extends pulumi.dynamic.Resource {
  /** The token's resource id. */
  declare readonly tokenId: pulumi.Output<string>;
  /** The slot this resource owns (`password1` or `password2`). */
  declare readonly slot: pulumi.Output<PasswordSlot>;
  /** The effective expiry (ISO 8601 UTC), or null when the password never expires. */
  declare readonly expiry: pulumi.Output<string | null>;
  /** The lifetime in days this password was created with, or null. */
  declare readonly expiresInDays: pulumi.Output<number | null>;
  /** The credential selector recorded at creation, or null. */
  declare readonly credential: pulumi.Output<CredentialKind | null>;
  /** The user name for `docker login`: the token name. */
  declare readonly username: pulumi.Output<string>;
  /** The password. Secret. */
  declare readonly password: pulumi.Output<string>;
  /** When ARM created the password (ISO 8601 UTC). */
  declare readonly creationTime: pulumi.Output<string>;
  /** The registry's login server for `docker login`, e.g. `myregistry.azurecr.io`. */
  declare readonly loginServer: pulumi.Output<string>;
  /** The rotation window in days, or null. */
  declare readonly rotateBeforeExpiryDays: pulumi.Output<number | null>;
  /**
   * What the last `pulumi refresh` found wrong with this password, in words, or null: e.g.
   * `"password1 was regenerated out of band at 2026-…Z"`, `"password1 was deleted out of band"`,
   * `"password1 expired at …"`, `"password1 expires at … — inside the 14-day rotation window"`,
   * `"token ci-pull is disabled"` (several joined by "; "). The next `up` repairs all but a disabled
   * token by generating the password again.
   */
  declare readonly drift: pulumi.Output<string | null>;
  /** The same findings as codes: `slotRegenerated`, `slotDeleted`, `expired`, `inRotationWindow`, `tokenDisabled`. */
  declare readonly driftCodes: pulumi.Output<string[]>;

  /**
   * @param name - The unique name of this resource.
   * @param args - The token, slot and expiry of the password.
   * @param opts - Resource options; `password` is always added to `additionalSecretOutputs`.
   */
  constructor(name: string, args: TokenPasswordArgs, opts?: pulumi.CustomResourceOptions) {
    const token = args.token;
    const tokenId =
      typeof token === "object" && token !== null && "id" in token && !pulumi.Output.isInstance(token) ? token.id : token;
    super(
      tokenPasswordShim,
      name,
      {
        tokenId,
        slot: args.slot,
        expiry: args.expiry,
        expiresInDays: args.expiresInDays,
        credential: args.credential,
        rotateBeforeExpiryDays: args.rotateBeforeExpiryDays,
        // Outputs only; declared so the resource gets an Output for each (harness pitfall 6).
        username: undefined,
        password: undefined,
        creationTime: undefined,
        loginServer: undefined,
        drift: undefined,
        driftCodes: undefined,
      },
      { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "password"] },
      "acr-tokens",
      "TokenPassword",
    );
  }
}
