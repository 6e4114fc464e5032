import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
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

/** What the child prints once it serves. */
export interface EmulatorChildInfo {
  armEndpoint: string;
  caCertPem: string;
  subscriptionId: string;
  accessToken: string;
}

/** The parent's side: starts this file as a child process and waits for its JSON line. */
export async function startEmulatorChild(): Promise<{ child: ChildProcess; info: EmulatorChildInfo; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ["-r", "ts-node/register", "--conditions=acr-tokens-source", path.join(__dirname, "emulatorChild.ts")], {
    cwd: path.resolve(__dirname, ".."),
    env: { PATH: process.env["PATH"], HOME: process.env["HOME"], TS_NODE_TRANSPILE_ONLY: "true" },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const stop = async (): Promise<void> => {
    child.stdin!.end();
    if (child.exitCode === null) await new Promise<void>((resolve) => child.once("exit", () => resolve()));
  };
  try {
    const info = await new Promise<EmulatorChildInfo>((resolve, reject) => {
      let text = "";
      child.stdout!.on("data", (c: Buffer) => {
        text += c.toString("utf8");
        const nl = text.indexOf("\n");
        if (nl >= 0) resolve(JSON.parse(text.slice(0, nl)) as EmulatorChildInfo);
      });
      child.once("exit", (code) => reject(new Error(`the emulator child exited with ${String(code)} before it was ready`)));
    });
    return { child, info, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

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
