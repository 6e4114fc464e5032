/**
 * Closed value sets used across the package, in the as-const form that Pulumi's component schema
 * inference understands (plain string-literal unions are not inferable; see
 * ../shared/research/component-provider.md §4), so the components can later be served to other languages.
 */

/** Actions a scope map can grant on a repository (`repositories/<repo>/<action>`). */
export const RepositoryAction = {
  /** Pull images and artifacts. */
  ContentRead: "content/read",
  /** Push images and artifacts. */
  ContentWrite: "content/write",
  /** Delete images and artifacts. */
  ContentDelete: "content/delete",
  /** List tags and manifests. */
  MetadataRead: "metadata/read",
  /** Enable/disable read, write, delete on tags and manifests. */
  MetadataWrite: "metadata/write",
} as const;
export type RepositoryAction = (typeof RepositoryAction)[keyof typeof RepositoryAction];

/** Actions a scope map can grant on a connected registry's gateway (`gateway/<name>/<action>`). */
export const GatewayAction = {
  /** Read the connected registry's configuration. */
  ConfigRead: "config/read",
  /** Update the connected registry's configuration. */
  ConfigWrite: "config/write",
  /** Read messages sent to the connected registry. */
  MessageRead: "message/read",
  /** Send messages from the connected registry. */
  MessageWrite: "message/write",
} as const;
export type GatewayAction = (typeof GatewayAction)[keyof typeof GatewayAction];

/** Whether a token can authenticate. */
export const TokenStatus = {
  /** The token can authenticate with its passwords. */
  Enabled: "enabled",
  /** The token cannot authenticate; its passwords are kept and work again once it is re-enabled. */
  Disabled: "disabled",
} as const;
export type TokenStatus = (typeof TokenStatus)[keyof typeof TokenStatus];

/** The built-in scope maps every registry has (read-only). */
export const BuiltInScopeMap = {
  /** Pull from every repository. */
  RepositoriesPull: "_repositories_pull",
  /** Pull and push to every repository. */
  RepositoriesPush: "_repositories_push",
  /** Pull, push and delete in every repository. */
  RepositoriesAdmin: "_repositories_admin",
} as const;
export type BuiltInScopeMap = (typeof BuiltInScopeMap)[keyof typeof BuiltInScopeMap];

/** A token's two password slots. */
export const PasswordSlot = {
  /** The token's first password (`az acr token credential generate --password1`). */
  Password1: "password1",
  /** The token's second password (`--password2`); two slots let a rotation overlap old and new. */
  Password2: "password2",
} as const;
export type PasswordSlot = (typeof PasswordSlot)[keyof typeof PasswordSlot];
