import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import * as yaml from "js-yaml";

const root = path.resolve(__dirname, "../..");

describe("toolchain", () => {
  it("runs on the Node LTS from node_modules/.bin", () => {
    assert.equal(process.versions.node.split(".")[0], "24");
  });
});

describe("importing acr-tokens", function () {
  // A fresh Node process that loads @pulumi/pulumi and the package through ts-node: ~2 s on 2 cores.
  this.timeout(30_000);

  /** What a fresh process saw while requiring the package (written by CHILD as its only output). */
  interface ChildReport {
    exports: string[];
    registered: string[];
    loaded: string[];
  }
  const CHILD = `
    const pulumi = require("@pulumi/pulumi");
    const registered = [];
    pulumi.runtime.setMocks({
      newResource(args) { registered.push(args.type); return { id: "id", state: args.inputs }; },
      call(args) { registered.push(args.token); return {}; },
    });
    const before = new Set(Object.keys(require.cache));
    const acr = require("acr-tokens");
    const loaded = Object.keys(require.cache).filter((file) => !before.has(file));
    // Registrations are answered in order: once this probe's is, any made during the import were seen.
    const probe = new pulumi.ComponentResource("probe:index:Probe", "probe");
    probe.urn.apply(() => process.stdout.write(JSON.stringify({ exports: Object.keys(acr), registered, loaded })));
  `;
  let report: ChildReport;
  let stderr: string;

  before(async () => {
    const child = await promisify(execFile)(process.execPath, ["--conditions=acr-tokens-source", "-r", "ts-node/register", "-e", CHILD], {
      cwd: root,
    });
    report = JSON.parse(child.stdout) as ChildReport;
    stderr = child.stderr;
  });

  it("prints nothing", () => {
    // stdout held exactly the child's JSON report (JSON.parse would have failed on anything else).
    assert.equal(stderr, "");
  });

  it("registers no resource and calls no function", () => {
    assert.deepEqual(report.registered, ["probe:index:Probe"]);
  });

  it("loads @pulumi/azure-native/containerregistry and never the azure-native root", () => {
    const azureNative = path.dirname(require.resolve("@pulumi/azure-native/package.json"));
    assert.ok(report.loaded.includes(path.join(azureNative, "containerregistry", "index.js")), report.loaded.join("\n"));
    assert.ok(!report.loaded.includes(path.join(azureNative, "index.js")));
    const others = report.loaded
      .filter((file) => file.startsWith(azureNative + path.sep))
      .map((file) => path.relative(azureNative, file))
      .filter((file) => !/^(containerregistry\/|types\/enums\/containerregistry\/|utilities\.js$|package\.json$)/.test(file));
    assert.deepEqual(others, []);
  });

  it("exports exactly the public surface: components, value sets, error classes and their names", () => {
    assert.deepEqual([...report.exports].sort(), [
      "AccessTokenError",
      "AccessTokenErrorName",
      "BuiltInScopeMap",
      "CredentialAuthenticationError",
      "CredentialAuthenticationErrorName",
      "CredentialKind",
      "CredentialSettingsError",
      "CredentialSettingsErrorName",
      "DriftCode",
      "GatewayAction",
      "InvalidArgumentsError",
      "InvalidArgumentsErrorName",
      "NoCredentialError",
      "NoCredentialErrorName",
      "PasswordSlot",
      "RegistryToken",
      "RepositoryAction",
      "RotatingTokenPassword",
      "ScopeMap",
      "TokenPassword",
      "TokenStatus",
    ]);
  });

  it("gives every exported error class a name equal to its class name, exported as <Class>Name", () => {
    const acr = require("acr-tokens") as Record<string, unknown>;
    const errors = Object.keys(acr).filter((k) => k.endsWith("Error"));
    assert.ok(errors.length >= 5);
    for (const name of errors) {
      assert.equal(acr[`${name}Name`], name, `${name}Name`);
      assert.equal((acr[name] as { prototype: object }).prototype instanceof Error, true, `${name} is an Error class`);
    }
    assert.equal(new (acr["InvalidArgumentsError"] as typeof import("acr-tokens").InvalidArgumentsError)("ScopeMap", "x", [{ propertyPath: "p", message: "m" }]).name, "InvalidArgumentsError");
    assert.equal(new (acr["NoCredentialError"] as typeof import("acr-tokens").NoCredentialError)("m").name, "NoCredentialError");
  });
});

describe("Pulumi.yaml", () => {
  interface Project {
    name: string;
    runtime: { name: string; options: { typescript: boolean; nodeargs: string } };
    main: string;
  }
  const project = yaml.load(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as Project;

  it("is a nodejs TypeScript project whose program is the quickstart", () => {
    assert.match(project.name, /^[A-Za-z0-9_.-]+$/);
    assert.equal(project.runtime.name, "nodejs");
    assert.equal(project.runtime.options.typescript, true);
    assert.equal(project.main, "examples/quickstart");
    assert.ok(fs.existsSync(path.join(root, project.main, "index.ts")));
  });

  it("runs node with the condition that maps acr-tokens to source, so the quickstart needs no build", () => {
    assert.ok(project.runtime.options.nodeargs.split(/\s+/).includes("--conditions=acr-tokens-source"));
    // This process runs with the same condition: from the quickstart, "acr-tokens" is the source entry.
    assert.equal(require.resolve("acr-tokens", { paths: [path.join(root, project.main)] }), path.join(root, "components", "index.ts"));
  });

  it("does not share its config namespace with the package's provider settings (acr-tokens:*)", () => {
    assert.notEqual(project.name, "acr-tokens");
  });
});
