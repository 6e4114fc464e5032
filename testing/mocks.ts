/**
 * A recorder for programs run under `pulumi.runtime.setMocks` (awsx style): every test starts with
 * an empty record, and `findCreatedResource(type, name)` returns what the program registered.
 *
 * The public mock API hides resource options (`MockResourceArgs` has no `ignoreChanges`, `parent`,
 * `dependsOn` or `additionalSecretOutputs`) and component outputs. So this file — and only this
 * file — wraps the internal `MockMonitor.prototype.registerResource` and `registerResourceOutputs`
 * to read them from the gRPC request. `@pulumi/pulumi` is pinned exactly (3.270.0) for that reason.
 */
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { deserializeProperties } from "@pulumi/pulumi/runtime/rpc";
import type * as resproto from "@pulumi/pulumi/proto/resource_pb";
import type * as structproto from "google-protobuf/google/protobuf/struct_pb";
import { markSecrets, type Props } from "./providerHost";

/** The subscription every mocked Azure id lives in. */
export const SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000000";

/** A resource the program registered, with the options the mock API does not show. */
export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  /** Inputs exactly as registered (what the provider would receive). */
  readonly inputs: Record<string, unknown>;
  readonly custom: boolean;
  /** Parent URN ("" for none). */
  readonly parent: string;
  /** URNs this resource depends on: `dependsOn` plus the resources its inputs came from. */
  readonly dependencies: readonly string[];
  readonly ignoreChanges: readonly string[];
  readonly additionalSecretOutputs: readonly string[];
  /** The aliases sent with the registration: a spec's type (or its name when it has no type), or a URN. */
  readonly aliases: readonly string[];
  /** Set once the mock monitor answered the registration. */
  urn?: string;
}

/** An invoke (data source call) the program made. */
export interface RecordedInvoke {
  readonly token: string;
  readonly inputs: Record<string, unknown>;
}

type RequestOptions = Pick<RecordedResource, "parent" | "dependencies" | "ignoreChanges" | "additionalSecretOutputs" | "aliases">;

class MockRecorder {
  readonly resources: RecordedResource[] = [];
  readonly invokes: RecordedInvoke[] = [];
  /** Options read from the registration request, waiting for the matching `newResource` call. */
  readonly pendingOptions = new Map<string, RequestOptions>();
  private readonly outputs = new Map<string, Record<string, unknown>>();
  private readonly outputWaiters = new Map<string, (outputs: Record<string, unknown>) => void>();

  reset(): void {
    this.resources.length = 0;
    this.invokes.length = 0;
    this.pendingOptions.clear();
    this.outputs.clear();
    this.outputWaiters.clear();
  }

  /** The resource registered with this type and name; fails listing what was registered. */
  findCreatedResource(type: string, name: string): RecordedResource {
    const found = this.resources.find((r) => r.type === type && r.name === name);
    if (found === undefined) {
      const seen = this.resources.map((r) => `${r.type} "${r.name}"`).join(", ") || "nothing";
      throw new Error(`No ${type} named "${name}" was registered; registered: ${seen}.`);
    }
    return found;
  }

  /** Every resource of a type, in registration order. */
  ofType(type: string): RecordedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  /** The outputs the component with this URN passed to `registerOutputs`, once it has done so. */
  registeredOutputs(urn: string): Promise<Record<string, unknown>> {
    const known = this.outputs.get(urn);
    return known !== undefined ? Promise.resolve(known) : new Promise((resolve) => this.outputWaiters.set(urn, resolve));
  }

  recordOutputs(urn: string, outputs: Record<string, unknown>): void {
    this.outputs.set(urn, outputs);
    this.outputWaiters.get(urn)?.(outputs);
  }
}

/** The recorder of the current test. */
export const recorder = new MockRecorder();

let hooked = false;
function hookMonitor(): void {
  if (hooked) {
    return;
  }
  hooked = true;
  type Callback<T> = (err: Error | null, resp?: T) => void;
  const proto = MockMonitor.prototype as unknown as {
    registerResource(req: resproto.RegisterResourceRequest, callback: Callback<resproto.RegisterResourceResponse>): Promise<void>;
    registerResourceOutputs(req: resproto.RegisterResourceOutputsRequest, callback: Callback<unknown>): void;
  };
  const registerResource = proto.registerResource;
  proto.registerResource = function (req, callback) {
    const key = `${req.getType()}::${req.getName()}`;
    recorder.pendingOptions.set(key, {
      parent: req.getParent(),
      dependencies: req.getDependenciesList(),
      ignoreChanges: req.getIgnorechangesList(),
      additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
      aliases: req.getAliasesList().map((a) => (a.hasSpec() ? a.getSpec()!.getType() || a.getSpec()!.getName() : a.getUrn())),
    });
    return registerResource.call(this, req, (err, resp) => {
      const record = recorder.resources.find((r) => `${r.type}::${r.name}` === key && r.urn === undefined);
      if (record !== undefined && resp !== undefined) {
        record.urn = resp.getUrn();
      }
      callback(err, resp);
    });
  };
  const registerResourceOutputs = proto.registerResourceOutputs;
  proto.registerResourceOutputs = function (req, callback) {
    const outputs = req.getOutputs() as structproto.Struct | undefined;
    recorder.recordOutputs(req.getUrn(), outputs === undefined ? {} : (deserializeProperties(outputs) as Record<string, unknown>));
    registerResourceOutputs.call(this, req, callback);
  };
}

/** Mocked Azure state for a registered resource: realistic ids, and the outputs ARM would echo. */
function mockState(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
  const inputs = args.inputs as Record<string, unknown>;
  const registry = () =>
    `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${String(inputs["resourceGroupName"])}` +
    `/providers/Microsoft.ContainerRegistry/registries/${String(inputs["registryName"])}`;
  switch (args.type) {
    case "azure-native:containerregistry:ScopeMap": {
      const name = String(inputs["scopeMapName"]);
      return { id: `${registry()}/scopeMaps/${name}`, state: { ...inputs, name } };
    }
    case "azure-native:containerregistry:Token": {
      const name = String(inputs["tokenName"]);
      return { id: `${registry()}/tokens/${name}`, state: { ...inputs, name } };
    }
    case "pulumi-nodejs:dynamic/acr-tokens:TokenPassword": {
      // Stand-in for what the provider returns (tests/provider runs the real one), so programs that
      // use TokenPassword run under mocks. The value is a fixed fake, not a credential.
      const { __provider: _provider, ...rest } = inputs;
      const tokenId = String(inputs["tokenId"]);
      const registryName = /\/registries\/([^/]+)\//.exec(tokenId)?.[1] ?? "registry";
      return {
        id: `${tokenId}/${String(inputs["slot"] ?? "password1")}`,
        state: {
          ...rest,
          username: tokenId.split("/").pop(),
          password: `mock-password-${args.name}`,
          loginServer: `${registryName.toLowerCase()}.azurecr.io`,
        },
      };
    }
    default: {
      const { __provider: _provider, ...state } = inputs;
      return { id: args.custom ? `${args.name}-id` : "", state };
    }
  }
}

/**
 * Installs the mocks for the enclosing mocha suite (as the Pulumi project `project`, which names the
 * default config namespace) and resets the recorder before each test.
 * Invokes: `azure-native:containerregistry:getRegistry` answers a registry whose login server is the
 * lower-cased name; any other invoke fails ("Mock call not implemented").
 */
export function useMocks(project = "acr-tokens"): void {
  before(async () => {
    hookMonitor();
    await pulumi.runtime.setMocks(
      {
        newResource(args) {
          const key = `${args.type}::${args.name}`;
          const options = recorder.pendingOptions.get(key);
          recorder.pendingOptions.delete(key);
          recorder.resources.push({
            type: args.type,
            name: args.name,
            inputs: args.inputs as Record<string, unknown>,
            custom: args.custom ?? false,
            parent: options?.parent ?? "",
            dependencies: options?.dependencies ?? [],
            ignoreChanges: options?.ignoreChanges ?? [],
            additionalSecretOutputs: options?.additionalSecretOutputs ?? [],
            aliases: options?.aliases ?? [],
          });
          // The engine marks additionalSecretOutputs secret; the mock monitor does not.
          const result = mockState(args);
          return { ...result, state: markSecrets(result.state as Props, options?.additionalSecretOutputs ?? []) };
        },
        call(args) {
          recorder.invokes.push({ token: args.token, inputs: args.inputs as Record<string, unknown> });
          if (args.token === "azure-native:containerregistry:getRegistry") {
            const { registryName, resourceGroupName } = args.inputs as { registryName: string; resourceGroupName: string };
            return {
              id: `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${resourceGroupName}/providers/Microsoft.ContainerRegistry/registries/${registryName}`,
              name: registryName,
              loginServer: `${registryName.toLowerCase()}.azurecr.io`,
            };
          }
          throw new Error(`Mock call not implemented: ${args.token}`);
        },
      },
      project,
      "test",
      false, // an update, not a preview: outputs are known, as after `pulumi up`
    );
  });
  beforeEach(() => recorder.reset());
}

/** The value of an Output once known (rejects if producing it failed). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  // `promise()` is internal to Output but the only way to observe a failed Output; apply() never
  // calls back on failure.
  return (output as unknown as { promise(): Promise<T> }).promise();
}
