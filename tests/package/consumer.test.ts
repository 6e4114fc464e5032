import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { FAST_LRO } from "../../testing/emulator";
import { CLI_ROOT, describeEngine, useEngineBed } from "../../testing/engine";
import { ProviderHost, isSecret, reveal, withProvider } from "../../testing/providerHost";
import { requireRegistryTools, Skopeo, writeOciLayout } from "../../testing/registryClients";
import { PASSWORD_TYPE, passwordNames, startTestBed, type ProviderTestBed } from "../provider/setup";
import { REPO_ROOT, installProject, pack, tarballFiles, type InstalledProject, type Tarball } from "./consumerProject";

const run = promisify(execFile);

/** Pulumi's `pulumi new typescript` tsconfig (module commonjs, moduleResolution node). */
const PULUMI_TSCONFIG = {
  compilerOptions: {
    strict: true,
    outDir: "bin",
    target: "es2020",
    module: "commonjs",
    moduleResolution: "node",
    sourceMap: true,
    experimentalDecorators: true,
    pretty: false,
    noFallthroughCasesInSwitch: true,
    noImplicitReturns: true,
    forceConsistentCasingInFileNames: true,
    // TypeScript 6 (the compiler in the npm cache) deprecates "node" (node10) resolution; Pulumi's
    // template pins TypeScript 5, where this option is not needed.
    ignoreDeprecations: "6.0",
  },
  files: ["index.ts", "entries.ts", "setup.ts", "mocks.ts", "up.ts"],
};

/** Pulumi's mocks must be set before the program is loaded: this module runs first. */
const SETUP_TS = `import * as pulumi from "@pulumi/pulumi";
import { acrTokensMocks } from "acr-tokens/testing";

const mocks = acrTokensMocks();
export const seen: { providerText?: unknown } = {};
pulumi.runtime.setMocks(
  {
    newResource(args) {
      if (args.type === "pulumi-nodejs:dynamic/acr-tokens:TokenPassword") seen.providerText = args.inputs.__provider;
      return mocks.newResource(args);
    },
    call: (args) => mocks.call(args),
  },
  "consumer",
  "test",
  false,
);
`;

/** The user's program: one token with an inline scope map and a password. */
const INDEX_TS = `import * as pulumi from "@pulumi/pulumi";
import { RegistryToken, TokenPassword } from "acr-tokens";

const config = new pulumi.Config();
const token = new RegistryToken("app-pull", {
  registryName: config.get("registryName") ?? "contosoregistry",
  resourceGroupName: "rg-registry",
  repositories: { app: ["content/read", "metadata/read"] },
});
const pw = new TokenPassword("app-pull-password1", { token, expiresInDays: 90 });

export const loginServer = token.loginServer;
export const username = token.username;
export const password = pw.password;
`;

/** Every public entry, by value, so that each must resolve and type-check. */
const ENTRIES_TS = `import { InvalidArgumentsError, RegistryToken, RepositoryAction, RotatingTokenPassword, ScopeMap, TokenPassword } from "acr-tokens";
import { ArmRequestError, tokenPasswordProvider, tokenSettingsProvider } from "acr-tokens/provider";
import { acrTokensMocks } from "acr-tokens/testing";
import { Provider } from "acr-tokens/plugin";
import { startEmulator, type Emulator } from "acr-tokens-emulator";

export const entries = [InvalidArgumentsError, RegistryToken, RotatingTokenPassword, ScopeMap, TokenPassword, ArmRequestError, acrTokensMocks, Provider, startEmulator];
export const providers = [tokenPasswordProvider.create, tokenSettingsProvider.read];
export const read: RepositoryAction = RepositoryAction.ContentRead;
export type Emu = Emulator;
`;

/** Runs the program under acr-tokens/testing's mocks and prints its outputs and the serialized provider. */
const MOCKS_TS = `import { seen } from "./setup";
import * as pulumi from "@pulumi/pulumi";
import * as program from "./index";

const value = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));

(async () => {
  process.stdout.write(
    JSON.stringify({
      loginServer: await value(program.loginServer),
      username: await value(program.username),
      password: await value(program.password),
      passwordIsSecret: await pulumi.isSecret(program.password),
      providerText: seen.providerText,
    }),
  );
})();
`;

/**
 * `node bin/up.js up|destroy`: the project's program through the real Pulumi CLI with the project's own
 * @pulumi/pulumi (Automation API, inline program requiring ./index as `pulumi up` would run it). The
 * workspace settings come in UP_OPTIONS; after `up` the stack outputs are written to the file UP_OPTIONS names
 * (mode 0600; the password never goes to stdout), with whether the CLI printed the password.
 */
const UP_TS = `import { writeFileSync } from "node:fs";
import { LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";

interface UpOptions { cliRoot: string; workDir: string; pulumiHome: string; backendUrl: string; envVars: Record<string, string>; registryName: string; outputsFile: string }

(async () => {
  const o = JSON.parse(process.env["UP_OPTIONS"] ?? "{}") as UpOptions;
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: "user", projectName: "consumer", program: async () => ({ ...(require("./index") as Record<string, unknown>) }) },
    {
      workDir: o.workDir,
      pulumiHome: o.pulumiHome,
      pulumiCommand: await PulumiCommand.get({ root: o.cliRoot }),
      envVars: o.envVars,
      secretsProvider: "passphrase",
      projectSettings: { name: "consumer", runtime: "nodejs", backend: { url: o.backendUrl } },
    },
  );
  await stack.setConfig("registryName", { value: o.registryName });
  if (process.argv[2] === "destroy") {
    await stack.destroy();
    return;
  }
  const up = await stack.up();
  const value = (k: string) => String(up.outputs[k]?.value ?? "");
  writeFileSync(
    o.outputsFile,
    JSON.stringify({
      result: up.summary.result,
      loginServer: value("loginServer"),
      username: value("username"),
      password: value("password"),
      passwordSecret: up.outputs["password"]?.secret === true,
      cliPrintedPassword: value("password") !== "" && (up.stdout.includes(value("password")) || up.stderr.includes(value("password"))),
    }),
    { mode: 0o600 },
  );
})().catch((e: unknown) => {
  // The Automation API's errors carry the CLI's output, which never holds the password (checked above on success).
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
`;

/**
 * A user's project: the packed acr-tokens (and acr-tokens-emulator as a dev dependency) installed
 * offline next to @pulumi/pulumi 3.276.0 and @pulumi/azure-native 3.28.0, with Pulumi's default
 * TypeScript settings. Type-checks every public entry under three module resolutions, runs the program
 * under mocks, and runs a TokenPassword through the dynamic-provider host started in that folder
 * against the emulator, authenticated only by azure-native's ARM_* service-principal variables.
 */
describe("acr-tokens in a user's Pulumi project (packed, installed offline)", function () {
  // npm pack + npm ci of ~160 packages from the cache + tsc: about a minute on 2 cores.
  this.timeout(240_000);

  let root: string;
  let project: InstalledProject;
  let tarballs: { components: Tarball; emulator: Tarball };

  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), "acr-tokens-consumer-"));
    const [components, emulator] = [await pack(REPO_ROOT, root), await pack(path.join(REPO_ROOT, "emulator"), root)];
    tarballs = { components, emulator };
    const repoDev = (JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { devDependencies: Record<string, string> }).devDependencies;
    project = await installProject(path.join(root, "project"), {
      dependencies: { "@pulumi/pulumi": "3.276.0", "@pulumi/azure-native": "3.28.0" },
      devDependencies: { typescript: repoDev["typescript"]!, "@types/node": repoDev["@types/node"]! },
      tarballs: [components, emulator],
      // As a Pulumi project on npm 11 approves @pulumi/pulumi's one install script; nothing else may ask.
      manifest: { allowScripts: { protobufjs: true } },
      files: {
        "Pulumi.yaml": "name: consumer\nruntime: nodejs\n",
        "tsconfig.json": JSON.stringify(PULUMI_TSCONFIG, null, 2),
        "index.ts": INDEX_TS,
        "entries.ts": ENTRIES_TS,
        "setup.ts": SETUP_TS,
        "mocks.ts": MOCKS_TS,
        "up.ts": UP_TS,
      },
    });
  });

  after(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  describe("the tarballs", () => {
    it("refer to no file they do not contain (main, types, exports, typesVersions, bin), and ship no source map or TypeScript source", async () => {
      for (const t of Object.values(tarballs)) {
        const files = new Set(await tarballFiles(t.file));
        const referenced: string[] = [];
        const collect = (v: unknown): void => {
          if (typeof v === "string") referenced.push(v);
          else if (Array.isArray(v)) v.forEach(collect);
          else if (v && typeof v === "object") Object.values(v).forEach(collect);
        };
        const { main, types, exports, typesVersions, bin } = t.manifest as Record<string, unknown>;
        [main, types, exports, typesVersions, bin].forEach(collect);
        for (const ref of referenced.filter((r) => r.startsWith("./") || r.startsWith("dist/") || r.startsWith("bin/"))) {
          assert.ok(files.has(path.posix.normalize(ref)), `${t.name}: package.json names ${ref}, which the tarball does not contain`);
        }
        assert.ok(files.has("LICENSE") && readFileSync(path.join(REPO_ROOT, "LICENSE"), "utf8").includes("Apache License"), `${t.name}: no LICENSE`);
        assert.deepEqual([...files].filter((f) => f.endsWith(".map") || (f.endsWith(".ts") && !f.endsWith(".d.ts"))), [], `${t.name} ships source maps or sources`);
        assert.ok(!JSON.stringify(t.manifest.exports).includes("acr-tokens-source"), `${t.name}: the published exports keep the source condition`);
        assert.equal((t.manifest as { scripts?: unknown }).scripts, undefined, `${t.name}: the published manifest has scripts (npm warns about prepare)`);
        for (const field of ["repository", "homepage", "bugs", "license"]) assert.ok(t.manifest[field], `${t.name}: no ${field}`);
      }
    });

    it("keep the emulator's TLS libraries out of acr-tokens, and the repository's package.json unchanged by packing", () => {
      const deps = Object.keys(tarballs.components.manifest.dependencies ?? {});
      assert.deepEqual(deps.filter((d) => !d.startsWith("@azure/")), []);
      assert.deepEqual(Object.keys(tarballs.components.manifest.peerDependencies ?? {}).sort(), ["@pulumi/azure-native", "@pulumi/pulumi"]);
      assert.ok(Object.keys(tarballs.emulator.manifest.dependencies ?? {}).includes("selfsigned"));
      assert.ok(!existsSync(path.join(REPO_ROOT, "package.json.orig")) && !existsSync(path.join(REPO_ROOT, "emulator", "package.json.orig")));
      assert.match(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"), /"acr-tokens-source"/);
    });
  });

  describe("installed", () => {
    it("installs without a warning (npm 11 would list a prepare script of ours as an unapproved install script)", () => {
      const warnings = project.npmOutput.split("\n").filter((l) => /warn/i.test(l) && !/EBADENGINE|required:|current:|package:|^npm warn }$/.test(l));
      assert.deepEqual(warnings, []);
    });

    it("satisfies every range and peer (npm ls --all), with exactly one @pulumi/pulumi and one @pulumi/azure-native", async () => {
      await run("npm", ["ls", "--all", "--offline"], { cwd: project.dir, maxBuffer: 16 * 1024 * 1024 });
      for (const name of ["@pulumi/pulumi", "@pulumi/azure-native"]) {
        const { stdout } = await run("npm", ["ls", name, "--all", "--parseable", "--offline"], { cwd: project.dir });
        const copies = stdout.split("\n").filter((l) => l.includes(`node_modules/${name}`));
        assert.deepEqual(copies, [path.join(project.dir, "node_modules", name)], `${name} copies: ${copies.join(", ")}`);
      }
    });

    it("does not install the emulator's certificate libraries for acr-tokens (only under acr-tokens-emulator)", async () => {
      const { stdout } = await run("npm", ["ls", "selfsigned", "--all", "--json", "--offline"], { cwd: project.dir });
      const tree = JSON.parse(stdout) as { dependencies: Record<string, { dependencies?: Record<string, unknown> }> };
      assert.deepEqual(Object.keys(tree.dependencies), ["acr-tokens-emulator"]);
    });

    it("ships no file that requires, imports or runs a path missing from the package (JS, declarations, bin scripts)", () => {
      const missing: string[] = [];
      for (const name of ["acr-tokens", "acr-tokens-emulator"]) {
        const root = path.join(project.dir, "node_modules", name);
        const walk = (dir: string): string[] =>
          readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
        const code = (file: string) => /\.(js|d\.ts)$/.test(file) || path.relative(root, file).startsWith(`bin${path.sep}`);
        for (const file of walk(root).filter(code)) {
          const text = readFileSync(file, "utf8");
          const refs = [
            ...[...text.matchAll(/(?:require\(|from |import\()\s*"(\.{1,2}\/[^"]+)"/g)].map((m) => path.resolve(path.dirname(file), m[1]!)),
            ...[...text.matchAll(/\$root\/((?:dist|bin)\/[^" ]+)/g)].map((m) => path.join(root, m[1]!)),
            ...[...text.matchAll(/^\/\/# sourceMappingURL=(\S+)$/gm)].map((m) => path.resolve(path.dirname(file), m[1]!)),
          ];
          for (const ref of refs) {
            const found = ["", ".js", ".json", ".d.ts", "/index.js", "/index.d.ts"].some((ext) => existsSync(ref + ext));
            if (!found) missing.push(`${path.relative(root, file)} -> ${path.relative(root, ref)}`);
          }
        }
      }
      assert.deepEqual(missing, []);
    });

    it("answers --version on both command lines", async () => {
      const bin = (name: string) => path.join(project.dir, "node_modules", ".bin", name);
      assert.equal((await run(process.execPath, [bin("acr-tokens"), "--version"])).stdout, `${tarballs.components.version}\n`);
      assert.equal((await run(process.execPath, [bin("acr-tokens-emulator"), "--version"])).stdout, `${tarballs.emulator.version}\n`);
    });

    it("type-checks every public entry under moduleResolution node16 and bundler (Pulumi's default, node, is the compile below)", async () => {
      // The libraries' own .d.ts files are checked once, by the full compile; here only the resolution of our entries.
      const { ignoreDeprecations: _i, ...options } = PULUMI_TSCONFIG.compilerOptions;
      const tsc = path.join(project.dir, "node_modules", "typescript", "bin", "tsc");
      const results = await Promise.all(
        (
          [
            ["node16", "node16"],
            ["bundler", "preserve"],
          ] as const
        ).map(async ([resolution, module]) => {
          const config = `tsconfig.${resolution}.json`;
          writeFileSync(
            path.join(project.dir, config),
            JSON.stringify({ compilerOptions: { ...options, module, moduleResolution: resolution, skipLibCheck: true, noEmit: true }, files: PULUMI_TSCONFIG.files }),
          );
          const result = await run(process.execPath, [tsc, "-p", config], { cwd: project.dir }).catch((e: { stdout: string }) => e);
          return `${config}: ${result.stdout}`;
        }),
      );
      assert.deepEqual(results, ["tsconfig.node16.json: ", "tsconfig.bundler.json: "]);
    });
  });

  describe("the program", () => {
    let outputs: { loginServer: string; username: string; password: string; passwordIsSecret: boolean; providerText: string };

    before(async () => {
      // Pulumi's default settings (moduleResolution node), libraries' .d.ts files included: type errors fail here.
      const tsc = path.join(project.dir, "node_modules", "typescript", "bin", "tsc");
      const compiled = await run(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: project.dir }).catch((e: { stdout: string }) => e);
      assert.equal(compiled.stdout, "", `tsc -p tsconfig.json (moduleResolution node):\n${compiled.stdout}`);
      const { stdout } = await run(process.execPath, [path.join("bin", "mocks.js")], { cwd: project.dir });
      outputs = JSON.parse(stdout) as typeof outputs;
    });

    it("runs under mocks with acr-tokens/testing: username, login server and a secret password", () => {
      assert.deepEqual(
        { ...outputs, providerText: typeof outputs.providerText },
        { loginServer: "contosoregistry.azurecr.io", username: "app-pull", password: "mock-password-app-pull-password1", passwordIsSecret: true, providerText: "string" },
      );
    });

    describe("TokenPassword through the dynamic-provider host started in the project", () => {
      let bed: ProviderTestBed;
      let host: ProviderHost;
      const clientId = randomUUID();
      const clientSecret = `sp-secret-${randomUUID()}`;

      before(async () => {
        bed = await startTestBed();
        bed.emu.identity.addPrincipal({ clientId, clientSecret });
        host = await ProviderHost.start({
          runtime: "compiled",
          projectDir: project.dir,
          project: "consumer",
          // Only where the emulator is (ARM endpoint, Entra ID, its CA, its clock) and azure-native's service-principal variables.
          env: {
            NODE_EXTRA_CA_CERTS: bed.emu.caCertPath,
            ACR_TOKENS_ARM_ENDPOINT: bed.emu.armEndpoint,
            AZURE_AUTHORITY_HOST: bed.emu.authorityHost,
            ACR_TOKENS_CLOCK_FILE: bed.clockFile,
            ACR_TOKENS_LRO_POLL_INTERVAL_MS: "0",
            ARM_CLIENT_ID: clientId,
            ARM_CLIENT_SECRET: clientSecret,
            ARM_TENANT_ID: bed.emu.tenantId,
            ARM_SUBSCRIPTION_ID: bed.emu.subscriptionId,
          },
        });
        await host.configure({});
      });

      after(async () => {
        await host?.close();
        await bed?.close();
      });

      it("creates, reads and deletes the password with the project's installed acr-tokens", async () => {
        const tokenId = await bed.createToken("consumer-pull");
        const checked = await host.check(PASSWORD_TYPE, "pw", {}, withProvider(outputs.providerText, { tokenId, slot: "password1", expiresInDays: 30 }));
        assert.deepEqual(checked.failures, []);
        const created = await host.create(PASSWORD_TYPE, "pw", checked.inputs, ["password"]);
        assert.ok(isSecret(created.outs["password"]));
        assert.equal(created.outs["username"], "consumer-pull");
        assert.deepEqual(await passwordNames(bed, "consumer-pull"), ["password1"]);

        const read = await host.read(PASSWORD_TYPE, "pw", created.id, created.outs, checked.inputs, ["password"]);
        assert.equal(read.outs["drift"], null);
        assert.ok(reveal(read.outs["password"]) === reveal(created.outs["password"]), "the password changed (not printed)");

        await host.delete(PASSWORD_TYPE, "pw", created.id, created.outs);
        assert.deepEqual(await passwordNames(bed, "consumer-pull"), []);
        assert.ok(!host.stdout.includes(clientSecret) && !host.stderr.includes(clientSecret), "the host printed the client secret");
        // The host ran the project's compiled package, not this repository's sources.
        assert.ok(!host.stderr.includes(path.join(REPO_ROOT, "components")), host.stderr);
      });
    });

    describeEngine("the project's program through `pulumi up`, then skopeo pulls with the exported password", function () {
      if (!requireRegistryTools("the consumer project's registry login")) return;
      this.timeout(300_000);
      const registryName = "consumerregistry";
      // The stacks' folders go inside the project (read once the outer hooks have installed it), so the
      // engine's dynamic-provider plugin loads acr-tokens/provider from the installed tarball.
      const bed = useEngineBed({
        resourceGroup: "rg-registry",
        registryName,
        dataPlane: true,
        get compiledProjectDir() {
          return project.dir;
        },
      });
      let work: string;
      let skopeo: Skopeo;

      /** Runs `node bin/up.js <command>` in the project with the bed's CLI, home, backend and environment. */
      async function userRun(command: "up" | "destroy", outputsFile = ""): Promise<void> {
        const b = bed();
        const options = { cliRoot: CLI_ROOT, workDir: b.workDir, pulumiHome: b.pulumiHome, backendUrl: `file://${b.backendDir}`, envVars: b.env(), registryName, outputsFile };
        await run(process.execPath, [path.join("bin", "up.js"), command], { cwd: project.dir, env: { ...process.env, ...b.env(), UP_OPTIONS: JSON.stringify(options) } });
      }

      before(() => {
        work = mkdtempSync(path.join(tmpdir(), "acr-tokens-consumer-skopeo-"));
        skopeo = new Skopeo(path.join(work, "skopeo"), bed().emu.caCertPem);
      });
      after(() => rmSync(work, { recursive: true, force: true }));

      it("creates the token, scope map and password from the installed tarball; skopeo pulls with them, cannot push, and fails once destroyed", async () => {
        const b = bed();
        const loginServer = b.emu.dataPlane!.loginServer(registryName)!;
        // An image to pull, pushed with a token made outside Pulumi.
        const sdk = b.arm;
        const registryId = b.tokenId("x").replace(/\/tokens\/x$/, "");
        const pushMap = await sdk.scopeMaps.create("rg-registry", registryName, "pusher-map", { actions: ["repositories/app/content/read", "repositories/app/content/write"] }, FAST_LRO);
        await sdk.tokens.create("rg-registry", registryName, "pusher", { scopeMapId: pushMap.id!, status: "enabled" }, FAST_LRO);
        const pushCreds = await sdk.registries.generateCredentials("rg-registry", registryName, { tokenId: `${registryId}/tokens/pusher`, name: "password1" }, FAST_LRO);
        const layout = path.join(work, "image");
        writeOciLayout(layout, "v1", "hello from the consumer test\n");
        const pushed = await skopeo.copy(`oci:${layout}:v1`, `docker://${loginServer}/app:v1`, loginServer, { username: "pusher", password: pushCreds.passwords![0]!.value! });
        assert.equal(pushed.code, 0, `push: ${pushed.stderr.slice(-400)}`);

        const outputsFile = path.join(work, "outputs.json");
        await userRun("up", outputsFile);
        const out = JSON.parse(readFileSync(outputsFile, "utf8")) as { result: string; loginServer: string; username: string; password: string; passwordSecret: boolean; cliPrintedPassword: boolean };
        const { password, ...shown } = out;
        assert.deepEqual(shown, { result: "succeeded", loginServer, username: "app-pull", passwordSecret: true, cliPrintedPassword: false });
        assert.ok(password.length >= 32, "the exported password is empty or short");

        const creds = { username: out.username, password };
        const pulled = await skopeo.copy(`docker://${loginServer}/app:v1`, `oci:${path.join(work, "pulled")}:v1`, loginServer, creds);
        assert.equal(pulled.code, 0, `pull with the exported password: ${pulled.stderr.slice(-400)}`);
        const pushBack = await skopeo.copy(`oci:${layout}:v1`, `docker://${loginServer}/app:v2`, loginServer, creds);
        assert.notEqual(pushBack.code, 0, "the pull-only token pushed");

        await userRun("destroy");
        const afterDestroy = await skopeo.copy(`docker://${loginServer}/app:v1`, `oci:${path.join(work, "pulled-after")}:v1`, loginServer, creds);
        assert.notEqual(afterDestroy.code, 0, "the password still logs in after pulumi destroy");
        for (const r of [pulled, pushBack, afterDestroy]) assert.ok(!r.stderr.includes(password) && !r.stdout.includes(password), "skopeo printed the password");
      });
    });
  });
});
