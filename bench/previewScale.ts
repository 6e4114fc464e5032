import { readFileSync, readdirSync } from "node:fs";
import { EngineBed } from "../testing/engine";
import { ENGINE_REGISTRY, ENGINE_RG, enginePreview } from "./engine";

/**
 * Diagnostic, not a figure (issue 18): how `pulumi preview` of N RegistryTokens (or the same pairs
 * with azure-native) grows with N, and in which process the CPU goes. For each size: the command's
 * wall seconds, this process's CPU (the inline program and the Automation API), and the CPU of each
 * process below it (the CLI, the stand-in and other plugins), sampled from /proc while the command
 * runs. Set PULUMI_SKIP_CHECKPOINTS=true to see the preview without the engine's per-step snapshot
 * serialization (bench/README.md, "Why a large preview grows quadratically").
 *
 *   node -r ts-node/register/transpile-only --conditions=acr-tokens-source bench/previewScale.ts [--kind ours|azureNative] 50 100 200
 */

/** CPU seconds (user + system) of a process's /proc stat fields after the command name; `children` adds its waited-for children. */
function cpuOf(fields: string[], children = false): number {
  const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((i) => Number(fields[i]));
  return (utime + stime + (children ? cutime + cstime : 0)) / 100;
}

function statFields(pid: number | "self"): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

/** CPU seconds of every process below this one, with its command line, by pid (the last sample of each). */
function sampleDescendants(into: Map<number, { command: string; cpu: number }>): void {
  const children = new Map<number, number[]>();
  const fields = new Map<number, string[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const f = statFields(Number(entry));
      fields.set(Number(entry), f);
      children.set(Number(f[1]), [...(children.get(Number(f[1])) ?? []), Number(entry)]);
    } catch {
      // the process ended while being read
    }
  }
  const todo = [process.pid];
  while (todo.length > 0) {
    for (const pid of children.get(todo.pop()!) ?? []) {
      todo.push(pid);
      // Re-read each time: a plugin shows the CLI's command line between fork and exec, and a launcher script's before its exec.
      let command = into.get(pid)?.command ?? "";
      try {
        command = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").map((a) => a.split("/").pop()).slice(0, 4).join(" ") || command;
      } catch {
        // ended
      }
      into.set(pid, { command, cpu: cpuOf(fields.get(pid)!) });
    }
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const kindAt = args.indexOf("--kind");
  const kind = (kindAt >= 0 ? args[kindAt + 1] : "ours") as "ours" | "azureNative";
  if (kind !== "ours" && kind !== "azureNative") throw new Error(`--kind must be ours or azureNative, not ${String(kind)}`);
  const sizes = args.filter((a) => /^\d+$/.test(a)).map(Number);
  if (sizes.length === 0) throw new Error("give one or more sizes (numbers of tokens), e.g. 50 100 200");
  const bed = await EngineBed.start({ resourceGroup: ENGINE_RG, registryName: ENGINE_REGISTRY });
  try {
    for (const [run, count] of sizes.entries()) {
      const processes = new Map<number, { command: string; cpu: number }>();
      const sampler = setInterval(() => sampleDescendants(processes), 250);
      const self = process.cpuUsage();
      const seconds = await enginePreview(bed, count, kind, run);
      clearInterval(sampler);
      const selfCpu = process.cpuUsage(self);
      console.log(
        JSON.stringify({
          tokens: count,
          kind,
          previewSeconds: Number(seconds.toFixed(2)),
          programProcessCpuSeconds: Number(((selfCpu.user + selfCpu.system) / 1e6).toFixed(2)),
          processes: [...processes.values()].filter((p) => p.cpu >= 0.2).map((p) => ({ command: p.command, cpuSeconds: p.cpu })),
        }),
      );
    }
  } finally {
    await bed.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
