import * as containerregistry from "@pulumi/azure-native/containerregistry";
import type { Stack } from "@pulumi/pulumi/automation";
import { RegistryToken } from "../components/registryToken";
import { TokenPassword } from "../components/tokenPassword";
import { CLI_BIN, CLI_BUILD_COMMAND, EngineBed, cliBuilt, pinnedCliVersion, type EngineStack } from "../testing/engine";
import { armSince, countOps, createTokens, describeOps } from "./lifecycle";

/**
 * The real Pulumi engine (issue 18): the CLI built by tools/pulumi/build.sh, driven through
 * testing/engine (Automation API, file backend, passphrase secrets, the azure-native stand-in) against
 * an emulator of its own. Timed is the `pulumi` command itself (up, destroy, preview), as a user
 * running it in a shell waits for it; the Automation API's own follow-up commands (`stack output`,
 * `stack history` after an up) are not counted.
 */

export const ENGINE_RG = "rg-bench-engine";
export const ENGINE_REGISTRY = "benchengineregistry";

/** Why the engine figures cannot be measured, or undefined when the CLI is built. */
export function engineUnavailable(): string | undefined {
  if (cliBuilt()) return undefined;
  return `the Pulumi CLI ${pinnedCliVersion()} is not built in ${CLI_BIN}; build it with ${CLI_BUILD_COMMAND} (a few minutes with a warm Go build cache)`;
}

/**
 * Records how long each `pulumi <command>` the Automation API runs for `stack` takes (wall seconds,
 * process start to exit), by wrapping the stack's one entry point to the CLI.
 */
function commandTimer(stack: Stack): Map<string, number[]> {
  const seconds = new Map<string, number[]>();
  const target = stack as unknown as { runPulumiCmd: (args: string[], ...rest: unknown[]) => Promise<unknown> };
  const run = target.runPulumiCmd.bind(stack);
  target.runPulumiCmd = async (args: string[], ...rest: unknown[]) => {
    const start = process.hrtime.bigint();
    try {
      return await run(args, ...rest);
    } finally {
      const command = args[0] ?? "";
      seconds.set(command, [...(seconds.get(command) ?? []), Number(process.hrtime.bigint() - start) / 1e9]);
    }
  };
  return seconds;
}

function onlyTiming(timings: Map<string, number[]>, command: string): number {
  const runs = timings.get(command) ?? [];
  if (runs.length !== 1) throw new Error(`expected one \`pulumi ${command}\`, the Automation API ran ${runs.length}`);
  return runs[0]!;
}

/** One emulator and Pulumi home for every engine figure of the bench, with the tokens the password program uses. */
export async function startEngineBed(passwords: number, compiledProjectDir: string | undefined): Promise<{ bed: EngineBed; tokenIds: string[] }> {
  const bed = await EngineBed.start({ resourceGroup: ENGINE_RG, registryName: ENGINE_REGISTRY, ...(compiledProjectDir ? { compiledProjectDir } : {}) });
  const names = Array.from({ length: passwords }, (_, i) => `engine-token-${String(i).padStart(3, "0")}`);
  await createTokens(bed.emu, bed.arm, names, ENGINE_RG, ENGINE_REGISTRY);
  return { bed, tokenIds: names.map((n) => bed.tokenId(n)) };
}

export interface EngineUpDestroy {
  upSeconds: number;
  destroySeconds: number;
  /** ARM calls of the up and of the destroy, by operation. */
  upCalls: string;
  destroyCalls: string;
}

/**
 * `pulumi up` of a program declaring one TokenPassword per token (bring-your-own access token, the
 * engine's default parallelism), then `pulumi destroy`; checks that every password was generated
 * and removed (one generateCredentials each; one token PATCH each).
 */
export async function engineUpDestroy(bed: EngineBed, tokenIds: readonly string[], run: number): Promise<EngineUpDestroy> {
  const stack: EngineStack = await bed.stack({
    project: "bench-passwords",
    stackName: `passwords-${run}`,
    program: async () => {
      tokenIds.forEach((token, i) => new TokenPassword(`pw-${i}`, { token }));
      return {};
    },
  });
  const timings = commandTimer(stack.stack);
  let mark = bed.emu.requests.length;
  const up = await stack.up();
  if (up.result.summary.result !== "succeeded") throw new Error(`engine up of ${tokenIds.length} passwords: ${up.result.summary.result}`);
  const upArm = armSince(bed.emu, mark);
  const generated = countOps(upArm).get("registries.generateCredentials") ?? 0;
  if (generated !== tokenIds.length) throw new Error(`engine up generated ${generated} passwords for ${tokenIds.length} TokenPasswords (${describeOps(upArm)})`);
  mark = bed.emu.requests.length;
  await stack.destroy();
  const destroyArm = armSince(bed.emu, mark);
  const patched = countOps(destroyArm).get("tokens.update") ?? 0;
  if (patched !== tokenIds.length) throw new Error(`engine destroy removed ${patched} passwords of ${tokenIds.length} (${describeOps(destroyArm)})`);
  if ((await stack.resourceCount()) !== 0) throw new Error("engine destroy left resources in the stack");
  await bed.destroyAll();
  return { upSeconds: onlyTiming(timings, "up"), destroySeconds: onlyTiming(timings, "destroy"), upCalls: describeOps(upArm), destroyCalls: describeOps(destroyArm) };
}

/**
 * `pulumi preview` of a new stack declaring `count` tokens, each with its own scope map (one
 * repository, two actions): with this package's `RegistryToken` (inline `repositories`), or the same
 * ScopeMap + Token pairs written with azure-native directly. Returns the command's seconds. With
 * `skipCheckpoints`, the CLI runs with `PULUMI_SKIP_CHECKPOINTS=true`.
 */
export async function enginePreview(
  bed: EngineBed,
  count: number,
  kind: "ours" | "azureNative",
  run: number,
  options: { skipCheckpoints?: boolean } = {},
): Promise<number> {
  const registry = { registryName: ENGINE_REGISTRY, resourceGroupName: ENGINE_RG };
  const program =
    kind === "ours"
      ? async () => {
          for (let i = 0; i < count; i++) new RegistryToken(`token-${i}`, { ...registry, repositories: { [`app-${i}`]: ["content/read", "metadata/read"] } });
          return {};
        }
      : async () => {
          for (let i = 0; i < count; i++) {
            const map = new containerregistry.ScopeMap(`token-${i}-scope-map`, {
              ...registry,
              scopeMapName: `token-${i}-scope-map`,
              actions: [`repositories/app-${i}/content/read`, `repositories/app-${i}/metadata/read`],
            });
            new containerregistry.Token(`token-${i}`, { ...registry, tokenName: `token-${i}`, scopeMapId: map.id, status: "enabled" });
          }
          return {};
        };
  const stack = await bed.stack({
    project: `bench-preview-${kind === "ours" ? "ours" : "azure-native"}`,
    stackName: `preview-${kind}-${options.skipCheckpoints ? "skip-" : ""}${run}`,
    program,
  });
  // The engine's snapshot manager then saves once at the end instead of after every step
  // (bench/README.md, "Why a large preview grows quadratically"); a preview persists nothing either way.
  if (options.skipCheckpoints) stack.stack.workspace.envVars["PULUMI_SKIP_CHECKPOINTS"] = "true";
  const timings = commandTimer(stack.stack);
  const preview = await stack.preview();
  const creates = preview.result.changeSummary["create"] ?? 0;
  if (creates < 2 * count) throw new Error(`engine preview of ${count} tokens (${kind}) plans ${creates} creates, fewer than the ${2 * count} scope maps and tokens`);
  await bed.destroyAll();
  return onlyTiming(timings, "preview");
}
