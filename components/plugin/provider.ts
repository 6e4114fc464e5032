import * as pulumi from "@pulumi/pulumi";
import type { AzureCloud, CredentialKind } from "../credential/types";

/** The provider settings that are Pulumi secrets (the schema marks them `secret`; the class wraps them). */
export const PROVIDER_SECRET_INPUTS = ["accessToken"] as const;

/**
 * Settings of an explicit `acr-tokens` provider: the stack config `acr-tokens:<name>` of the default
 * provider, as arguments. An unset one falls back to its environment variable (README
 * "Authentication"); the stack config configures only the default provider. None is ever written to
 * state unencrypted or printed.
 */
export interface ProviderArgs {
  /**
   * A bearer token for ARM that you bring (the raw token, or the JSON `az account get-access-token`
   * prints). Secret. Default: `ACR_TOKENS_ACCESS_TOKEN`, the file named by
   * `ACR_TOKENS_ACCESS_TOKEN_FILE`, then `AZURE_CLI_ACCESS_TOKEN`; with none, `DefaultAzureCredential`.
   */
  accessToken?: pulumi.Input<string>;
  /** Subscription id (a GUID) for `acr-tokens check`; providers take it from each token id. Default: `ACR_TOKENS_SUBSCRIPTION_ID`, `AZURE_CLI_SUBSCRIPTION_ID`. */
  subscriptionId?: pulumi.Input<string>;
  /** Tenant id. Default: `ACR_TOKENS_TENANT_ID`, `AZURE_CLI_TENANT_ID`. */
  tenantId?: pulumi.Input<string>;
  /** The least validity a bring-your-own token must have left: seconds (`300`) or `10m`, `1h30m`. Default `ACR_TOKENS_ACCESS_TOKEN_MIN_VALIDITY`, else 5 minutes. */
  accessTokenMinValidity?: pulumi.Input<string>;
  /** Which credential source calls Azure (a selector, never a secret). Default: `ACR_TOKENS_CREDENTIAL`, else a bring-your-own token if set, else `default`. */
  credential?: pulumi.Input<CredentialKind>;
  /** The Azure cloud. Default: `ACR_TOKENS_CLOUD`, else `AzureCloud`. */
  cloud?: pulumi.Input<AzureCloud>;
  /** A custom ARM endpoint (https only), e.g. Azure Stack or the acr-tokens emulator. Default: `ACR_TOKENS_ARM_ENDPOINT`, else the cloud's. */
  armEndpoint?: pulumi.Input<string>;
  /** ARM token audiences, comma-separated. Default: `ACR_TOKENS_ARM_AUDIENCE`, else the cloud's. */
  armAudience?: pulumi.Input<string>;
  /** The Microsoft Entra authority host. Default: `AZURE_AUTHORITY_HOST`, else the cloud's. */
  authorityHost?: pulumi.Input<string>;
  /** A PEM file of extra CA certificates for ARM and Entra calls. Default: `ACR_TOKENS_CA_CERT_FILE`. */
  caCertFile?: pulumi.Input<string>;
  /** Extra tenants the credential may get tokens for, comma-separated. Default: `ACR_TOKENS_ADDITIONALLY_ALLOWED_TENANTS`. */
  additionallyAllowedTenants?: pulumi.Input<string>;
}

/**
 * An explicit instance of the `acr-tokens` provider plugin, for resources that should use other
 * settings than the stack's (e.g. a bring-your-own token): pass it as `provider` (custom resources) or
 * in `providers` (components).
 *
 * @example
 * ```ts
 * const byo = new Provider("byo", { accessToken: process.env.CI_ARM_TOKEN });
 * ```
 */
export class Provider extends pulumi.ProviderResource {
  /**
   * @param name - The unique name of this provider.
   * @param args - Its settings; unset ones fall back to stack config and the environment.
   * @param opts - Resource options.
   */
  constructor(name: string, args: ProviderArgs = {}, opts?: pulumi.ResourceOptions) {
    const props: pulumi.Inputs = { ...args };
    for (const key of PROVIDER_SECRET_INPUTS) {
      if (props[key] !== undefined) props[key] = pulumi.secret(props[key]);
    }
    super("acr-tokens", name, props, opts);
  }
}
