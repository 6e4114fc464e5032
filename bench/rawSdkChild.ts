import { ContainerRegistryManagementClient } from "@azure/arm-containerregistry";
import { rawSdkLifecycle } from "./lifecycle";

/**
 * Child process for the raw-SDK baseline: `@azure/arm-containerregistry` alone, in a process of its
 * own like the provider host, so that both sides' HTTP traffic crosses the same process boundary to
 * the emulator (in the bench process). Reads its setup from the environment (BENCH_ARM_ENDPOINT,
 * BENCH_CA_CERT_FILE, BENCH_SUBSCRIPTION_ID, BENCH_TOKEN_NAMES as JSON, BENCH_TOKEN_ID_PREFIX,
 * BENCH_PARALLEL) and the access token from its stdin (never from argv or the environment), warms
 * up on one token (connection, token cache, the registry's login server), runs the lifecycle once and
 * prints its seconds.
 */
async function main(): Promise<void> {
  const env = (name: string): string => {
    const v = process.env[name];
    if (!v) throw new Error(`${name} is not set`);
    return v;
  };
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  const accessToken = Buffer.concat(chunks).toString("utf8").trim();
  const names = JSON.parse(env("BENCH_TOKEN_NAMES")) as string[];
  const prefix = env("BENCH_TOKEN_ID_PREFIX");
  const { readFileSync } = await import("node:fs");
  const sdk = new ContainerRegistryManagementClient(
    { getToken: async () => ({ token: accessToken, expiresOnTimestamp: Date.now() + 3_600_000 }) },
    env("BENCH_SUBSCRIPTION_ID"),
    {
      endpoint: env("BENCH_ARM_ENDPOINT"),
      credentials: { scopes: ["https://management.azure.com/.default"] },
      tlsOptions: { ca: readFileSync(env("BENCH_CA_CERT_FILE"), "utf8") },
      retryOptions: { maxRetries: 0 },
    },
  );
  // The warm-up looks up the login server, as the provider host's warm-up does; the timed run reuses it.
  const loginServers = new Map<string, string>();
  await rawSdkLifecycle(sdk, [env("BENCH_WARM_TOKEN")], (n) => `${prefix}${n}`, 1, loginServers);
  const seconds = await rawSdkLifecycle(sdk, names, (n) => `${prefix}${n}`, Number(env("BENCH_PARALLEL")), loginServers);
  process.stdout.write(`${seconds}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`raw SDK child: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
