/**
 * `npm run demo`: the quickstart end to end against an embedded ACR emulator, no Azure account needed.
 * With the Pulumi CLI built (tools/pulumi/build.sh) it runs through the real Pulumi engine
 * (testing/engine: the Automation API over .pulumi-cli, showing the CLI's own progress output);
 * otherwise, saying so, through the e2e harness (testing/harness/index.ts: the program under Pulumi's mock
 * runtime, azure-native resources and the real dynamic-provider host; not the Pulumi engine).
 *
 * Steps: up; a password regenerated out of band, found by refresh and repaired by up; a zero-downtime
 * rotation (a second password in slot password2, then password1 replaced); `acr-tokens check`;
 * destroy. It prints what happens in plain words and never prints a password or an access token.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { startEmulator, type Emulator } from "acr-tokens-emulator";
import { main as acrTokens } from "../cli";
import { scrub } from "../components/common/redact";
import { EmulatorHarness, planByName, reveal, type Operation, type RunResult, type Session } from "../testing/harness";
import { CLI_BUILD_COMMAND, cliBuilt, EngineBed, type EngineStack } from "../testing/engine";

/** One step of the demo and whether it did what it says. */
export interface DemoStep {
  title: string;
  ok: boolean;
}

/** Where the demo writes (stdout for `npm run demo`). */
export interface DemoIo {
  write(text: string): void;
}

const RG = "rg-demo";
const REGISTRY = "contosoregistry";
const QUICKSTART = "examples/quickstart/index.ts";
const ROTATION = "testing/harness/programs/quickstartRotation.ts";
const PROJECT = "acr-tokens-quickstart";

const VERBS: Record<Operation, string> = { create: "created", update: "updated", replace: "replaced", delete: "deleted", same: "unchanged" };

/** "created ScopeMap app-pull-scope-map, Token app-pull; …" from a plan (the components and the stack left out). */
function describe(result: RunResult): string {
  const byOp = new Map<Operation, string[]>();
  for (const [key, op] of Object.entries(planByName(result.plan))) {
    const [type, name] = key.split("::");
    if (op === "same" || type.startsWith("acr-tokens:index") || type.startsWith("pulumi:pulumi")) continue;
    byOp.set(op, [...(byOp.get(op) ?? []), `${type.split(":").pop() ?? type} ${name}`]);
  }
  return byOp.size > 0 ? [...byOp].map(([op, items]) => `${VERBS[op]} ${items.join(", ")}`).join("; ") : "no changes";
}

/** The same words from the real engine's steps (a replacement's create and delete count as "replaced"). */
function describeSteps(steps: Record<string, string>): string {
  const verb = (op: string): string | undefined =>
    op === "create" ? "created" : op === "update" ? "updated" : op === "delete" ? "deleted" : /replace/.test(op) ? "replaced" : undefined;
  return describe({ plan: Object.fromEntries(Object.entries(steps).map(([k, op]) => [`urn:pulumi:s::p::${k}`, (verb(op) ? op.replace(/.*replace.*/, "replace") : "same") as Operation])) } as RunResult);
}

/**
 * One stack as the demo drives it, through the harness or the real engine: the steps' outcomes in
 * the demo's words, the stack outputs as plain values (never printed), the password's drift output.
 */
interface DemoStack {
  up(): Promise<{ said: string; outputs: Record<string, unknown> }>;
  refresh(): Promise<void>;
  drift(): Promise<unknown>;
  /** The planned operation on the quickstart's TokenPassword in a preview. */
  plannedForPassword(): Promise<string | undefined>;
  destroy(): Promise<string>;
  /** Switches the program and merges config for the next operations. */
  use(program: string, config: Record<string, string>): Promise<void>;
}

const PASSWORD_KEY = "pulumi-nodejs:dynamic/acr-tokens:TokenPassword::app-pull-password1";

function harnessStack(session: Session): DemoStack {
  return {
    up: async () => {
      const r = await session.up();
      return { said: describe(r), outputs: Object.fromEntries(Object.entries(r.outputs).map(([k, v]) => [k, reveal(v)])) };
    },
    refresh: async () => void (await session.refresh()),
    drift: async () => session.state.resources.find((r) => r.type === "pulumi-nodejs:dynamic/acr-tokens:TokenPassword" && r.name === "app-pull-password1")?.outputs["drift"],
    plannedForPassword: async () => planByName((await session.preview()).plan)[PASSWORD_KEY],
    destroy: async () => describe(await session.destroy()),
    use: async (program, config) => {
      session.program = program;
      session.config = { ...session.config, ...config };
    },
  };
}

/** The real engine: each operation's CLI output (its progress and summary, secrets shown as [secret]) goes to `say`, indented. */
function engineStack(stack: EngineStack, say: (line: string) => void): DemoStack {
  const show = (output: string) => say(output.trimEnd().replace(/^/gm, "      │ "));
  return {
    up: async () => {
      const r = await stack.up();
      show(r.output);
      const outputs = Object.fromEntries(Object.entries(await stack.outputs()).map(([k, v]) => [k, v.value]));
      return { said: describeSteps(r.steps), outputs };
    },
    refresh: async () => show((await stack.refresh()).output),
    drift: async () => (await stack.resources()).find((r) => r.urn.endsWith("::app-pull-password1"))?.outputs?.["drift"],
    plannedForPassword: async () => {
      const r = await stack.preview();
      show(r.output);
      const op = r.steps[PASSWORD_KEY];
      return op === undefined ? undefined : /replace/.test(op) ? "replace" : op;
    },
    destroy: async () => {
      const r = await stack.destroy();
      show(r.output);
      return describeSteps(r.steps);
    },
    use: async (program, config) => {
      await stack.setConfig(config);
      stack.program = program;
    },
  };
}

/**
 * Runs the demo. Never throws for a failed step: every step is printed and returned with `ok`.
 *
 * @param io - Where the narration goes.
 * @returns Whether every step succeeded, and the steps.
 */
export async function main(
  io: DemoIo = { write: (t) => process.stdout.write(t) },
  options: { engine?: boolean } = {},
): Promise<{ ok: boolean; steps: DemoStep[] }> {
  const engine = options.engine ?? cliBuilt();
  const started = Date.now();
  const steps: DemoStep[] = [];
  const say = (line = "") => io.write(`${line}\n`);
  const step = (title: string, ok: boolean, detail?: string) => {
    steps.push({ title, ok });
    say(`${ok ? "  ✔" : "  ✘"} ${title}${detail ? `\n      ${detail}` : ""}`);
    return ok;
  };

  const dir = mkdtempSync(path.join(tmpdir(), "acr-tokens-demo-"));
  let emu: Emulator | undefined;
  let harness: EmulatorHarness | undefined;
  let bed: EngineBed | undefined;
  try {
    say("acr-tokens demo: the quickstart against a local ACR emulator (no Azure account; passwords are never printed)\n");
    const config = { registryName: REGISTRY, resourceGroupName: RG };
    let session: DemoStack;
    let arm: EmulatorHarness["arm"];
    if (engine) {
      bed = await EngineBed.start({ resourceGroup: RG, registryName: REGISTRY });
      emu = bed.emu;
      arm = bed.arm;
      say(`Through the real Pulumi engine: the CLI in .pulumi-cli/bin (${(await bed.cli(["version"])).trim()}), local file backend, azure-native served by this repository's stand-in plugin.`);
      session = engineStack(await bed.stack({ project: PROJECT, program: QUICKSTART, config }), say);
    } else {
      emu = await startEmulator({
        seed: { resourceGroups: [{ name: RG }], registries: [{ resourceGroup: RG, name: REGISTRY, sku: "Premium" }] },
        clockFile: path.join(dir, "clock"),
      });
      harness = EmulatorHarness.start(emu, PROJECT);
      arm = harness.arm;
      say(`Through the e2e harness (mini engine), not the Pulumi engine: ${options.engine === false ? "asked for" : `the Pulumi CLI is not built; build it with ${CLI_BUILD_COMMAND}`}.`);
      session = harnessStack(harness.session({ program: QUICKSTART, config }));
    }
    say(`Emulator on ${emu.armEndpoint}: registry "${REGISTRY}" in resource group "${RG}".`);
    const tokenId = `/subscriptions/${emu.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.ContainerRegistry/registries/${REGISTRY}/tokens/app-pull`;
    const logsIn = (password: unknown) => emu!.checkPassword(tokenId, reveal<string>(password));

    say("\n1. pulumi up (examples/quickstart)");
    let result = await session.up();
    say(`   ${result.said}`);
    step(
      `token "${String(result.outputs["username"])}" on ${String(result.outputs["loginServer"])} can pull "app"; its password1 (expires ${String(result.outputs["passwordExpiry"])}) logs in`,
      logsIn(result.outputs["password"]).ok,
    );
    say(`   docker login: ${String(result.outputs["dockerLogin"])}`);

    say("\n2. Someone regenerates password1 outside Pulumi (portal, az acr token credential generate)");
    await arm.registries.generateCredentials(RG, REGISTRY, { tokenId, name: "password1" }, { updateIntervalInMs: 0 });
    step("the password in the stack no longer logs in", !logsIn(result.outputs["password"]).ok);
    await session.refresh();
    const drift = await session.drift();
    say(`   pulumi refresh: TokenPassword app-pull-password1 drift: ${typeof drift === "string" ? drift : "none reported"}`);
    const planned = await session.plannedForPassword();
    step(`after pulumi refresh, the preview plans to repair password1 (TokenPassword: ${planned ?? "not in state"})`, planned !== undefined && planned !== "same");
    result = await session.up();
    say(`   pulumi up: ${result.said}`);
    step("after pulumi up, the password in the stack logs in again", logsIn(result.outputs["password"]).ok);

    say("\n3. Zero-downtime rotation");
    await session.use(ROTATION, { password2: "yes" });
    result = await session.up();
    say(`   add a second password in slot password2: ${result.said}`);
    step("password2 logs in next to password1: consumers switch to password2", logsIn(result.outputs["password2"]).ok);
    const password2 = result.outputs["password2"];
    await session.use(ROTATION, { password1Days: "180" });
    result = await session.up();
    say(`   replace password1 (now valid 180 days): ${result.said}`);
    step(
      "the new password1 logs in, and password2 kept working throughout",
      logsIn(result.outputs["password"]).ok && logsIn(password2).ok && logsIn(result.outputs["password2"]).ok,
    );

    say("\n4. acr-tokens check (the CI expiry check, outside Pulumi)");
    let checkOut = "";
    let checkErr = "";
    const code = await acrTokens(["check", "--registry", REGISTRY, "--resource-group", RG, "--subscription", emu.subscriptionId], {
      stdout: { write: (t: string) => void (checkOut += t) },
      stderr: { write: (t: string) => void (checkErr += t) },
      env: {
        ACR_TOKENS_ACCESS_TOKEN: emu.issueToken(),
        ACR_TOKENS_ARM_ENDPOINT: emu.armEndpoint,
        ACR_TOKENS_CA_CERT_FILE: emu.caCertPath,
        ACR_TOKENS_CLOCK_FILE: emu.clock.mirrorFile,
      },
      isTTY: false,
    });
    say((checkOut + checkErr).trimEnd().replace(/^/gm, "   "));
    step(`acr-tokens check exits ${code}: nothing flagged`, code === 0);

    say("\n5. pulumi destroy");
    say(`   ${await session.destroy()}`);
    const left: string[] = [];
    for await (const t of arm.tokens.list(RG, REGISTRY)) left.push(`token ${t.name}`);
    for await (const m of arm.scopeMaps.list(RG, REGISTRY)) if (!m.name?.startsWith("_")) left.push(`scope map ${m.name}`);
    step("the registry holds no token or scope map of the stack any more", left.length === 0, left.length > 0 ? `left: ${left.join(", ")}` : undefined);
  } catch (err) {
    step(`the demo stopped: ${scrub(err instanceof Error ? err.message : String(err))}`, false);
  } finally {
    await harness?.close();
    if (bed) await bed.close();
    else await emu?.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const ok = steps.every((s) => s.ok);
  say(`\n${ok ? "Done" : "Finished with failed steps"} in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  return { ok, steps };
}

if (require.main === module) {
  void main().then((r) => {
    process.exitCode = r.ok ? 0 : 1;
  });
}
