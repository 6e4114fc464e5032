import * as assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { startEmulator, type Emulator } from "acr-tokens-emulator";
import { EmulatorHarness, planByName, reveal, type RunResult, type Session } from "../../testing/harness";

const RG = "rg-rotation";
const REGISTRY = "rotationregistry";
const PROGRAM = "examples/rotation/index.ts";
const DAY_MS = 86_400_000;
/** A short period, so the year holds many turns (52). */
const PERIOD_DAYS = 7;
const DAYS = Number(process.env.ACR_TOKENS_ROTATION_DAYS ?? 365);
const PASSWORD = (slot: string) => `pulumi-nodejs:dynamic/acr-tokens:TokenPassword::app-rotating-${slot}`;

/**
 * A simulated year of daily `pulumi up`s of examples/rotation (RotatingTokenPassword) through the
 * harness (program under the SDK's mock runtime, azure-native with its PUT semantics against the
 * emulator, TokenPasswords through the real dynamic-provider host), with the emulator clock moved one
 * day between runs. The program reads the same clock (ACR_TOKENS_CLOCK_FILE) to place itself in the
 * schedule. Checked at every instant the registry's state can change — before each up, after every
 * ARM request during it (the emulator's request hook), after it — with the emulator's checkPassword
 * (a `docker login` stand-in).
 */
describe("e2e: a year of daily rotation (RotatingTokenPassword through the harness)", function () {
  // 365 program runs through the harness, each two host RPCs per TokenPassword plus the program's own
  // run under the mock runtime: ~170 ms per run on an idle 2-core machine (about a minute for the
  // year, plus the host's ts-node start), measured 2m40s while other suites shared the cores. The cost
  // is bounded by running the rotation alone (the token exists: no RegistryToken, no registry GET) and
  // by checking only the passwords a consumer holds. ACR_TOKENS_ROTATION_DAYS shortens it for local
  // iteration; the default, and what CI runs, is the full year.
  this.timeout(420_000);

  let dir = "";
  let emu: Emulator;
  let harness: EmulatorHarness;
  let session: Session;
  let tokenId = "";
  const savedClockFile = process.env.ACR_TOKENS_CLOCK_FILE;
  /** What a consumer holds right now: the last up's `password` and `previousPassword`. */
  let held: string[] = [];
  const duringUp: string[] = [];

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "acr-tokens-rotation-"));
    const clockFile = path.join(dir, "clock");
    emu = await startEmulator({
      seed: { resourceGroups: [{ name: RG }], registries: [{ resourceGroup: RG, name: REGISTRY, sku: "Premium" }] },
      clockFile,
      startTime: "2027-01-01T06:00:00Z",
      // Between any two ARM requests of an up, a consumer holding the last outputs can log in.
      logRequests: (e) => {
        if (held.length === 0 || e.kind !== "arm") return;
        if (!held.some((p) => emu.checkPassword(tokenId, p).ok)) duringUp.push(`${emu.clock.now().toISOString()} after ${e.method} ${e.path}`);
      },
    });
    // The program computes its schedule from the emulator's clock, as the providers do.
    process.env.ACR_TOKENS_CLOCK_FILE = clockFile;
    harness = EmulatorHarness.start(emu, "acr-tokens-rotation");
    tokenId = `/subscriptions/${emu.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.ContainerRegistry/registries/${REGISTRY}/tokens/app-pull`;
    // The token exists already (made once through the SDK): each daily up is the rotation alone.
    await harness.arm.tokens.create(RG, REGISTRY, "app-pull", { scopeMapId: `${tokenId.replace(/\/tokens\/app-pull$/, "")}/scopeMaps/_repositories_pull`, status: "enabled" }, { updateIntervalInMs: 0 });
    session = harness.session({ program: PROGRAM, config: { tokenId, rotationPeriodDays: String(PERIOD_DAYS) } });
  });
  after(async () => {
    if (savedClockFile === undefined) delete process.env.ACR_TOKENS_CLOCK_FILE;
    else process.env.ACR_TOKENS_CLOCK_FILE = savedClockFile;
    if (session?.state.resources.length) await session.destroy();
    await harness?.close();
    await emu?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const generates = (since: number) => emu.requests.slice(since).filter((r) => r.kind === "arm" && r.path.endsWith("/generateCredentials")).length;
  const slotTimes = async () => {
    const t = await harness.arm.tokens.get(RG, REGISTRY, "app-pull");
    return Object.fromEntries((t.credentials?.passwords ?? []).map((p) => [p.name, p.creationTime?.toISOString()]));
  };
  const periodOf = (at: Date) => Math.floor(at.getTime() / (PERIOD_DAYS * DAY_MS));

  it("every instant has a password that logs in; each turn generates exactly one password; a switched consumer keeps working a full period", async () => {
    /** Per password ever handed out as `password`: the last time it was the newest. */
    const lastNewest = new Map<string, number>();
    const problems: string[] = [];
    let turns = 0;
    let generated = 0;
    let previousPeriod: number | undefined;

    for (let day = 0; day < DAYS; day++) {
      if (day > 0) emu.clock.advance({ days: 1 });
      const now = emu.clock.now();
      // Before the up: what consumers hold still works, and every password handed out as the newest
      // within the last period still logs in (a consumer may have switched to it at any moment).
      if (held.length > 0 && !held.some((p) => emu.checkPassword(tokenId, p).ok)) problems.push(`day ${day}: no held password logs in before the up`);
      for (const [pw, at] of lastNewest) {
        if (now.getTime() - at < PERIOD_DAYS * DAY_MS && !emu.checkPassword(tokenId, pw).ok) {
          problems.push(`day ${day}: a password that was the newest ${((now.getTime() - at) / DAY_MS).toFixed(2)} days ago no longer logs in`);
        }
      }

      const period = periodOf(now);
      const turn = previousPeriod !== undefined && period !== previousPeriod;
      const before = turn ? await slotTimes() : {};
      const mark = emu.requests.length;
      const result: RunResult = await session.up();
      const made = generates(mark);
      generated += made;

      const expected = previousPeriod === undefined ? 2 : turn ? Math.min(2, period - previousPeriod) : 0;
      if (made !== expected) problems.push(`day ${day}: ${made} generateCredentials, expected ${expected}`);
      if (turn) {
        turns++;
        const current = result.outputs["currentSlot"] as string;
        const other = current === "password1" ? "password2" : "password1";
        const plan = planByName(result.plan);
        if (plan[PASSWORD(current)] !== "replace" || plan[PASSWORD(other)] !== "same") {
          problems.push(`day ${day}: the turn planned ${current}=${plan[PASSWORD(current)]}, ${other}=${plan[PASSWORD(other)]}`);
        }
        const after = await slotTimes();
        if (after[other] === undefined || after[other] !== before[other]) problems.push(`day ${day}: the turn touched ${other}`);
      }
      previousPeriod = period;

      const password = reveal<string>(result.outputs["password"]);
      const previous = reveal<string>(result.outputs["previousPassword"]);
      held = [password, previous];
      lastNewest.set(password, emu.clock.now().getTime());
      for (const [name, value] of [["password", password], ["previousPassword", previous]] as const) {
        if (!emu.checkPassword(tokenId, value).ok) problems.push(`day ${day}: ${name} does not log in right after the up`);
      }
      if (Date.parse(result.outputs["nextRotation"] as string) <= emu.clock.now().getTime()) problems.push(`day ${day}: nextRotation is not in the future`);
      if (problems.length > 5) break;
    }

    assert.deepEqual([...problems, ...duringUp], []);
    assert.ok(turns >= Math.floor(DAYS / PERIOD_DAYS) - 1, `only ${turns} turns in ${DAYS} days`);
    assert.equal(generated, 2 + turns, "one generateCredentials per turn, plus the two initial passwords");
  });
});
