import { strict as assert } from "node:assert";
import {
  HeaderNotes,
  NameMap,
  compareShape,
  decodeRecordedBody,
  isAcrPasswordFormat,
  loadRecordings,
  planReplay,
  recordedInProgressPolls,
  sameInstants,
  type CompareOptions,
  type Recording,
} from "../../testing/recordings";

/**
 * The replay harness judges the emulator, so it is tested on its own: a comparator that missed a
 * difference would make the recordings suite pass for the wrong reason.
 */

const options: CompareOptions = { typeOnly: new Set(), mayBeAbsent: new Set(), ownsId: (id) => id.includes("/resourceGroups/mine/") };
const recordings = loadRecordings();
const byFile = (file: string): Recording => {
  const r = recordings.find((x) => x.file === file);
  assert.ok(r, `${file} missing from ../shared/acr/recordings`);
  return r;
};

describe("fidelity: replay harness", function () {
  describe("decodeRecordedBody", function () {
    it("unwraps Python byte-string reprs and keeps plain bodies", function () {
      assert.equal(decodeRecordedBody(`b'{"tokenId": "x", "a": "it\\'s"}'`), `{"tokenId": "x", "a": "it's"}`);
      assert.equal(decodeRecordedBody(`{"properties": {}}`), `{"properties": {}}`);
      assert.equal(decodeRecordedBody(null), undefined);
    });
  });

  describe("NameMap", function () {
    const rec = byFile("test_repository_token_create.2023-03-20.yaml");
    const names = NameMap.forRecording(rec, { subscriptionId: "11111111-2222-3333-4444-555555555555", tag: "t1" });
    const recordedReg = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/clitest.rg000001/providers/Microsoft.ContainerRegistry/registries/clireg000002";

    it("maps subscription, resource group, registry, token and scope-map segments of an id", function () {
      assert.equal(
        names.mapPath(`${recordedReg}/tokens/acr-token`),
        "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/fidelity-t1-rg1/providers/Microsoft.ContainerRegistry/registries/fidt1reg1/tokens/xt1acr-token",
      );
      assert.match(names.mapPath(`${recordedReg}/scopeMaps/acr-token-scope-map`), /\/registries\/fidt1reg1\/scopeMaps\/xt1acr-token-scope-map$/);
    });

    it("maps names in bodies consistently and leaves foreign resources and actions alone", function () {
      const mapped = names.mapJson({
        name: "acr-token",
        username: "acr-token",
        loginServer: "clireg000002.azurecr.io",
        actions: ["repositories/foo/content/read"],
        foreign: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/perm/providers/Microsoft.ContainerRegistry/registries/acrm2",
        error: { message: "The resource acr-token-scope-map could not be found." },
      });
      assert.deepEqual(mapped, {
        name: "xt1acr-token",
        username: "xt1acr-token",
        loginServer: "fidt1reg1.azurecr.io",
        actions: ["repositories/foo/content/read"],
        foreign: "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/perm/providers/Microsoft.ContainerRegistry/registries/acrm2",
        error: { message: "The resource xt1acr-token-scope-map could not be found." },
      });
      assert.equal(names.ownsId(String((mapped as { foreign: string }).foreign)), false);
      assert.equal(names.ownsId(names.mapPath(recordedReg)), true);
    });

    it("gives a connected registry, its sync token and scope map one fresh name of letters and digits", function () {
      const cr = NameMap.forRecording(byFile("test_acr_connectedregistry.2021-10-27.yaml"), { subscriptionId: "11111111-2222-3333-4444-555555555555", tag: "t2" });
      assert.match(cr.mapPath(`${recordedReg}/connectedRegistries/child`), /\/registries\/fidt2reg1\/connectedRegistries\/xt2child$/);
      assert.match(cr.mapPath(`${recordedReg}/tokens/child`), /\/tokens\/xt2child$/);
      assert.match(cr.mapPath(`${recordedReg}/connectedRegistries/rootregistry`), /\/connectedRegistries\/xt2rootregistry$/);
      assert.deepEqual(cr.mapJson({ name: "grandchild", gatewayEndpoint: "clireg000002.eastus.data.azurecr.io" }), {
        name: "xt2grandchild",
        gatewayEndpoint: "fidt2reg1.eastus.data.azurecr.io",
      });
    });
  });

  describe("compareShape", function () {
    it("accepts equal shapes with different free values", function () {
      const recorded = { name: "t", properties: { creationDate: "2023-02-07T15:53:55.0746886+00:00", note: "a", n: 1, on: true } };
      const emulated = { name: "t", properties: { creationDate: "2026-11-23T01:00:00.1234567+00:00", note: "b", n: 2, on: false } };
      assert.deepEqual(compareShape(recorded, emulated, options), []);
    });

    it("reports missing and extra keys, wrong types and wrong fixed values", function () {
      const diffs = compareShape(
        { type: "Microsoft.ContainerRegistry/registries/tokens", properties: { status: "enabled", credentials: { passwords: [] }, scopeMapId: "/x" } },
        { type: "Microsoft.ContainerRegistry/registries/Tokens", properties: { status: "disabled", credentials: {}, scopeMapId: 5, extra: 1 } },
        options,
      );
      assert.deepEqual(diffs.sort(), [
        'properties.credentials.passwords: missing (recorded array)',
        'properties.extra: not in the recorded response',
        'properties.scopeMapId: expected string, got number 5',
        'properties.status: expected "enabled", got "disabled"',
        'type: expected "Microsoft.ContainerRegistry/registries/tokens", got "Microsoft.ContainerRegistry/registries/Tokens"',
      ]);
    });

    it("requires the recorded timestamp form: offset style and 7 fraction digits where recorded", function () {
      const recorded = { creationTime: "2023-02-07T15:54:06.9185397+00:00", createdAt: "2021-10-27T03:18:14.700498Z" };
      assert.equal(compareShape(recorded, { creationTime: "2026-01-01T00:00:00.1234567Z", createdAt: "2026-01-01T00:00:00.5Z" }, options).length, 1);
      assert.equal(compareShape(recorded, { creationTime: "2026-01-01T00:00:00.123+00:00", createdAt: "2026-01-01T00:00:00.5Z" }, options).length, 1);
      assert.deepEqual(compareShape(recorded, { creationTime: "2026-01-01T00:00:00.1234567+00:00", createdAt: "2026-01-01T00:00:00.5Z" }, options), []);
    });

    it("checks password values by format and never prints them", function () {
      const sentinel = "not-a-password-SENTINEL-value";
      const diffs = compareShape({ passwords: [{ name: "password1", value: "A".repeat(32) }] }, { passwords: [{ name: "password1", value: sentinel }] }, options);
      assert.equal(diffs.length, 1);
      assert.ok(!diffs[0].includes(sentinel), "the diff text contains the password value");
      assert.equal(isAcrPasswordFormat(`${"a".repeat(42)}+ACR${"b".repeat(6)}`), true);
      assert.equal(isAcrPasswordFormat("short"), false);
    });

    it("hands every recorded time to the correlation check, except in objects whose times lag", function () {
      const seen: string[] = [];
      const correlate = (recorded: string, actual: string): string[] => {
        seen.push(recorded);
        return actual === "2026-01-01T00:00:00.1111111+00:00" ? [] : ["differs"];
      };
      const recorded = {
        value: [{ id: "/subscriptions/s/resourceGroups/mine/providers/P/registries/a", systemData: { createdAt: "2021-01-01T00:00:00.5Z" } }],
        passwords: [{ name: "password1", creationTime: "2023-02-07T15:54:06.9185397+00:00" }],
      };
      const actual = {
        value: [{ id: "/subscriptions/s/resourceGroups/mine/providers/P/registries/a", systemData: { createdAt: "2026-01-01T00:00:00.5Z" } }],
        passwords: [{ name: "password1", creationTime: "2026-01-01T00:00:00.3333333+00:00" }],
      };
      const diffs = compareShape(recorded, actual, { ...options, correlate, independentTimes: new Set(["value.systemData"]) });
      assert.deepEqual(seen, ["2023-02-07T15:54:06.9185397+00:00"]);
      assert.deepEqual(diffs, ["differs"]);
    });

    it("requires times equal within one recorded object to be equal in the emulator's object", function () {
      const t = "2023-11-30T16:03:18.5945599+00:00";
      const recorded = { systemData: { createdAt: t, lastModifiedAt: t } };
      assert.deepEqual(compareShape(recorded, { systemData: { createdAt: "2026-01-01T00:00:00.1111111+00:00", lastModifiedAt: "2026-01-01T00:00:00.1111111+00:00" } }, options), []);
      assert.equal(compareShape(recorded, { systemData: { createdAt: "2026-01-01T00:00:00.1111111+00:00", lastModifiedAt: "2026-01-01T00:00:09.1111111+00:00" } }, options).length, 1);
    });

    it("requires fields at one recorded instant, in either form, to be at one instant in the emulator's body", function () {
      const recorded = { systemData: { createdAt: "2023-02-07T15:53:34.9199347+00:00" }, properties: { creationDate: "2023-02-07T15:53:34.9199347Z" } };
      const same = { systemData: { createdAt: "2026-01-01T00:00:00.125+00:00" }, properties: { creationDate: "2026-01-01T00:00:00.1250000Z" } };
      const apart = { systemData: { createdAt: "2026-01-01T00:00:00.125+00:00" }, properties: { creationDate: "2026-01-01T00:00:00.126Z" } };
      assert.deepEqual(sameInstants(recorded, same), []);
      assert.equal(sameInstants(recorded, apart).length, 1);
      assert.deepEqual(sameInstants({ value: [recorded] }, { value: [apart] }), [], "list pages are compared per element elsewhere");
    });

    it("compares list pages by the replay's own resources only", function () {
      const own = (n: string) => ({ id: `/subscriptions/s/resourceGroups/mine/providers/P/registries/${n}`, name: n });
      const foreign = { id: "/subscriptions/s/resourceGroups/other/providers/P/registries/z", name: "z" };
      assert.deepEqual(compareShape({ value: [foreign, own("a")] }, { value: [own("a")] }, options), []);
      assert.deepEqual(compareShape({ value: [own("a")] }, { value: [own("a"), own("b")] }, options), [
        "value: unexpected element /subscriptions/s/resourceGroups/mine/providers/P/registries/b",
      ]);
    });
  });

  describe("HeaderNotes", function () {
    it("counts one header difference across responses and keeps the first place it was seen", function () {
      const notes = new HeaderNotes();
      notes.add('strict-transport-security: missing (recorded e.g. "max-age=1")', "a.yaml:2 (#0 GET)");
      notes.add('strict-transport-security: missing (recorded e.g. "max-age=2")', "a.yaml:9 (#1 PUT)");
      assert.deepEqual(notes.lines(), ['strict-transport-security: missing — on 2 response(s), first at a.yaml:2 (#0 GET) (recorded e.g. "max-age=1")']);
    });
  });

  describe("planReplay and LRO pacing", function () {
    it("replays the racing poll #126 of the 2021 connected-registry recording after the registry DELETE #127", function () {
      const plan = planReplay(byFile("test_acr_connectedregistry.2021-10-27.yaml"));
      assert.deepEqual(plan.steps.slice(-2).map((s) => s.index), [127, 126]);
    });

    it("counts the in-progress polls the recording shows for each operation", function () {
      const plan = planReplay(byFile("test_acr_connectedregistry.2023-12-12.yaml"));
      const step = (n: number) => plan.steps.find((s) => s.index === n)!;
      assert.equal(recordedInProgressPolls(plan, step(36)), 1, "scope-map PATCH #36 was polled once while Updating");
      assert.equal(recordedInProgressPolls(plan, step(10)), 0, "token PUT #10 succeeded at the first poll");
      assert.equal(recordedInProgressPolls(plan, step(12)), undefined, "a GET starts no operation");
    });
  });
});
