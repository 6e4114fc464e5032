import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:https";
import * as path from "node:path";
import { startEmulatorChild, THROUGHPUT_REGISTRY, THROUGHPUT_RG } from "./emulatorChild";
import { BUILD_DIR } from "./imports";
import { mapPool, progress } from "./lifecycle";

/**
 * `acr-tokens check` over one registry with many tokens (issue 16: 50,000, ACR Premium's limit), as a
 * CI job runs it: the compiled CLI (bench/results/build, see imports.ts) in a process of its own
 * with a bring-your-own token, against the emulator in another process (bench/emulatorChild.ts).
 * The emulator is filled with raw token PUTs first (not timed). Measured per run: the check's wall
 * time from spawn to exit and its peak RSS (`process.resourceUsage().maxRSS` at exit).
 */

export interface CheckScaleRun {
  seconds: number;
  peakRssMiB: number;
}

/** Runs the compiled CLI's `run()` and reports its peak RSS (KiB) on fd 3 at exit. */
const CHILD_SCRIPT = `"use strict";
process.on("exit", () => require("node:fs").writeSync(3, String(process.resourceUsage().maxRSS)));
require(process.env.ACR_TOKENS_BENCH_CLI).run();
`;

export async function measureCheckAtScale(options: { tokens: number; runs: number }): Promise<CheckScaleRun[]> {
  const root = path.resolve(__dirname, "..");
  const { info, stop } = await startEmulatorChild();
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  try {
    const registryId = `/subscriptions/${info.subscriptionId}/resourceGroups/${THROUGHPUT_RG}/providers/Microsoft.ContainerRegistry/registries/${THROUGHPUT_REGISTRY}`;
    const body = JSON.stringify({ properties: { scopeMapId: `${registryId}/scopeMaps/_repositories_pull`, status: "enabled" } });
    const put = (name: string) =>
      new Promise<void>((resolve, reject) => {
        const req = request(
          `${info.armEndpoint}${registryId}/tokens/${name}?api-version=2023-07-01`,
          { method: "PUT", agent, ca: info.caCertPem, headers: { authorization: `Bearer ${info.accessToken}`, "content-type": "application/json" } },
          (res) => {
            res.resume();
            res.on("end", () => (res.statusCode === 201 ? resolve() : reject(new Error(`PUT token ${name}: ${res.statusCode}`))));
          },
        );
        req.on("error", reject);
        req.end(body);
      });
    const started = Date.now();
    const names = Array.from({ length: options.tokens }, (_, i) => `scale-token-${String(i).padStart(5, "0")}`);
    await mapPool(names, 16, put);
    progress(`${options.tokens} tokens created in ${((Date.now() - started) / 1000).toFixed(1)} s (not timed)`);

    const dir = path.join(root, "bench", "results");
    mkdirSync(dir, { recursive: true });
    const script = path.join(dir, "checkChild.js");
    writeFileSync(script, CHILD_SCRIPT);
    const caFile = path.join(dir, "check-scale-ca.pem");
    writeFileSync(caFile, info.caCertPem);
    const runs: CheckScaleRun[] = [];
    for (let run = 0; run < options.runs; run++) {
      const t0 = process.hrtime.bigint();
      const result = await new Promise<{ code: number | null; tokens: number; maxRssKiB: number }>((resolve, reject) => {
        const check = spawn(process.execPath, [script, "check", "--registry", registryId, "--output", "json"], {
          env: {
            PATH: process.env["PATH"],
            HOME: process.env["HOME"],
            ACR_TOKENS_BENCH_CLI: path.join(BUILD_DIR, "cli", "index.js"),
            ACR_TOKENS_ACCESS_TOKEN: info.accessToken,
            ACR_TOKENS_ARM_ENDPOINT: info.armEndpoint,
            ACR_TOKENS_CA_CERT_FILE: caFile,
          },
          stdio: ["ignore", "pipe", "pipe", "pipe"],
        });
        // Only the summary is kept: the report of 50,000 tokens is megabytes, read as a CI log would.
        let tail = "";
        let stderr = "";
        let rss = "";
        check.stdout!.on("data", (c: Buffer) => (tail = (tail + c.toString("utf8")).slice(-4096)));
        check.stderr!.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
        (check.stdio[3] as NodeJS.ReadableStream).on("data", (c: Buffer) => (rss += c.toString("utf8")));
        check.once("error", reject);
        check.once("close", (code) => {
          const m = /"summary":\s*\{"tokens":(\d+)/.exec(tail.replace(/\s+/g, ""));
          if (!m) return reject(new Error(`acr-tokens check printed no summary (exit ${String(code)}): ${stderr.slice(0, 500)}`));
          resolve({ code, tokens: Number(m[1]), maxRssKiB: Number(rss) });
        });
      });
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      if (result.tokens !== options.tokens) throw new Error(`acr-tokens check reported ${result.tokens} tokens, expected ${options.tokens}.`);
      // Every token has no password: the check flags them all (exit 1), which is the expected outcome here.
      if (result.code !== 1) throw new Error(`acr-tokens check exited ${String(result.code)}, expected 1 (every token flagged no-password).`);
      runs.push({ seconds, peakRssMiB: result.maxRssKiB / 1024 });
      progress(`check over ${options.tokens} tokens, run ${run + 1}/${options.runs}: ${seconds.toFixed(2)} s, peak RSS ${(result.maxRssKiB / 1024).toFixed(0)} MiB`);
    }
    return runs;
  } finally {
    agent.destroy();
    await stop();
  }
}
