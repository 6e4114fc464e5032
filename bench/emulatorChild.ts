import { startEmulator } from "acr-tokens-emulator";

/**
 * Child process for the throughput figure: the emulator in its own process, so that the 32 SDK
 * clients in the bench process do not share its event loop (as with a real service). One registry
 * is seeded. Prints one JSON line {armEndpoint, caCertPem, subscriptionId, accessToken} on stdout
 * and serves until its stdin closes (the bench closes it; the bench exiting closes it too).
 *
 * The access token is an emulator-signed JWT of this throwaway emulator; it travels over the pipe
 * only and is never printed.
 */
export const THROUGHPUT_RG = "rg-throughput";
export const THROUGHPUT_REGISTRY = "throughputregistry";

async function main(): Promise<void> {
  const emu = await startEmulator({
    seed: { resourceGroups: [{ name: THROUGHPUT_RG }], registries: [{ resourceGroup: THROUGHPUT_RG, name: THROUGHPUT_REGISTRY, sku: "Premium" }] },
  });
  const accessToken = emu.issueToken({ expiresInSeconds: 6 * 3600 });
  process.stdout.write(`${JSON.stringify({ armEndpoint: emu.armEndpoint, caCertPem: emu.caCertPem, subscriptionId: emu.subscriptionId, accessToken })}\n`);
  process.stdin.resume();
  process.stdin.on("end", () => void emu.close().then(() => process.exit(0)));
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`emulator child: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
