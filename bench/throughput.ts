import { ContainerRegistryManagementClient } from "@azure/arm-containerregistry";
import { startEmulatorChild, THROUGHPUT_REGISTRY, THROUGHPUT_RG } from "./emulatorChild";
import { mapPool, progress } from "./lifecycle";
import { percentile } from "./stats";

/** One throughput run: requests per second and the 99th-percentile latency seen by the clients. */
export interface ThroughputRun {
  requestsPerSecond: number;
  p99Ms: number;
  requests: number;
  seconds: number;
}

/**
 * Emulator throughput: `clients` independent `ContainerRegistryManagementClient`s (each its own
 * pipeline and connections) call `tokens.get` in a loop against an emulator in a child process on
 * loopback, until `maxRequests` have completed in total or `maxSeconds` have passed, whichever comes
 * first. Latency is measured per call by the client (SDK pipeline included).
 */
export async function measureThroughput(options: { runs: number; clients: number; maxRequests: number; maxSeconds: number }): Promise<ThroughputRun[]> {
  const { info, stop } = await startEmulatorChild();
  try {
    const credential = { getToken: async () => ({ token: info.accessToken, expiresOnTimestamp: Date.now() + 3_600_000 }) };
    const clients = Array.from(
      { length: options.clients },
      () =>
        new ContainerRegistryManagementClient(credential, info.subscriptionId, {
          endpoint: info.armEndpoint,
          credentials: { scopes: ["https://management.azure.com/.default"] },
          tlsOptions: { ca: info.caCertPem },
          retryOptions: { maxRetries: 0 },
        }),
    );
    const scopeMapId = `/subscriptions/${info.subscriptionId}/resourceGroups/${THROUGHPUT_RG}/providers/Microsoft.ContainerRegistry/registries/${THROUGHPUT_REGISTRY}/scopeMaps/_repositories_pull`;
    const tokenNames = clients.map((_, i) => `load-token-${String(i).padStart(2, "0")}`);
    await mapPool(tokenNames, 8, (name) => clients[0]!.tokens.create(THROUGHPUT_RG, THROUGHPUT_REGISTRY, name, { scopeMapId, status: "enabled" }, { updateIntervalInMs: 0 }));
    // Warm-up: every client opens its connection and gets through its token cache once.
    await Promise.all(clients.map((c, i) => c.tokens.get(THROUGHPUT_RG, THROUGHPUT_REGISTRY, tokenNames[i]!)));

    const runs: ThroughputRun[] = [];
    for (let run = 0; run < options.runs; run++) {
      const latencies: number[] = [];
      let started = 0;
      const t0 = process.hrtime.bigint();
      const deadline = t0 + BigInt(Math.round(options.maxSeconds * 1e9));
      await Promise.all(
        clients.map(async (client, i) => {
          while (started < options.maxRequests && process.hrtime.bigint() < deadline) {
            started++;
            const s = process.hrtime.bigint();
            const token = await client.tokens.get(THROUGHPUT_RG, THROUGHPUT_REGISTRY, tokenNames[i]!);
            if (!token.id) throw new Error("tokens.get answered without an id");
            latencies.push(Number(process.hrtime.bigint() - s) / 1e6);
          }
        }),
      );
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      runs.push({ requestsPerSecond: latencies.length / seconds, p99Ms: percentile(latencies, 99), requests: latencies.length, seconds });
      progress(`throughput run ${run + 1}/${options.runs}: ${latencies.length} requests in ${seconds.toFixed(2)} s`);
    }
    return runs;
  } finally {
    await stop();
  }
}
