import * as pulumi from "@pulumi/pulumi";
import type { Emulator } from "acr-tokens-emulator";
import { registerUnderMocks, type ProviderHost } from "../testing/providerHost";
import { armSince, assertSameCalls, cpuSecondsOf, hostLifecycle, hostWarmUp, startHost } from "./lifecycle";

/**
 * The protocol floor of the password lifecycle (issue 18): the smallest dynamic provider that makes
 * exactly the ARM calls TokenPassword's provider makes, with `@azure/arm-containerregistry` alone. No
 * validation (Check returns the inputs), no credential resolution (one fixed bearer token from
 * `ACR_TOKENS_ACCESS_TOKEN`), no drift (Read returns the state it was given), no error wrapping, no
 * retry or timeout policy of its own. It runs in the same dynamic-provider host, driven the same way
 * (Check+Create, Read, Delete over gRPC), so `lifecycle ÷ floor` is what the package itself adds.
 *
 * Everything is inside the functions: the closure serializer copies them into the `__provider` text,
 * which the host evaluates without a file name; `require` then resolves from the host's working
 * directory (the bench project under the repository, so the repository's node_modules). The client and
 * the login servers are kept on `globalThis`, once per host process, as the provider keeps its own.
 */

export const FLOOR_TYPE = "pulumi-nodejs:dynamic/bench:ProtocolFloorPassword";

interface FloorState {
  client: import("@azure/arm-containerregistry").ContainerRegistryManagementClient;
  loginServers: Map<string, Promise<string>>;
  pollMs: number;
}

/** The host-wide client (fixed token, endpoint from the environment) and login-server cache; one subscription per run. */
function floorState(subscriptionId: string): FloorState {
  const g = globalThis as unknown as { __acrTokensBenchFloor?: FloorState };
  if (!g.__acrTokensBenchFloor) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { ContainerRegistryManagementClient } = require("@azure/arm-containerregistry") as typeof import("@azure/arm-containerregistry");
    const token = process.env["ACR_TOKENS_ACCESS_TOKEN"] ?? "";
    const endpoint = process.env["ACR_TOKENS_ARM_ENDPOINT"] ?? "https://management.azure.com";
    g.__acrTokensBenchFloor = {
      client: new ContainerRegistryManagementClient({ getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }) }, subscriptionId, {
        endpoint,
        credentials: { scopes: ["https://management.azure.com/.default"] },
      }),
      loginServers: new Map(),
      pollMs: Number(process.env["ACR_TOKENS_LRO_POLL_INTERVAL_MS"] ?? "2000"),
    };
  }
  return g.__acrTokensBenchFloor;
}

/** Resource group, registry and token name of a token id (…/resourceGroups/<rg>/…/registries/<r>/tokens/<t>). */
function floorRef(tokenId: string): { subscription: string; rg: string; registry: string; token: string } {
  const parts = tokenId.split("/");
  return { subscription: parts[2]!, rg: parts[4]!, registry: parts[8]!, token: parts[10]! };
}

/** The floor provider itself (see the file comment). */
export const protocolFloorProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
    return { inputs: news };
  },

  async create(inputs: { tokenId: string; slot: "password1" | "password2" }) {
    const { subscription, rg, registry } = floorRef(inputs.tokenId);
    const { client, loginServers, pollMs } = floorState(subscription);
    let loginServer = loginServers.get(registry);
    if (!loginServer) {
      loginServer = client.registries.get(rg, registry).then((r) => r.loginServer ?? "");
      loginServers.set(registry, loginServer);
    }
    const server = await loginServer;
    const result = await client.registries.generateCredentials(rg, registry, { tokenId: inputs.tokenId, name: inputs.slot }, { updateIntervalInMs: pollMs });
    const password = result.passwords?.find((p) => p.name === inputs.slot)?.value;
    return { id: `${inputs.tokenId}/passwords/${inputs.slot}`, outs: { tokenId: inputs.tokenId, slot: inputs.slot, username: result.username, password, loginServer: server } };
  },

  async read(id: string, props: { tokenId: string }) {
    const { subscription, rg, registry, token } = floorRef(props.tokenId);
    const { client } = floorState(subscription);
    await client.tokens.get(rg, registry, token);
    return { id, props };
  },

  async delete(_id: string, props: { tokenId: string; slot: string }) {
    const { subscription, rg, registry, token } = floorRef(props.tokenId);
    const { client, pollMs } = floorState(subscription);
    const current = await client.tokens.get(rg, registry, token);
    const keep = (current.credentials?.passwords ?? []).filter((p) => p.name !== props.slot).map((p) => ({ name: p.name }));
    await client.tokens.update(rg, registry, token, { credentials: { passwords: keep } }, { updateIntervalInMs: pollMs });
  },
};

/** The resource that carries the floor provider (dynamic.Resource is abstract). */
class ProtocolFloorPassword extends pulumi.dynamic.Resource {
  constructor(name: string, props: Record<string, unknown>) {
    super(protocolFloorProvider, name, props, {}, "bench", "ProtocolFloorPassword");
  }
}

let floorText: Promise<string> | undefined;

/** The floor provider's `__provider` text, serialized by the Pulumi SDK under mocks as `pulumi up` would. */
export function protocolFloorProviderText(): Promise<string> {
  floorText ??= registerUnderMocks(() => [new ProtocolFloorPassword("bench-floor", { tokenId: "unused", slot: "password1" })]).then(
    (seen) => {
      const text = seen.find((r) => r.type === FLOOR_TYPE)?.providerText;
      if (typeof text !== "string") throw new Error("the protocol-floor provider did not serialize to a string.");
      return text;
    },
  );
  return floorText;
}

/** One run of the floor comparison: ABBA timings (ours, floor, floor, ours) and each host's CPU time. */
export interface FloorRun {
  ours: [number, number];
  floor: [number, number];
  /** Host CPU seconds over both of that side's lifecycles (undefined off Linux). */
  oursCpuSeconds: number | undefined;
  floorCpuSeconds: number | undefined;
}

/**
 * Our lifecycle and the floor's, through two hosts started alike (same environment, same project
 * directory, both warmed up on one password), timed in ABBA order so that a load drifting during the
 * run weighs on both; the ARM calls of each side's first lifecycle (warm-up included) must be the same.
 */
export async function floorRun(
  emu: Emulator,
  env: Record<string, string | undefined>,
  projectDir: string | undefined,
  texts: { ours: string; floor: string },
  tokenIds: readonly string[],
  warmTokenId: string,
  prefix: string,
): Promise<FloorRun> {
  let ours: ProviderHost | undefined;
  let floor: ProviderHost | undefined;
  try {
    ours = await startHost(env, projectDir);
    floor = await startHost(env, projectDir);
    let mark = emu.requests.length;
    await hostWarmUp(ours, texts.ours, warmTokenId);
    const oursWarm = armSince(emu, mark);
    mark = emu.requests.length;
    await hostWarmUp(floor, texts.floor, warmTokenId, FLOOR_TYPE);
    const floorWarm = armSince(emu, mark);
    const cpu = (h: ProviderHost) => cpuSecondsOf(h.pid);
    const oursCpu0 = cpu(ours);
    const floorCpu0 = cpu(floor);
    mark = emu.requests.length;
    const a1 = await hostLifecycle(ours, texts.ours, tokenIds, 1, `${prefix}-ours1`);
    const oursCalls = [...oursWarm, ...armSince(emu, mark)];
    mark = emu.requests.length;
    const b1 = await hostLifecycle(floor, texts.floor, tokenIds, 1, `${prefix}-floor1`, FLOOR_TYPE);
    assertSameCalls("lifecycle next to the protocol floor", oursCalls, [...floorWarm, ...armSince(emu, mark)], "the protocol floor");
    const b2 = await hostLifecycle(floor, texts.floor, tokenIds, 1, `${prefix}-floor2`, FLOOR_TYPE);
    const a2 = await hostLifecycle(ours, texts.ours, tokenIds, 1, `${prefix}-ours2`);
    const oursCpu1 = cpu(ours);
    const floorCpu1 = cpu(floor);
    return {
      ours: [a1, a2],
      floor: [b1, b2],
      oursCpuSeconds: oursCpu0 !== undefined && oursCpu1 !== undefined ? oursCpu1 - oursCpu0 : undefined,
      floorCpuSeconds: floorCpu0 !== undefined && floorCpu1 !== undefined ? floorCpu1 - floorCpu0 : undefined,
    };
  } finally {
    await ours?.close();
    await floor?.close();
  }
}
