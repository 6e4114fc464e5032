import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as assert from "node:assert/strict";
import { CHECK_HELP, main, parseCheckArgs, parseWindow } from "../../cli";
import { firstSentence } from "./helpers";

/** Runs `acr-tokens <argv>` with no credential and no endpoint at all: usage errors must come first. */
async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, env: {}, isTTY: false });
  return { code, stdout, stderr };
}

/** Secret-shaped values of each kind a user may paste by mistake (made up here; none is live). */
const CLIENT_SECRET = "Xq48Q~vRz1kPq.3Cz9rXWmT0uTYv9nRoL8H_yVa2";
const ACR_PASSWORD = "KKLOv3EVjDY7+fD1FX2BVfy8AuugGrVcwK7LWEWPuC+ACRCr/316";
// Shaped like an access token (header.payload.signature, base64url), built here so no token-shaped text is committed.
const JWT_LIKE = [{ typ: "JWT", alg: "RS256" }, { aud: "https://management.azure.com/" }, "signaturesignature"]
  .map((part) => Buffer.from(typeof part === "string" ? part : JSON.stringify(part)).toString("base64url"))
  .join(".");

const ID = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ci/providers/Microsoft.ContainerRegistry/registries/myregistry";

describe("acr-tokens command line", () => {
  describe("usage errors exit 2 with the fix, before any credential or network use", () => {
    const cases: Array<[string, string[], string]> = [
      ["no --registry", ["check"], "--registry is required."],
      ["an unknown option, with the nearest one", ["check", "--registry", "myregistry", "--expiring-whithin", "3d"], 'Unknown option "--expiring-whithin".'],
      ["an az acr habit", ["check", "-n", "myregistry"], 'Unknown option "-n".'],
      ["an option without its value", ["check", "--registry"], "--registry needs a value."],
      ["a short option without its value", ["check", "--registry", "myregistry", "-g"], "--resource-group needs a value."],
      ["an option followed by another option", ["check", "--registry", "--token", "ci-pull"], "--registry needs a value."],
      ["an empty value", ["check", "--registry", ""], "--registry is empty."],
      ["a repeated single-valued option", ["check", "--registry", "firstregistry", "--registry", "secondregistry"], "--registry is given 2 times."],
      ["a positional argument", ["check", "--registry", "myregistry", "ci-pull"], 'Unexpected argument "ci-pull".'],
      ["a malformed registry name", ["check", "--registry", "my-registry!"], '--registry "my-registry!" is not a valid registry name: it contains "-", "!".'],
      [
        "a token id given as the registry",
        ["check", "--registry", `${ID}/tokens/ci-pull`],
        `--registry "${ID}/tokens/ci-pull" is not a container registry resource id.`,
      ],
      [
        "a registry id with a non-GUID subscription",
        ["check", "--registry", ID.replace("00000000-0000-0000-0000-000000000000", "prod")],
        `--registry "${ID.replace("00000000-0000-0000-0000-000000000000", "prod")}" has the subscription id "prod", which is not a GUID.`,
      ],
      ["a resource group that contradicts the id", ["check", "--registry", ID, "-g", "rg-other"], '--resource-group "rg-other" differs from the resource group "rg-ci" in the --registry id.'],
      [
        "a subscription that contradicts the id",
        ["check", "--registry", ID, "--subscription", "11111111-1111-1111-1111-111111111111"],
        '--subscription "11111111-1111-1111-1111-111111111111" differs from the subscription "00000000-0000-0000-0000-000000000000" in the --registry id.',
      ],
      ["a subscription name instead of its id", ["check", "--registry", "myregistry", "--subscription", "production"], '--subscription "production" is not a subscription id.'],
      ["a malformed resource group", ["check", "--registry", "myregistry", "-g", "rg ci."], '--resource-group "rg ci." is not a valid resource group name: it contains " "; it ends with a period.'],
      ["a malformed token name", ["check", "--registry", "myregistry", "--token", "ci_pull"], '--token "ci_pull" is not a valid token name: it contains "_".'],
      ["a window in weeks", ["check", "--registry", "myregistry", "--expiring-within", "2w"], '--expiring-within "2w" has the unit "w", which is not accepted.'],
      ["a window without a unit", ["check", "--registry", "myregistry", "--expiring-within", "14"], '--expiring-within "14" has no unit.'],
      ["a fractional window", ["check", "--registry", "myregistry", "--expiring-within", "1.5d"], '--expiring-within "1.5d" is not a duration.'],
      ["an unknown output format", ["check", "--registry", "myregistry", "--output", "yaml"], '--output "yaml" is not a format this command writes.'],
      ["a negative window", ["check", "--registry", "myregistry", "--expiring-within", "-1d"], '--expiring-within "-1d" is negative; the window looks ahead from now.'],
      ["a negative window with =", ["check", "--registry", "myregistry", "--expiring-within=-3h"], '--expiring-within "-3h" is negative; the window looks ahead from now.'],
      // Secrets pasted where an argument belongs: described, never quoted.
      ["a client secret as a positional", ["check", "--registry", "myregistry", CLIENT_SECRET], `Unexpected argument a ${CLIENT_SECRET.length}-character value that looks like a password or key.`],
      ["a JWT as --subscription", ["check", "--registry", "myregistry", "--subscription", JWT_LIKE], `--subscription a ${JWT_LIKE.length}-character value shaped like a JWT access token is not a subscription id.`],
      ["a password as --output", ["check", "--registry", "myregistry", "--output", ACR_PASSWORD], `--output a ${ACR_PASSWORD.length}-character value that looks like a password or key is not a format this command writes.`],
      ["a secret in an unknown --option=value", ["check", "--registry", "myregistry", `--password=${CLIENT_SECRET}`], 'Unknown option "--password".'],
    ];
    for (const [what, argv, sentence] of cases) {
      it(`${what}: "${sentence}"`, async () => {
        const run = await cli(argv);
        assert.equal(run.code, 2);
        assert.equal(run.stdout, "");
        const [message, hint, rest] = run.stderr.split("\n");
        assert.equal(firstSentence(message!), `acr-tokens check: ${sentence}`);
        assert.equal(hint, "Run 'acr-tokens check --help' for usage.");
        assert.equal(rest, "");
        for (const secret of [CLIENT_SECRET, ACR_PASSWORD, JWT_LIKE]) assert.ok(!run.stderr.includes(secret), "a pasted secret came back on stderr");
      });
    }

    it("refuses to run under NODE_DEBUG=http(s)/net/tls (Node would print the bearer token), before any credential use", async () => {
      for (const debug of ["https", "http", "net,tls", "fs,HTTP", "*"]) {
        let stderr = "";
        const code = await main(["check", "--registry", "myregistry"], {
          stdout: { write: () => undefined },
          stderr: { write: (t: string) => (stderr += t) },
          env: { NODE_DEBUG: debug, ACR_TOKENS_ACCESS_TOKEN: JWT_LIKE },
          isTTY: false,
        });
        assert.equal(code, 2, debug);
        assert.match(stderr, /^acr-tokens check: NODE_DEBUG includes .* which makes Node print every HTTPS request's headers, including the Authorization bearer token, to stderr\. Nothing was sent\. Unset NODE_DEBUG/);
        assert.ok(!stderr.includes(JWT_LIKE));
      }
      // Sections that print no network data stay allowed: the usage error comes through instead.
      let stderr = "";
      await main(["check"], { stdout: { write: () => undefined }, stderr: { write: (t: string) => (stderr += t) }, env: { NODE_DEBUG: "fs,module" }, isTTY: false });
      assert.match(stderr, /--registry is required/);
    });

    it("gives the fix after the first sentence", async () => {
      assert.match((await cli(["check", "--registry", "myregistry", "--expiring-whithin", "3d"])).stderr, /"--expiring-whithin"\. Did you mean --expiring-within\? Options: --registry, /);
      assert.match((await cli(["check", "-n", "myregistry"])).stderr, /"-n"\. Did you mean --registry\?/);
      assert.doesNotMatch((await cli(["check", "--zzzzzzzz"])).stderr, /Did you mean/);
      assert.match((await cli(["check", "--registry", "myregistry", "--token", "ci_pull"])).stderr, /Use "ci-pull"\./);
      assert.match((await cli(["check", "--registry", "myregistry", "--expiring-within", "2w"])).stderr, /e\.g\. 14d, 36h or 90m\./);
      assert.match((await cli(["check", "--registry", ID, "-g", "rg-other"])).stderr, /Drop --resource-group: the id names the group\./);
      assert.match((await cli(["check"])).stderr, /Pass the registry's name \(with --resource-group, or alone to find it in the subscription\) or its resource id\./);
    });

    it("rejects an unknown command and shows the usage when none is given", async () => {
      const unknown = await cli(["deploy"]);
      assert.equal(unknown.code, 2);
      assert.equal(firstSentence(unknown.stderr), 'acr-tokens: Unknown command "deploy".');
      const none = await cli([]);
      assert.equal(none.code, 2);
      assert.equal(none.stdout, "");
      assert.match(none.stderr, /^Usage: acr-tokens <command> \[options\]\n/);
    });
  });

  describe("--help", () => {
    it("prints the check help on stdout and exits 0, whatever else is on the line", async () => {
      for (const argv of [["check", "--help"], ["check", "-h"], ["check", "--registry", "x", "--help"], ["help", "check"]]) {
        const run = await cli(argv);
        assert.equal(run.code, 0, argv.join(" "));
        assert.equal(run.stdout, CHECK_HELP);
        assert.equal(run.stderr, "");
      }
    });

    it("documents every option, flag and exit code", () => {
      for (const text of ["--registry", "--resource-group", "--subscription", "--token", "--expiring-within", "--output", "--help"]) {
        assert.ok(CHECK_HELP.includes(text), text);
      }
      for (const flag of ["expired", "expiring", "disabled", "no-password", "missing"]) assert.match(CHECK_HELP, new RegExp(`\\n  ${flag} +\\S`));
      for (const code of ["0", "1", "2"]) assert.match(CHECK_HELP, new RegExp(`\\n  ${code}   \\S`));
    });

    it("answers --version and -V with the package's version on stdout, exit 0", async () => {
      const { version } = JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8")) as { version: string };
      for (const flag of ["--version", "-V"]) {
        const run = await cli([flag]);
        assert.deepEqual(run, { ...run, code: 0, stdout: `${version}\n`, stderr: "" });
      }
    });

    it("prints the command list for acr-tokens --help", async () => {
      const run = await cli(["--help"]);
      assert.equal(run.code, 0);
      assert.match(run.stdout, /^Usage: acr-tokens <command> \[options\]\n\nCommands:\n  check /);
    });
  });

  describe("parsing", () => {
    it("reads a registry name with its options and defaults", () => {
      assert.deepEqual(parseCheckArgs(["--registry", "MyRegistry", "-g", "rg-ci", "--token", "ci-pull", "--token", "CI-PULL", "--token", "ci-push"]), {
        help: false,
        registry: { kind: "name", registryName: "MyRegistry", resourceGroupName: "rg-ci" },
        tokens: ["ci-pull", "ci-push"],
        expiringWithin: "14d",
        expiringWithinMs: 14 * 86_400_000,
        output: "table",
      });
    });

    it("reads a registry id (with a trailing slash) and agrees with a matching --resource-group and --subscription", () => {
      const parsed = parseCheckArgs([`--registry=${ID}/`, "--resource-group", "RG-CI", "--subscription", "00000000-0000-0000-0000-000000000000", "-o", "json"]);
      assert.deepEqual(parsed, {
        help: false,
        registry: { kind: "id", subscriptionId: "00000000-0000-0000-0000-000000000000", resourceGroupName: "rg-ci", registryName: "myregistry" },
        tokens: [],
        expiringWithin: "14d",
        expiringWithinMs: 14 * 86_400_000,
        output: "json",
      });
    });

    it("converts windows in days, hours and minutes", () => {
      assert.equal(parseWindow("30d"), 30 * 86_400_000);
      assert.equal(parseWindow("36h"), 36 * 3_600_000);
      assert.equal(parseWindow("90m"), 90 * 60_000);
      assert.equal(parseWindow("0d"), 0);
      assert.throws(() => parseWindow("10s"), /^UsageError|has the unit "s", which is not accepted/);
      assert.throws(() => parseWindow("40000d"), /is longer than 100 years/);
    });
  });
});
