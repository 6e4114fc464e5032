import * as assert from "node:assert/strict";
import { buildReport, type CheckReport } from "../../cli";
import { humanSpan } from "../../components/common/clock";
import { randomUUID } from "node:crypto";
import { assertNoSecret, DAY, firstSentence, OTHER_RG, RG, SENTINEL, setProcessEnv, startCliTestBed, type CliRun, type CliTestBed } from "./helpers";

describe("acr-tokens check against the emulator", () => {
  let bed: CliTestBed;
  before(async function () {
    // Loading @azure/identity (MSAL) and the ARM client takes about a second on this 2-core machine; load
    // them here, so that each test's own 2 s budget measures the check and not module loading.
    this.timeout(10_000);
    await Promise.all([import("@azure/identity"), import("@azure/arm-containerregistry")]);
    bed = await startCliTestBed();
  });
  after(async () => {
    await bed?.close();
  });

  const json = (run: CliRun): CheckReport => JSON.parse(run.stdout) as CheckReport;
  const flagsOf = (report: CheckReport): Record<string, string[]> => Object.fromEntries(report.tokens.map((t) => [t.name, t.flags]));

  /** A registry with three healthy tokens: more than one page of two. */
  async function cleanRegistry(): Promise<string> {
    const registry = await bed.newRegistry();
    for (const token of ["alpha-token", "bravo-token", "charlie-token"]) {
      await bed.createToken(registry, token);
      await bed.generatePassword(registry, token, "password1", 90 * DAY);
    }
    await bed.generatePassword(registry, "bravo-token", "password2");
    return registry;
  }

  describe("a registry with nothing to flag", () => {
    it("exits 0, lists every token from a paged tokens.list, and makes no other ARM call", async () => {
      const registry = await cleanRegistry();
      const run = await bed.cli(["check", "--registry", registry, "--resource-group", RG, "--output", "json"]);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stderr, "");
      // Three tokens at two per page: two GETs of the list, nothing else (no per-token or scope-map GET).
      assert.deepEqual(run.armOps, ["tokens.list", "tokens.list"]);
      const report = json(run);
      assert.deepEqual(
        report.tokens.map((t) => [t.name, t.status, t.scopeMap, t.passwords.map((p) => `${p.name}:${p.state}`), t.flags]),
        [
          ["alpha-token", "enabled", "_repositories_pull", ["password1:valid"], []],
          ["bravo-token", "enabled", "_repositories_pull", ["password1:valid", "password2:valid"], []],
          ["charlie-token", "enabled", "_repositories_pull", ["password1:valid"], []],
        ],
      );
      assert.deepEqual(report.summary, {
        tokens: 3,
        flagged: 0,
        expiredPasswords: 0,
        expiringPasswords: 0,
        disabled: 0,
        noPassword: 0,
        missing: 0,
        ok: true,
      });
      assert.equal(report.registry.id, bed.registryId(registry));
      assert.equal(report.credential, "access token from ACR_TOKENS_ACCESS_TOKEN");
      assert.equal(report.expiringWithin, "14d");
    });

    it("writes ISO times: the emulator clock as checkedAt, ARM's creation time and expiry per password, null for no expiry", async () => {
      const registry = await bed.newRegistry();
      await bed.createToken(registry, "times-token");
      const before = bed.emu.clock.now().getTime();
      await bed.generatePassword(registry, "times-token", "password1", 30 * DAY);
      await bed.generatePassword(registry, "times-token", "password2");
      const report = json(await bed.cli(["check", "--registry", registry, "-g", RG, "-o", "json"]));
      const [p1, p2] = report.tokens[0]!.passwords;
      const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
      assert.match(report.checkedAt, iso);
      assert.ok(Math.abs(Date.parse(report.checkedAt) - bed.emu.clock.now().getTime()) < 60_000, "checkedAt follows the emulator clock");
      assert.equal(Date.parse(report.expiringBefore) - Date.parse(report.checkedAt), 14 * DAY);
      assert.match(p1!.creationTime!, iso);
      assert.ok(Date.parse(p1!.creationTime!) >= before - 1000);
      assert.ok(Math.abs(Date.parse(p1!.expiry!) - (before + 30 * DAY)) < 60_000);
      assert.equal(p2!.expiry, null);
      assert.equal(p2!.state, "valid");
    });

    it("prints an aligned table with UTC times, a relative expiry and a summary line", async () => {
      const registry = await cleanRegistry();
      const run = await bed.cli(["check", "--registry", registry, "-g", RG]);
      assert.equal(run.code, 0, run.stderr);
      const lines = run.stdout.trimEnd().split("\n");
      const title = new RegExp(`^Registry ${registry} \\(resource group ${RG}, subscription ${bed.emu.subscriptionId}\\), checked at (\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}) UTC\\.$`);
      const checkedAt = title.exec(lines[0]!)?.[1];
      assert.ok(checkedAt, `title line: ${lines[0]}`);
      assert.ok(Math.abs(Date.parse(`${checkedAt.replace(" ", "T")}:00Z`) - bed.emu.clock.now().getTime()) < 120_000, "the title shows the emulator's now");
      assert.equal(lines[1], "Credential: access token from ACR_TOKENS_ACCESS_TOKEN.");
      assert.equal(lines[2], "");
      const header = lines[3]!;
      assert.match(header, /^TOKEN +STATUS +SCOPE MAP +PASSWORD +CREATED \(UTC\) +EXPIRES \(UTC\) +FLAGS$/);
      const rows = lines.slice(4, 8);
      // Every column starts where its header does.
      const starts = ["STATUS", "SCOPE MAP", "PASSWORD", "CREATED (UTC)", "EXPIRES (UTC)"].map((h) => header.indexOf(h));
      for (const row of rows) for (const s of starts) assert.notEqual(row[s - 1], undefined, `row too short: ${row}`), assert.equal(row.slice(s - 2, s), "  ");
      assert.match(rows[0]!, /^alpha-token +enabled +_repositories_pull +password1 +\d{4}-\d{2}-\d{2} \d{2}:\d{2} +\d{4}-\d{2}-\d{2} \d{2}:\d{2} \(in (89|90) d\)$/);
      assert.match(rows[2]!, /^ +password2 +\d{4}-\d{2}-\d{2} \d{2}:\d{2} +never$/);
      assert.equal(lines.at(-1), "3 tokens checked, none flagged (no password expired or expiring within 14d).");
      assert.ok(!run.stdout.includes("Flags:"), "no legend when nothing is flagged");
    });

    it("says so for a registry without tokens (exit 0)", async () => {
      const registry = await bed.newRegistry();
      const run = await bed.cli(["check", "--registry", registry, "-g", RG]);
      assert.equal(run.code, 0);
      assert.match(run.stdout, /\nThe registry has no tokens\.\n\n0 tokens checked, none flagged/);
      assert.deepEqual(run.armOps, ["tokens.list"]);
    });
  });

  describe("flags (exit 1)", () => {
    it("flags a password expired by moving the emulator clock past its expiry", async () => {
      const registry = await bed.newRegistry();
      await bed.createToken(registry, "aging-token");
      await bed.generatePassword(registry, "aging-token", "password1", 20 * DAY);
      await bed.generatePassword(registry, "aging-token", "password2", 400 * DAY);
      const args = ["check", "--registry", registry, "-g", RG, "-o", "json"];
      assert.equal((await bed.cli(args)).code, 0, "not flagged 20 days ahead of the expiry");

      bed.emu.clock.advance({ days: 21 });
      const run = await bed.cli(args);
      assert.equal(run.code, 1, run.stderr);
      const report = json(run);
      assert.deepEqual(flagsOf(report), { "aging-token": ["expired", "expired-password"] });
      assert.deepEqual(
        report.tokens[0]!.passwords.map((p) => [p.name, p.state]),
        [
          ["password1", "expired"],
          ["password2", "valid"],
        ],
      );
      assert.equal(report.summary.expiredPasswords, 1);
      assert.equal(report.summary.ok, false);
    });

    it("flags a password expiring within the window, and honours --expiring-within in days, hours and minutes", async () => {
      const registry = await bed.newRegistry();
      await bed.createToken(registry, "soon-token");
      await bed.generatePassword(registry, "soon-token", "password1", 5 * DAY);
      const check = (...extra: string[]): Promise<CliRun> => bed.cli(["check", "--registry", registry, "-g", RG, "-o", "json", ...extra]);

      const byDefault = await check();
      assert.equal(byDefault.code, 1);
      assert.deepEqual(flagsOf(json(byDefault)), { "soon-token": ["expiring", "expiring-password"] });
      assert.equal(json(byDefault).summary.expiringPasswords, 1);

      assert.equal((await check("--expiring-within", "4d")).code, 0);
      assert.equal((await check("--expiring-within", "121h")).code, 1);
      assert.equal((await check("--expiring-within", "119h")).code, 0);
      assert.equal((await check("--expiring-within", "7201m")).code, 1);
      const off = await check("--expiring-within", "0d");
      assert.equal(off.code, 0);
      assert.equal(json(off).expiringWithin, "0d");
    });

    it("flags a disabled token, even when its password is valid", async () => {
      const registry = await bed.newRegistry();
      await bed.createToken(registry, "off-token", "disabled");
      await bed.generatePassword(registry, "off-token", "password1", 90 * DAY);
      await bed.createToken(registry, "on-token");
      await bed.generatePassword(registry, "on-token", "password1", 90 * DAY);
      const run = await bed.cli(["check", "--registry", registry, "-g", RG, "-o", "json"]);
      assert.equal(run.code, 1);
      assert.deepEqual(flagsOf(json(run)), { "off-token": ["disabled"], "on-token": [] });
      assert.equal(json(run).summary.disabled, 1);
      assert.equal(json(run).summary.flagged, 1);
    });

    it("flags a token without any password", async () => {
      const registry = await bed.newRegistry();
      await bed.createToken(registry, "bare-token");
      const run = await bed.cli(["check", "--registry", registry, "-g", RG, "-o", "json"]);
      assert.equal(run.code, 1);
      assert.deepEqual(flagsOf(json(run)), { "bare-token": ["no-password"] });
      assert.deepEqual(json(run).tokens[0]!.passwords, []);
      assert.equal(json(run).summary.noPassword, 1);
    });

    it("flags a named token that does not exist, checks only the named ones, in the order given", async () => {
      const registry = await cleanRegistry();
      const run = await bed.cli([
        "check", "--registry", registry, "-g", RG, "-o", "json",
        "--token", "charlie-token", "--token", "ghost-token", "--token", "ALPHA-token", "--token", "charlie-token",
      ]);
      assert.equal(run.code, 1);
      const report = json(run);
      // Names match case-insensitively (ARM's rule) and are reported as ARM spells them; duplicates count once.
      assert.deepEqual(flagsOf(report), { "charlie-token": [], "ghost-token": ["missing"], "alpha-token": [] });
      const ghost = report.tokens[1]!;
      assert.deepEqual(ghost, { name: "ghost-token", id: null, found: false, status: null, scopeMap: null, scopeMapId: null, creationDate: null, passwords: [], flags: ["missing"] });
      assert.equal(report.summary.missing, 1);
      assert.equal(report.summary.tokens, 3);
      // Named tokens come from the same paged list: no per-token GET.
      assert.deepEqual(run.armOps, ["tokens.list", "tokens.list"]);
    });

    it("shows each flag on its row in the table, with the summary and a legend", async () => {
      const registry = await bed.newRegistry();
      await bed.createToken(registry, "mixed-token", "disabled");
      await bed.generatePassword(registry, "mixed-token", "password1", 2 * DAY);
      await bed.generatePassword(registry, "mixed-token", "password2", 60 * DAY);
      await bed.createToken(registry, "empty-token");
      const run = await bed.cli(["check", "--registry", registry, "-g", RG, "--token", "mixed-token", "--token", "empty-token", "--token", "lost-token"]);
      assert.equal(run.code, 1);
      const lines = run.stdout.trimEnd().split("\n");
      assert.match(lines[4]!, /^mixed-token +disabled +_repositories_pull +password1 .* \(in (1 d 23 h|2 d)\) +disabled, expiring$/);
      assert.match(lines[5]!, /^ +password2 .* \(in (59|60) d\)$/);
      assert.match(lines[6]!, /^empty-token +enabled +_repositories_pull +- +- +- +no-password$/);
      assert.match(lines[7]!, /^lost-token +- +- +- +- +- +missing$/);
      assert.equal(lines[9], "3 tokens checked, 3 flagged: 1 password expiring within 14d, 1 disabled, 1 token without a password, 1 missing.");
      assert.equal(firstSentence(lines[10]!.replace(/;.*/, ".")), "Flags: expired = the password's expiry has passed.");
      assert.equal(lines.length, 11);
    });
  });

  describe("finding the registry", () => {
    it("takes a resource id: no lookup, the id's subscription and group", async () => {
      const registry = await bed.newRegistry(OTHER_RG);
      await bed.createToken(registry, "id-token", "enabled", OTHER_RG);
      await bed.generatePassword(registry, "id-token", "password1", 90 * DAY, OTHER_RG);
      // No subscription in the environment: the id carries it.
      const run = await bed.cli(["check", "--registry", bed.registryId(registry, OTHER_RG), "-o", "json"], {
        env: bed.env({ ACR_TOKENS_SUBSCRIPTION_ID: undefined }),
      });
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(run.armOps, ["tokens.list"]);
      assert.deepEqual(json(run).registry, {
        id: bed.registryId(registry, OTHER_RG),
        name: registry,
        resourceGroup: OTHER_RG,
        subscriptionId: bed.emu.subscriptionId,
      });
    });

    it("finds a registry given by name alone by listing the subscription's registries (paged), then lists its tokens", async () => {
      await bed.newRegistry();
      await bed.newRegistry();
      const registry = await bed.newRegistry(OTHER_RG);
      await bed.createToken(registry, "found-token", "enabled", OTHER_RG);
      await bed.generatePassword(registry, "found-token", "password1", 90 * DAY, OTHER_RG);
      // Typed in capitals: ARM names are case-insensitive, and the report spells it as ARM does.
      const run = await bed.cli(["check", "--registry", registry.toUpperCase(), "-o", "json"]);
      assert.equal(run.code, 0, run.stderr);
      const lookups = run.armOps.filter((op) => op === "registries.list").length;
      assert.ok(lookups >= 2, `the registry list spans pages (${lookups} pages read)`);
      assert.deepEqual(run.armOps, [...Array<string>(lookups).fill("registries.list"), "tokens.list"]);
      assert.equal(json(run).registry.resourceGroup, OTHER_RG);
      assert.equal(json(run).registry.name, registry);
      assert.deepEqual(json(run).tokens.map((t) => t.name), ["found-token"]);
    });

    it("takes --subscription over ACR_TOKENS_SUBSCRIPTION_ID", async () => {
      const registry = await cleanRegistry();
      const run = await bed.cli(["check", "--registry", registry, "-g", RG, "--subscription", bed.emu.subscriptionId, "-o", "json"], {
        env: bed.env({ ACR_TOKENS_SUBSCRIPTION_ID: "11111111-1111-1111-1111-111111111111" }),
      });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(json(run).registry.subscriptionId, bed.emu.subscriptionId);
    });

    it("exits 2 naming the flag and variables to set when no subscription id is known, before any ARM call", async () => {
      const run = await bed.cli(["check", "--registry", "someregistry"], { env: bed.env({ ACR_TOKENS_SUBSCRIPTION_ID: undefined }) });
      assert.equal(run.code, 2);
      assert.equal(run.stdout, "");
      assert.equal(
        run.stderr,
        `acr-tokens check: No subscription id to find registry "someregistry" in. Pass --subscription <id>, or set ACR_TOKENS_SUBSCRIPTION_ID ` +
          `(or AZURE_CLI_SUBSCRIPTION_ID), or give --registry as a resource id, which names the subscription.\n`,
      );
      assert.deepEqual(run.armOps, []);
    });

    it("exits 2 listing the subscription's registries when the name is not among them", async () => {
      await bed.newRegistry();
      const run = await bed.cli(["check", "--registry", "absentregistry"]);
      assert.equal(run.code, 2);
      assert.equal(run.stdout, "");
      assert.equal(firstSentence(run.stderr), `acr-tokens check: Registry "absentregistry" was not found in subscription ${bed.emu.subscriptionId}.`);
      assert.match(run.stderr, /The subscription has the registries "clireg\d+x\d+", /);
      assert.match(run.stderr, /or pass the registry's resource id\.\n$/);
    });

    it("exits 2 when the registry or the resource group named with --resource-group does not exist", async () => {
      const noRegistry = await bed.cli(["check", "--registry", "absentregistry", "-g", RG]);
      assert.equal(noRegistry.code, 2);
      assert.equal(
        firstSentence(noRegistry.stderr),
        `acr-tokens check: Registry "absentregistry" was not found in resource group "${RG}" of subscription ${bed.emu.subscriptionId} (ARM: ParentResourceNotFound).`,
      );
      const noGroup = await bed.cli(["check", "--registry", "absentregistry", "-g", "rg-absent"]);
      assert.equal(noGroup.code, 2);
      assert.equal(
        firstSentence(noGroup.stderr),
        `acr-tokens check: Resource group "rg-absent" was not found in subscription ${bed.emu.subscriptionId} (ARM: ResourceGroupNotFound).`,
      );
      assert.deepEqual(noGroup.armOps, ["tokens.list"]);
    });

    it("exits 2 when the subscription does not exist", async () => {
      const unknown = "22222222-2222-2222-2222-222222222222";
      for (const argv of [["check", "--registry", "someregistry"], ["check", "--registry", "someregistry", "-g", RG]]) {
        const run = await bed.cli(argv, { env: bed.env({ ACR_TOKENS_SUBSCRIPTION_ID: unknown }) });
        assert.equal(run.code, 2);
        assert.equal(firstSentence(run.stderr), `acr-tokens check: Subscription ${unknown} was not found (ARM: SubscriptionNotFound).`);
        assert.equal(run.armOps.length, 1);
      }
    });
  });

  describe("authentication (exit 2, the credential module's message)", () => {
    it("refuses an expired bring-your-own token before any ARM call", async () => {
      const run = await bed.cli(["check", "--registry", "someregistry", "-g", RG], { env: bed.env({}, { expiresInSeconds: -120 }) });
      assert.equal(run.code, 2);
      assert.equal(run.stdout, "");
      assert.match(
        firstSentence(run.stderr),
        /^acr-tokens check: The access token from ACR_TOKENS_ACCESS_TOKEN expired at \S+Z \(UTC; it is now \S+Z\)\.$/,
      );
      assert.match(run.stderr, /Get a new one: 'export ACR_TOKENS_ACCESS_TOKEN="\$\(az account get-access-token --resource https:\/\/management\.azure\.com\//);
      assert.deepEqual(run.armOps, []);
    });

    it("refuses a token for another audience before any ARM call", async () => {
      const run = await bed.cli(["check", "--registry", "someregistry", "-g", RG], { env: bed.env({}, { audience: "https://vault.azure.net" }) });
      assert.equal(run.code, 2);
      assert.equal(
        firstSentence(run.stderr),
        `acr-tokens check: The access token from ACR_TOKENS_ACCESS_TOKEN is for audience "https://vault.azure.net", which is not an Azure Resource Manager audience of the ARM endpoint ${bed.emu.armEndpoint} (https://management.azure.com/ or https://management.core.windows.net/).`,
      );
      assert.deepEqual(run.armOps, []);
    });

    it("says what to set when the access-token credential is selected but no token is set, before any ARM call", async () => {
      const run = await bed.cli(["check", "--registry", "someregistry", "-g", RG], {
        env: bed.env({ ACR_TOKENS_ACCESS_TOKEN: undefined, ACR_TOKENS_CREDENTIAL: "accessToken" }),
      });
      assert.equal(run.code, 2);
      assert.equal(
        firstSentence(run.stderr),
        `acr-tokens check: The credential "accessToken" is selected by ACR_TOKENS_CREDENTIAL, but no access token is set.`,
      );
      assert.deepEqual(run.armOps, []);
    });

    it("says 'No Azure credential' with the fix when no token is set and the identity credential is not configured, before any ARM call", async () => {
      // EnvironmentCredential reads process.env: this suite runs without AZURE_CLIENT_ID/AZURE_TENANT_ID there.
      assert.equal(process.env.AZURE_CLIENT_ID ?? process.env.AZURE_TENANT_ID, undefined, "the test process must not carry a service principal");
      const run = await bed.cli(["check", "--registry", "someregistry", "-g", RG], {
        env: bed.env({ ACR_TOKENS_ACCESS_TOKEN: undefined, ACR_TOKENS_CREDENTIAL: "environment" }),
      });
      assert.equal(run.code, 2);
      assert.match(run.stderr, /No Azure credential: set ACR_TOKENS_ACCESS_TOKEN \(optionally ACR_TOKENS_SUBSCRIPTION_ID\), or sign in with 'az login'/);
      assert.deepEqual(run.armOps, []);
    });

    it("uses @azure/identity when no token is set: a service principal (EnvironmentCredential) through the emulator's Entra ID", async () => {
      const clientId = randomUUID();
      const clientSecret = `${SENTINEL}-${randomUUID()}`;
      bed.secrets.push(clientSecret);
      bed.emu.identity.addPrincipal({ clientId, clientSecret });
      const registry = await cleanRegistry();
      // @azure/identity reads its variables from process.env itself, not from the io's env.
      const restore = setProcessEnv({ AZURE_CLIENT_ID: clientId, AZURE_CLIENT_SECRET: clientSecret, AZURE_TENANT_ID: bed.emu.tenantId });
      try {
        const run = await bed.cli(["check", "--registry", registry, "-g", RG, "-o", "json"], {
          env: bed.env({ ACR_TOKENS_ACCESS_TOKEN: undefined, ACR_TOKENS_CREDENTIAL: "environment", AZURE_AUTHORITY_HOST: bed.emu.authorityHost }),
        });
        assert.equal(run.code, 0, run.stderr);
        assert.equal(json(run).credential, "EnvironmentCredential");
        assert.deepEqual(run.armOps, ["tokens.list", "tokens.list"]);
        assertNoSecret([run.stdout, run.stderr], bed.secrets);
      } finally {
        restore();
      }
    });

    it("explains a token ARM rejects (bad signature) with the refresh command", async () => {
      const run = await bed.cli(["check", "--registry", "someregistry", "-g", RG], { env: bed.env({}, { untrustedSignature: true }) });
      assert.equal(run.code, 2);
      assert.match(
        run.stderr,
        /^acr-tokens check: Listing the tokens of registry "someregistry": tokens\.list was refused by ARM \(x-ms-request-id [\w-]+\)\. Azure Resource Manager rejected the access token from ACR_TOKENS_ACCESS_TOKEN \(\w+, HTTP 401\)/,
      );
      assert.deepEqual(run.armOps, ["tokens.list"]);
    });
  });

  describe("progress", () => {
    it("shows progress on stderr when stderr is a terminal, and erases it before the result", async () => {
      const registry = await cleanRegistry();
      const run = await bed.cli(["check", "--registry", registry, "-o", "json"], { isTTY: true });
      assert.equal(run.code, 0);
      assert.match(run.stderr, new RegExp(`^\\r\\x1b\\[2KFinding registry ${registry} in subscription `));
      assert.ok(run.stderr.includes(`\r\x1b[2KListing tokens of ${registry}… 2 so far`), "one update per page");
      assert.ok(run.stderr.includes(`\r\x1b[2KListing tokens of ${registry}… 3 so far`));
      assert.ok(run.stderr.endsWith("\r\x1b[2K"), "the status line is erased at the end");
      assert.doesNotThrow(() => JSON.parse(run.stdout), "stdout stays pure JSON");
    });

    it("writes nothing to stderr when it is piped", async () => {
      const registry = await cleanRegistry();
      const run = await bed.cli(["check", "--registry", registry, "-o", "json"], { isTTY: false });
      assert.equal(run.code, 0);
      assert.equal(run.stderr, "");
    });

    it("erases the status line before an error message", async () => {
      const run = await bed.cli(["check", "--registry", "absentregistry"], { isTTY: true });
      assert.equal(run.code, 2);
      assert.match(run.stderr, /\r\x1b\[2Kacr-tokens check: Registry "absentregistry" was not found/);
    });
  });

  describe("secret hygiene", () => {
    let registry: string;
    before(async () => {
      registry = await bed.newRegistry();
      await bed.createToken(registry, "secret-token");
      await bed.generatePassword(registry, "secret-token", "password1", 3 * DAY);
      await bed.generatePassword(registry, "secret-token", "password2", 300 * DAY);
    });

    it("never prints an access token, its claims or a password value in a result", async () => {
      const runs = [
        await bed.cli(["check", "--registry", registry, "-g", RG]),
        await bed.cli(["check", "--registry", registry, "-o", "json"], { isTTY: true }),
      ];
      assert.deepEqual(runs.map((r) => r.code), [1, 1]);
      assert.ok(bed.secrets.length >= 4, "the canary holds this file's tokens and passwords");
      assertNoSecret(runs.flatMap((r) => [r.stdout, r.stderr]), bed.secrets);
    });

    it("never prints an access token, its claims or a password value in an error", async () => {
      const runs = [
        await bed.cli(["check", "--registry", registry, "-g", RG], { env: bed.env({}, { expiresInSeconds: -5 }) }),
        await bed.cli(["check", "--registry", registry, "-g", RG], { env: bed.env({}, { audience: "https://storage.azure.com/" }) }),
        await bed.cli(["check", "--registry", registry, "-g", RG], { env: bed.env({}, { untrustedSignature: true }) }),
        await bed.cli(["check", "--registry", registry, "-g", RG, "--bogus"]),
      ];
      assert.deepEqual(runs.map((r) => r.code), [2, 2, 2, 2]);
      assertNoSecret(runs.flatMap((r) => [r.stdout, r.stderr]), bed.secrets);
    });
  });

  // Last in this suite: the held request is answered (and logged) after the test ends, so it must not
  // fall into another test's ARM call count.
  describe("ARM failures (exit 2)", () => {
    it("an ARM timeout names the setting and says to run the check again, not `pulumi up`", async function () {
      this.timeout(10_000); // the emulator answers after 1.5 s of real time
      const registry = await bed.newRegistry();
      // A slow peer by design: the emulator holds this request for real milliseconds, past the 300 ms timeout.
      bed.emu.faults.add({ method: "GET", route: `/registries/${registry}/tokens`, fault: { kind: "latency", ms: 1500 } });
      // The ARM client's timeout is read from process.env (the real command's io.env).
      const restore = setProcessEnv({ ACR_TOKENS_ARM_TIMEOUT_MS: "300" });
      const run = await bed.cli(["check", "--registry", registry, "-g", RG]).finally(restore);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /no answer from ARM to a GET request within 300 ms \(ACR_TOKENS_ARM_TIMEOUT_MS\)\..*raise ACR_TOKENS_ARM_TIMEOUT_MS; then run `acr-tokens check` again\./);
      assert.ok(!run.stderr.includes("pulumi"), run.stderr);
    });
  });
});

describe("buildReport (assessment rules)", () => {
  const now = new Date("2026-11-23T00:00:00.000Z");
  const at = (ms: number): Date => new Date(now.getTime() + ms);
  const registry = { id: "/subscriptions/s/resourceGroups/g/providers/Microsoft.ContainerRegistry/registries/r", name: "r", resourceGroup: "g", subscriptionId: "s" };
  const report = (tokens: Parameters<typeof buildReport>[0]["tokens"], requested: string[] = []): CheckReport =>
    buildReport({ registry, credential: "test", tokens, requested, now, expiringWithin: "1d", expiringWithinMs: DAY });

  it("counts an expiry at exactly now as expired, and at exactly the window's end as expiring", () => {
    const r = report([
      { name: "edge-token", status: "enabled", credentials: { passwords: [{ name: "password1", expiry: at(0) }, { name: "password2", expiry: at(DAY) }] } },
      { name: "later-token", status: "enabled", credentials: { passwords: [{ name: "password1", expiry: at(DAY + 1) }] } },
    ]);
    assert.deepEqual(
      r.tokens.map((t) => [t.name, t.passwords.map((p) => p.state), t.flags]),
      [
        ["edge-token", ["expired", "expiring"], ["expired", "expired-password", "expiring", "expiring-password"]],
        ["later-token", ["valid"], []],
      ],
    );
    assert.equal(r.expiringBefore, "2026-11-24T00:00:00.000Z");
    assert.deepEqual(r.summary, { tokens: 2, flagged: 1, expiredPasswords: 1, expiringPasswords: 1, disabled: 0, noPassword: 0, missing: 0, ok: false });
  });

  it("treats a token without credentials like one with an empty password list, and an unknown status as not disabled", () => {
    const r = report([{ name: "odd-token" }]);
    assert.deepEqual(r.tokens[0], {
      name: "odd-token", id: null, found: true, status: null, scopeMap: null, scopeMapId: null, creationDate: null, passwords: [], flags: ["no-password"],
    });
  });

  it("never copies a password value into the report", () => {
    const withValue = { name: "password1" as const, expiry: at(10 * DAY), value: "VALUE-SENTINEL-4711" };
    const r = report([{ name: "valued-token", status: "enabled", credentials: { passwords: [withValue] } }]);
    assert.ok(!JSON.stringify(r).includes("VALUE-SENTINEL-4711"), "the report holds a password value");
  });

  it("sorts every token by name, and keeps --token order for named ones", () => {
    const tokens = ["charlie-x", "Alpha-xx", "bravo-xx"].map((name) => ({ name, status: "enabled" as const, credentials: { passwords: [{ name: "password1" as const }] } }));
    assert.deepEqual(report(tokens).tokens.map((t) => t.name), ["Alpha-xx", "bravo-xx", "charlie-x"]);
    assert.deepEqual(report(tokens, ["charlie-x", "alpha-xx"]).tokens.map((t) => t.name), ["charlie-x", "Alpha-xx"]);
  });

});

describe("humanSpan (relative times in the table)", () => {
  it("rounds down, with a second unit below a week", () => {
    const MIN = 60_000;
    assert.deepEqual(
      [30_000, 12 * MIN, 60 * MIN, 312 * MIN, DAY, 3 * DAY - MIN, 7 * DAY - MIN, 7 * DAY, 49.9 * DAY].map(humanSpan),
      ["< 1 min", "12 min", "1 h", "5 h 12 min", "1 d", "2 d 23 h", "6 d 23 h", "7 d", "49 d"],
    );
  });
});
