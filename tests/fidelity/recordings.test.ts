import { strict as assert } from "node:assert";
import { randomBytes } from "node:crypto";
import { startEmulator, type Emulator } from "acr-tokens-emulator";
import {
  ADJUSTMENTS,
  EXCLUSIONS,
  EXPECTED_COUNTS,
  HeaderNotes,
  NameMap,
  RELAXATIONS,
  Replayer,
  loadRecordings,
  parseBody,
  planReplay,
  recordedInProgressPolls,
  type RecordedInteraction,
  type Recording,
} from "../../testing/recordings";
import { rawRequest } from "../../testing/emulator";

/**
 * Every ARM request azure-cli's tests recorded against the real service
 * (../shared/acr/recordings) is replayed against the emulator in recorded order, with names and
 * ids mapped to fresh ones; the status code, LRO headers and the body's shape must match the
 * recorded response (see `compareShape` and `Replayer` in testing/recordings.ts: keys,
 * types, fixed values, timestamp forms, password formats, times the recording repeats or shares
 * between fields). Requests outside the emulator's surface are excluded only through the
 * allow-list there (EXCLUSIONS, with a reason each); ARM front-door headers are checked once for
 * the whole replay ("after every recording").
 *
 * The emulator's clock follows the recording's `Date` headers, so recorded password expiries
 * (2020–2023) are in the future for the emulator exactly as they were for the service; and each
 * recorded long-running operation gets, through `emulator.lro`, the number of in-progress polls
 * the recording shows for it (the service's timing, which no api contract fixes).
 */

// Loaded at definition time: one test per recorded request. A missing ../shared fails the file loudly.
const recordings: Recording[] = loadRecordings();

/** A short, readable title path: `…/tokens/acr-token`, `resources?…`, `…/registries/clireg000002`. */
function shortPath(i: RecordedInteraction): string {
  const p = i.uri.pathname;
  const child = /\/registries\/[^/]+(\/.*)$/i.exec(p);
  if (child) return `…${child[1]}`;
  if (/\/registries\/[^/]+$/i.test(p)) return `…/registries/${p.split("/").pop()}`;
  if (/\/resources$/i.test(p)) return "resources?$filter=registries";
  return p.replace(/^\/subscriptions\/[^/]+/i, "…");
}

/** The recorded response time, from its `Date` header. */
function recordedAt(i: RecordedInteraction): Date | undefined {
  const d = i.responseHeaders.date;
  const t = d ? Date.parse(d) : NaN;
  return Number.isNaN(t) ? undefined : new Date(t);
}

/** The emulator's ARM error code and message, when the body is an ARM error (never a secret). */
function armErrorOf(body: string): string {
  const parsed = parseBody(body);
  if (!parsed.ok || parsed.value === null || typeof parsed.value !== "object") return "";
  const err = (parsed.value as { error?: { code?: unknown; message?: unknown } }).error;
  return err ? ` (emulator said ${String(err.code)}: ${String(err.message)})` : "";
}

describe("fidelity: recorded azure-cli traffic replayed against the emulator", function () {
  let emulator: Emulator;
  const runTag = randomBytes(3).toString("hex");
  /** Every bearer token the replay sent (memory only), for the request-log canary at the end. */
  const bearers = new Set<string>();
  const headerNotes = new HeaderNotes();

  before(async function () {
    emulator = await startEmulator({});
  });

  after(async function () {
    await emulator?.close();
  });

  it("has an allow-list whose every rule and adjustment matches recorded requests", function () {
    for (const rule of EXCLUSIONS) {
      const hits = recordings.flatMap((r) => r.interactions.filter((i) => rule.matches(i)));
      assert.ok(hits.length > 0, `exclusion "${rule.id}" matches no recorded request; remove it`);
    }
    for (const relaxation of RELAXATIONS) {
      assert.ok(recordings.some((r) => r.file === relaxation.file), `relaxation names ${relaxation.file}, which is not among the recordings`);
    }
    for (const adj of ADJUSTMENTS) {
      const rec = recordings.find((r) => r.file === adj.file);
      assert.ok(rec, `adjustment names ${adj.file}, which is not among the recordings`);
      assert.ok(rec.interactions[adj.index] && rec.interactions[adj.after], `adjustment ${adj.file} #${adj.index} is out of range`);
    }
  });

  it("replays and excludes exactly the listed number of interactions per recording", function () {
    const counts = Object.fromEntries(
      recordings.map((r) => {
        const plan = planReplay(r);
        return [r.file, { replayed: plan.steps.length, excluded: plan.excluded.length }];
      }),
    );
    assert.deepEqual(counts, EXPECTED_COUNTS);
  });

  recordings.forEach((recording, fileNumber) => {
    const plan = planReplay(recording);
    describe(`${recording.file}: ${plan.steps.length} replayed, ${plan.excluded.length} excluded`, function () {
      let replayer: Replayer;
      let names: NameMap;
      let clockAt = 0;
      let bearer = "";

      /** Moves the emulator clock forward to the recorded time (never backward within a file). */
      const followClock = (i: RecordedInteraction): void => {
        const at = recordedAt(i);
        if (at && at.getTime() > clockAt) {
          emulator.clock.set(at);
          clockAt = at.getTime();
        }
      };

      before(async function () {
        names = NameMap.forRecording(recording, { subscriptionId: emulator.subscriptionId, tag: `${runTag}${fileNumber}` });
        const first = recording.interactions.find((i) => recordedAt(i) !== undefined);
        assert.ok(first, `${recording.file} has no Date header to start the clock from`);
        const start = recordedAt(first)!;
        emulator.clock.set(start);
        clockAt = start.getTime();
        // Recordings span minutes; a day-long token minted at the recording's start covers them.
        bearer = emulator.issueToken({ expiresInSeconds: 24 * 3600 });
        bearers.add(bearer);
        replayer = new Replayer({ armEndpoint: emulator.armEndpoint, caCertPem: emulator.caCertPem, bearer: () => bearer, headerNotes }, names, recording.file);
        await createResourceGroups(recording, names, replayer);
      });

      after(function () {
        replayer?.close();
      });

      for (const step of plan.steps) {
        const title = `#${step.index} ${step.method} ${shortPath(step)} → ${step.status}${step.command ? ` (${step.command})` : ""}`;
        it(title, async function () {
          followClock(step);
          // How long an operation stays in progress is the service's timing, not its contract: give
          // each recorded operation the number of in-progress polls the recording shows for it.
          const polls = recordedInProgressPolls(plan, step);
          if (polls !== undefined) emulator.lro.inProgressPolls = polls;
          const result = await replayer.step(step);
          if (result.diffs.length > 0) {
            assert.fail(
              `${recording.file}:${step.line} (#${step.index}) ${step.method} ${result.url.pathname} differs from the recording` +
                `${armErrorOf(result.response.body)}:\n  - ${result.diffs.join("\n  - ")}`,
            );
          }
        });
      }
    });
  });

  // Mocha runs a describe's own tests before its nested describes: this one comes last.
  describe("after every recording", function () {
    it("sent the ARM front-door headers the recorded responses had", function () {
      const lines = headerNotes.lines();
      if (lines.length > 0) assert.fail(`Header differences over the whole replay:\n  - ${lines.join("\n  - ")}`);
    });

    it("left no bearer token in the emulator's request log", function () {
      assert.ok(bearers.size === recordings.length, `expected one bearer per recording, got ${bearers.size}`);
      assert.ok(emulator.requests.length >= 452, `the emulator logged only ${emulator.requests.length} requests`);
      const log = JSON.stringify(emulator.requests);
      // Whole tokens, and their signatures alone.
      const leaked = [...bearers].filter((b) => log.includes(b) || log.includes(b.split(".")[2] ?? b)).length;
      assert.equal(leaked, 0, `${leaked} bearer token(s) appear in the emulator's request log`);
    });

    it("dates its answers by the emulator clock, as the recorded Date headers follow the service's time", async function () {
      // Every recorded response carries the service's time in `Date`; with the clock moved to a
      // recording's time, the emulator's `Date` should say that time too.
      const at = new Date("2023-02-07T15:53:32Z");
      emulator.clock.set(at);
      const res = await rawRequest(emulator, "GET", `/subscriptions/${emulator.subscriptionId}?api-version=2019-11-01`, {
        token: emulator.issueToken(),
      });
      assert.equal(res.status, 200);
      const date = Date.parse(String(res.headers.date));
      assert.ok(Math.abs(date - emulator.clock.now().getTime()) < 5_000, `Date header ${String(res.headers.date)}, emulator clock ${emulator.clock.now().toUTCString()}`);
    });
  });
});

/**
 * The azure-cli test harness created each recording's resource group (with tags) before the
 * recorded traffic starts; do the same through ARM, with the recorded location and tags.
 */
async function createResourceGroups(recording: Recording, names: NameMap, replayer: Replayer): Promise<void> {
  for (const [recorded, fresh] of names.resourceGroups) {
    const rgGet = recording.interactions.find(
      (i) => i.method === "GET" && new RegExp(`/resourcegroups/${recorded.replace(/[.]/g, "\\.")}$`, "i").test(i.uri.pathname),
    );
    const registryPut = recording.interactions.find((i) => i.method === "PUT" && /\/registries\/[^/]+$/i.test(i.uri.pathname));
    const fromGet = rgGet ? (JSON.parse(rgGet.responseBody) as { location?: string; tags?: Record<string, string> }) : {};
    const fromPut = registryPut?.requestBody ? (JSON.parse(registryPut.requestBody) as { location?: string }) : {};
    const body = { location: fromGet.location ?? fromPut.location ?? "eastus", tags: fromGet.tags ?? {} };
    const res = await replayer.send("PUT", `/subscriptions/${replayer.subscriptionId}/resourcegroups/${fresh}?api-version=2022-09-01`, body);
    assert.ok(res.status === 200 || res.status === 201, `creating resource group ${fresh} for ${recording.file}: HTTP ${res.status}${armErrorOf(res.body)}`);
  }
}
