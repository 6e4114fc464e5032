import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { EngineService } from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engineproto from "@pulumi/pulumi/proto/engine_pb";
import { ResourceMonitorService } from "@pulumi/pulumi/proto/resource_grpc_pb";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";

/** One RegisterResource the fake monitor received. */
export interface Registration {
  type: string;
  name: string;
  custom: boolean;
  parent: string;
  provider: string;
  inputs: Record<string, unknown>;
}

/** How the fake monitor answers: a resource's outputs and id from its registration (default: inputs, `<name>-id`). */
export interface FakeEngineBehaviour {
  outputs?(reg: Registration): { id?: string; outputs: Record<string, unknown> };
  invoke?(token: string, args: Record<string, unknown>): Record<string, unknown>;
}

/**
 * The Engine and ResourceMonitor services a provider plugin's Construct talks to, in one grpc-js
 * server on loopback: enough of the Pulumi engine to watch what a component registers (type, parent,
 * inputs with secret markers) without the CLI (../shared/research/component-provider.md §3.4).
 * Features: secrets and resource references. Logs are kept for secret scans.
 */
export class FakeEngine {
  readonly registrations: Registration[] = [];
  readonly invokes: Array<{ token: string; args: Record<string, unknown> }> = [];
  readonly logs: string[] = [];

  private constructor(
    private readonly server: grpc.Server,
    readonly address: string,
  ) {}

  static async start(behaviour: FakeEngineBehaviour = {}): Promise<FakeEngine> {
    const server = new grpc.Server();
    const engine: FakeEngine = new FakeEngine(server, "");
    let root = "";
    server.addService(EngineService, {
      log(call: grpc.ServerUnaryCall<engineproto.LogRequest, Empty>, cb: grpc.sendUnaryData<Empty>) {
        engine.logs.push(call.request.getMessage());
        cb(null, new Empty());
      },
      getRootResource(_call: unknown, cb: grpc.sendUnaryData<engineproto.GetRootResourceResponse>) {
        cb(null, new engineproto.GetRootResourceResponse().setUrn(root));
      },
      setRootResource(call: grpc.ServerUnaryCall<engineproto.SetRootResourceRequest, engineproto.SetRootResourceResponse>, cb: grpc.sendUnaryData<engineproto.SetRootResourceResponse>) {
        root = call.request.getUrn();
        cb(null, new engineproto.SetRootResourceResponse());
      },
    });
    server.addService(ResourceMonitorService, {
      supportsFeature(call: grpc.ServerUnaryCall<resproto.SupportsFeatureRequest, resproto.SupportsFeatureResponse>, cb: grpc.sendUnaryData<resproto.SupportsFeatureResponse>) {
        cb(null, new resproto.SupportsFeatureResponse().setHassupport(["secrets", "resourceReferences"].includes(call.request.getId())));
      },
      registerResource(call: grpc.ServerUnaryCall<resproto.RegisterResourceRequest, resproto.RegisterResourceResponse>, cb: grpc.sendUnaryData<resproto.RegisterResourceResponse>) {
        const r = call.request;
        const reg: Registration = {
          type: r.getType(),
          name: r.getName(),
          custom: r.getCustom(),
          parent: r.getParent(),
          provider: r.getProvider(),
          inputs: (r.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>,
        };
        engine.registrations.push(reg);
        const answer = reg.custom ? (behaviour.outputs?.(reg) ?? { outputs: reg.inputs }) : { outputs: {} };
        const res = new resproto.RegisterResourceResponse();
        res.setUrn(`urn:pulumi:test::acr-tokens-test::${reg.type}::${reg.name}`);
        if (reg.custom) res.setId(answer.id ?? `${reg.name}-id`);
        res.setObject(Struct.fromJavaScript(answer.outputs as Record<string, never>));
        cb(null, res);
      },
      registerResourceOutputs(_call: unknown, cb: grpc.sendUnaryData<Empty>) {
        cb(null, new Empty());
      },
      invoke(call: grpc.ServerUnaryCall<resproto.ResourceInvokeRequest, resproto.ResourceInvokeResponse>, cb: grpc.sendUnaryData<resproto.ResourceInvokeResponse>) {
        const token = call.request.getTok();
        const args = (call.request.getArgs()?.toJavaScript() ?? {}) as Record<string, unknown>;
        engine.invokes.push({ token, args });
        const res = new resproto.ResourceInvokeResponse();
        res.setReturn(Struct.fromJavaScript((behaviour.invoke?.(token, args) ?? {}) as Record<string, never>));
        cb(null, res);
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    (engine as { address: string }).address = `127.0.0.1:${port}`;
    return engine;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()));
  }
}
