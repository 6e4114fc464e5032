/**
 * Entry point of the `acr-tokens` provider plugin (`pulumi-resource-acr-tokens`, bin/): serves the
 * provider of plugin/provider.ts on a gRPC port, printed on stdout for the engine, which passes its
 * own address as the first argument. Components constructed here create the plugin's own custom
 * children (components/resourceHost.ts).
 */
import * as provider from "@pulumi/pulumi/provider";
import { TokenPassword, TokenSettings } from "../components/plugin";
import { setResourceHost } from "../components/resourceHost";
import { interceptConfigure } from "./configure";
import { AcrTokensProvider } from "./provider";

setResourceHost("plugin", { TokenPassword, TokenSettings });
interceptConfigure();
provider.main(new AcrTokensProvider(), process.argv.slice(2)).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
