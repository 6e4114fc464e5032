/**
 * A STAND-IN for the `azure-native` resource provider plugin, served to the real Pulumi engine.
 *
 * Why a stand-in: azure-native's own plugin embeds a schema and API metadata generated from the
 * azure-rest-api-specs repository (`metadata-compact.json`, `schema-full.json.zip`), which are not in
 * any module this machine can download, so it cannot be built here. This plugin serves only what the
 * acr-tokens components use, `containerregistry` Registry, ScopeMap, Token and the
 * `getRegistry` invoke, with azure-native 3.x's HTTP semantics (../shared/acr/README.md §11): create and
 * update are one PUT from the inputs, read is a GET whose changes are written back into the stored
 * inputs, delete is a DELETE. The ARM calls are testing/harness/azureNative.ts's (one model of azure-native in
 * the repository); this file is only the gRPC resource-provider protocol around them, on the
 * SDK's generated `ResourceProviderService` (the SDK's `provider.main` drops the engine's old inputs on
 * Diff/Read/Delete, which azure-native's semantics need).
 *
 * It reaches ARM at `ACR_TOKENS_ARM_ENDPOINT` with the bearer token in `ACR_TOKENS_ACCESS_TOKEN` (the
 * package's bring-your-own token variable), for the subscription of stack config
 * `azure-native:subscriptionId` or `ARM_SUBSCRIPTION_ID`. Run as the engine runs a plugin:
 * `pulumi-resource-azure-native <engine address>`; it prints its port on stdout.
 */
import * as grpc from "@grpc/grpc-js";
import { ContainerRegistryManagementClient } from "@azure/arm-containerregistry";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as plugproto from "@pulumi/pulumi/proto/plugin_pb";
import {
  deleteAzureNative,
  diffAzureNative,
  invokeAzureNative,
  isAzureNativeType,
  projectAzureNativeInputs,
  putAzureNative,
  readAzureNative,
} from "../harness/azureNative";
import { definedOnly, stripSecrets, type Props } from "../harness/state";

/** The azure-native version this stand-in answers for: the `@pulumi/azure-native` SDK's. */
export const AZURE_NATIVE_VERSION: string = (require("@pulumi/azure-native/package.json") as { version: string }).version;

const RESOURCE_TYPES = ["azure-native:containerregistry:Registry", "azure-native:containerregistry:ScopeMap", "azure-native:containerregistry:Token"];
const GET_REGISTRY = "azure-native:containerregistry:getRegistry";

/** The schema the engine may ask for (GetSchema): the package, its resources and the invoke, without property types. */
function schema(): string {
  const object = { type: "object" };
  return JSON.stringify({
    name: "azure-native",
    version: AZURE_NATIVE_VERSION,
    description: "acr-tokens' stand-in for azure-native: containerregistry Registry, ScopeMap, Token and getRegistry only.",
    resources: Object.fromEntries(RESOURCE_TYPES.map((t) => [t, { ...object, properties: {}, inputProperties: {} }])),
    functions: { [GET_REGISTRY]: { inputs: { ...object, properties: {} }, outputs: { ...object, properties: {} } } },
  });
}

function props(s: Struct | undefined): Props {
  return (s?.toJavaScript() ?? {}) as Props;
}

function struct(p: Props): Struct {
  return Struct.fromJavaScript(definedOnly(p) as Record<string, never>);
}

/** Turns a failure into a gRPC error whose message says what failed (ARM's message, never a credential). */
function fail(callback: grpc.sendUnaryData<never>, what: string, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  callback({ code: grpc.status.UNKNOWN, details: `azure-native (acr-tokens stand-in): ${what}: ${message}` } as grpc.ServiceError, null);
}

/** Resource group, registry and own name of an ARM id of a registry or one of its children. */
function inputsFromId(type: string, id: string): Props {
  const m = /\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ContainerRegistry\/registries\/([^/]+)(?:\/(?:scopeMaps|tokens)\/([^/]+))?$/i.exec(id);
  if (!m) throw new Error(`"${id}" is not the ARM id of a container registry, scope map or token.`);
  const [, resourceGroupName, registryName, child] = m;
  if (type.endsWith(":Registry")) return { resourceGroupName, registryName };
  if (!child) throw new Error(`"${id}" is a registry id; ${type} needs the id of one of its ${type.endsWith(":Token") ? "tokens" : "scope maps"}.`);
  return { resourceGroupName, registryName, [type.endsWith(":Token") ? "tokenName" : "scopeMapName"]: child };
}

class StandIn {
  private arm: ContainerRegistryManagementClient | undefined;
  private subscriptionId = process.env["ARM_SUBSCRIPTION_ID"] ?? "";

  private client(): ContainerRegistryManagementClient {
    if (this.arm) return this.arm;
    const endpoint = process.env["ACR_TOKENS_ARM_ENDPOINT"];
    const token = process.env["ACR_TOKENS_ACCESS_TOKEN"];
    if (!endpoint) throw new Error("ACR_TOKENS_ARM_ENDPOINT is not set; set it to the ARM endpoint (the emulator's armEndpoint).");
    if (!token) throw new Error("ACR_TOKENS_ACCESS_TOKEN is not set; set it to an ARM access token for that endpoint.");
    if (!this.subscriptionId) throw new Error("no subscription: set stack config azure-native:subscriptionId or ARM_SUBSCRIPTION_ID.");
    this.arm = new ContainerRegistryManagementClient(
      { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }) },
      this.subscriptionId,
      { endpoint, credentials: { scopes: ["https://management.azure.com/.default"] }, retryOptions: { maxRetries: 0 } },
    );
    return this.arm;
  }

  /** The gRPC service implementation; methods not listed answer UNIMPLEMENTED, which the engine tolerates. */
  service(): Partial<provrpc.IResourceProviderServer> {
    const unary =
      <Req, Res>(what: (req: Req) => string, body: (req: Req) => Promise<Res> | Res) =>
      (call: grpc.ServerUnaryCall<Req, Res>, callback: grpc.sendUnaryData<Res>) => {
        Promise.resolve()
          .then(() => body(call.request))
          .then(
            (res) => callback(null, res),
            (err: unknown) => fail(callback as grpc.sendUnaryData<never>, what(call.request), err),
          );
      };
    return {
      getPluginInfo: unary(
        () => "GetPluginInfo",
        () => new plugproto.PluginInfo().setVersion(AZURE_NATIVE_VERSION),
      ),
      getSchema: unary(
        () => "GetSchema",
        () => new provproto.GetSchemaResponse().setSchema(schema()),
      ),
      checkConfig: unary(
        () => "CheckConfig",
        (req: provproto.CheckRequest) => new provproto.CheckResponse().setInputs(req.getNews()),
      ),
      diffConfig: unary(
        () => "DiffConfig",
        () => new provproto.DiffResponse().setChanges(provproto.DiffResponse.DiffChanges.DIFF_NONE),
      ),
      configure: unary(
        () => "Configure",
        (req: provproto.ConfigureRequest) => {
          const args = stripSecrets(props(req.getArgs())) as Props;
          const fromVariables = req.getVariablesMap().get("azure-native:config:subscriptionId");
          const subscription = args["subscriptionId"] ?? fromVariables;
          if (typeof subscription === "string" && subscription !== "") this.subscriptionId = subscription;
          return new provproto.ConfigureResponse().setAcceptsecrets(true).setSupportspreview(false).setAcceptresources(false);
        },
      ),
      check: unary(
        (req: provproto.CheckRequest) => `Check ${req.getUrn()}`,
        (req: provproto.CheckRequest) => {
          if (!isAzureNativeType(req.getType())) throw new Error(`${req.getType()} is not served by this stand-in (only ${RESOURCE_TYPES.join(", ")}).`);
          return new provproto.CheckResponse().setInputs(req.getNews());
        },
      ),
      diff: unary(
        (req: provproto.DiffRequest) => `Diff ${req.getUrn()}`,
        (req: provproto.DiffRequest) => {
          const ignore = new Set(req.getIgnorechangesList());
          const olds = props(req.getOldInputs());
          const news = props(req.getNews());
          for (const k of ignore) {
            if (k in olds) news[k] = olds[k];
            else delete news[k];
          }
          const { changed, replaces } = diffAzureNative(req.getType(), olds, news);
          const res = new provproto.DiffResponse().setChanges(
            changed.length > 0 ? provproto.DiffResponse.DiffChanges.DIFF_SOME : provproto.DiffResponse.DiffChanges.DIFF_NONE,
          );
          res.setDiffsList(changed);
          res.setReplacesList(replaces);
          return res;
        },
      ),
      create: unary(
        (req: provproto.CreateRequest) => `Create ${req.getUrn()}`,
        async (req: provproto.CreateRequest) => {
          const { id, outputs } = await putAzureNative(this.client(), req.getType(), req.getName(), props(req.getProperties()));
          return new provproto.CreateResponse().setId(id).setProperties(struct(outputs));
        },
      ),
      update: unary(
        (req: provproto.UpdateRequest) => `Update ${req.getUrn()}`,
        async (req: provproto.UpdateRequest) => {
          const { outputs } = await putAzureNative(this.client(), req.getType(), req.getName(), props(req.getNews()));
          return new provproto.UpdateResponse().setProperties(struct(outputs));
        },
      ),
      read: unary(
        (req: provproto.ReadRequest) => `Read ${req.getUrn()}`,
        async (req: provproto.ReadRequest) => {
          const type = req.getType();
          let inputs = props(req.getInputs());
          const importing = Object.keys(inputs).length === 0;
          // An import (or a state without inputs): the coordinates come from the id.
          if (importing) inputs = inputsFromId(type, req.getId());
          const read = await readAzureNative(this.client(), type, req.getName(), inputs, importing ? {} : props(req.getProperties()));
          const res = new provproto.ReadResponse();
          if (!read) return res; // gone: an empty id drops it from the state
          return res
            .setId(String(read.outputs["id"]))
            .setProperties(struct(read.outputs))
            .setInputs(struct(importing ? { ...inputs, ...projectAzureNativeInputs(type, read.outputs) } : read.inputs));
        },
      ),
      delete: unary(
        (req: provproto.DeleteRequest) => `Delete ${req.getUrn()}`,
        async (req: provproto.DeleteRequest) => {
          const old = props(req.getOldInputs());
          const inputs = Object.keys(old).length > 0 ? old : inputsFromId(req.getType(), req.getId());
          await deleteAzureNative(this.client(), req.getType(), req.getName(), inputs);
          return new Empty();
        },
      ),
      invoke: unary(
        (req: provproto.InvokeRequest) => `Invoke ${req.getTok()}`,
        async (req: provproto.InvokeRequest) =>
          new provproto.InvokeResponse().setReturn(struct(await invokeAzureNative(this.client(), req.getTok(), props(req.getArgs())))),
      ),
      cancel: unary(
        () => "Cancel",
        () => new Empty(),
      ),
    };
  }
}

/** Serves the stand-in on a free loopback port and prints the port, as a Pulumi plugin must. */
export async function serve(): Promise<grpc.Server> {
  const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  server.addService(provrpc.ResourceProviderService, new StandIn().service() as provrpc.IResourceProviderServer);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  process.stdout.write(`${port}\n`);
  return server;
}

if (require.main === module) {
  serve().catch((err: unknown) => {
    process.stderr.write(`azure-native (acr-tokens stand-in) failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
