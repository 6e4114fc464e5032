import { createRequire } from "node:module";
import type * as grpcTypes from "@grpc/grpc-js";
import { ResourceProviderService } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { CONFIG_NAMESPACE } from "../components/credential/settings";
import { configurePlugin } from "./context";
import { revealSecrets } from "./wire";

/**
 * The settings of one provider instance, as the credential module reads stack config: full keys
 * (`acr-tokens:accessToken`) to string values. From ConfigureRequest `args` (an explicit provider's
 * inputs, or for the default provider the stack's `acr-tokens:*` config; keys without namespace,
 * secrets marked), else the deprecated `variables` (`acr-tokens:config:<key>`). `version` is the
 * engine's, not a setting. Values are kept in memory only, never logged.
 */
export function settingsOf(args: Record<string, unknown>, variables: ReadonlyMap<string, string>): Map<string, string> {
  const settings = new Map<string, string>();
  for (const [key, raw] of variables) {
    const name = key.startsWith(`${CONFIG_NAMESPACE}:config:`) ? key.slice(`${CONFIG_NAMESPACE}:config:`.length) : undefined;
    if (name !== undefined) settings.set(`${CONFIG_NAMESPACE}:${name}`, raw);
  }
  for (const [key, raw] of Object.entries(args)) {
    if (key === "version") continue;
    const value = revealSecrets(raw);
    if (value === undefined || value === null) continue;
    settings.set(`${CONFIG_NAMESPACE}:${key}`, typeof value === "string" ? value : JSON.stringify(value));
  }
  return settings;
}

/**
 * Handles the engine's Configure. `@pulumi/pulumi/provider`'s server (3.276.0) answers Configure
 * itself and hands nothing to the provider, so the plugin's settings would never arrive. Its gRPC
 * server is created inside `provider.main`; this replaces, on that one service registration, the
 * `configure` method with one that stores the settings for the provider core (plugin/context.ts)
 * and answers as the SDK does.
 * Hand-written because no SDK API exposes Configure to a Node provider.
 */
export function interceptConfigure(): void {
  // The grpc-js instance @pulumi/pulumi serves with (not necessarily the one this package resolves).
  const grpc = createRequire(require.resolve("@pulumi/pulumi/package.json"))("@grpc/grpc-js") as typeof grpcTypes;
  const original = grpc.Server.prototype.addService;
  grpc.Server.prototype.addService = function addService(this: grpcTypes.Server, service, implementation) {
    if (service === (ResourceProviderService as unknown)) {
      grpc.Server.prototype.addService = original;
      const impl = implementation as unknown as Record<string, unknown>;
      impl["configure"] = configure;
    }
    return original.call(this, service, implementation);
  };
}

function configure(
  call: grpcTypes.ServerUnaryCall<provproto.ConfigureRequest, provproto.ConfigureResponse>,
  callback: grpcTypes.sendUnaryData<provproto.ConfigureResponse>,
): void {
  try {
    const req = call.request;
    const args = (req.getArgs()?.toJavaScript() ?? {}) as Record<string, unknown>;
    const settings = settingsOf(args, new Map(req.getVariablesMap().entries()));
    configurePlugin(settings);
    const resp = new provproto.ConfigureResponse();
    resp.setAcceptsecrets(true);
    resp.setAcceptresources(true);
    resp.setAcceptoutputs(true);
    callback(null, resp);
  } catch (err) {
    callback(err as Error, null);
  }
}
