import { strict as assert } from "node:assert";
import { randomBytes } from "node:crypto";
import type { ContainerRegistryManagementClient } from "@azure/arm-containerregistry";
import { startEmulator, type Emulator } from "acr-tokens-emulator";
import { AZ_INSTALL_COMMAND, AzCli, findAz } from "../../testing/azCli";
import { armClient } from "../../testing/emulator";
import { isAcrPasswordFormat } from "../../testing/recordings";

/**
 * The Azure CLI (Debian's azure-cli 2.45, a client nobody on this project wrote) drives the
 * emulator through `az acr scope-map …` and `az acr token …`; its JSON output is asserted, and the
 * emulator's state is read back through @azure/arm-containerregistry.
 *
 * No `-g` is passed: az then resolves the registry's resource group through
 * `GET /subscriptions/{id}/resources?$filter=…` and lower-cases it, which the emulator must accept.
 */

interface AzPassword {
  name: string;
  value?: string;
  creationTime?: string;
  expiry?: string;
}
interface AzToken {
  id: string;
  name: string;
  type: string;
  status: string;
  scopeMapId: string;
  provisioningState: string;
  creationDate: string;
  credentials: { passwords: AzPassword[]; username?: string; certificates?: unknown[] };
}
interface AzScopeMap {
  id: string;
  name: string;
  type: string;
  actions: string[];
  description?: string;
  provisioningState: string;
}
interface AzGenerated {
  username: string;
  passwords: AzPassword[];
}

const az = findAz();

/** Every az run is a Python process; the first in a fresh config dir also builds az's command index. */
const AZ_SUITE_TIMEOUT_MS = 60_000;

describe("fidelity: az CLI peer", function () {
  // Slow peer: each `az` invocation is a separate Python process (~0.5 s, ~2 s for the first one).
  this.timeout(AZ_SUITE_TIMEOUT_MS);

  if (!az) {
    if (process.env.CI === "true") {
      it("has the Azure CLI installed (required under CI=true)", function () {
        assert.fail(`The Azure CLI ("az") is not on PATH; the fidelity suite needs it under CI. Install it with: ${AZ_INSTALL_COMMAND}`);
      });
      return;
    }
    console.warn(
      [
        "",
        "!!! WARNING: the Azure CLI (\"az\") is not on PATH.",
        "!!! SKIPPED (pending): fidelity: az CLI peer — az acr scope-map create/update/show/list/delete,",
        "!!!   az acr token create/show/list/update/delete, az acr token credential generate/delete.",
        `!!! Install it with: ${AZ_INSTALL_COMMAND}   (under CI=true these tests fail instead)`,
        "",
      ].join("\n"),
    );
  }

  /** Registers a test, or a pending one when az is missing (never counted as passed). */
  const peer = (title: string, fn: () => Promise<void>): void => {
    if (az) it(title, fn);
    else it(title);
  };

  let emulator: Emulator;
  let cli: AzCli;
  let sdk: ContainerRegistryManagementClient;
  const suffix = randomBytes(3).toString("hex");
  // Mixed case on purpose: az lower-cases the group it finds through the resources list.
  const resourceGroup = `Az-Peer-${suffix}`;
  const registry = `azpeer${suffix}`;
  const names = {
    map: "app-readers",
    spare: "spare-map",
    tokRepo: "tok-repo",
    tokNoPw: "tok-nopw",
    tokExp: "tok-exp",
    tokOff: "tok-off",
  };
  /** What earlier tests learned, for later ones. */
  const seen: { repoPasswords?: AzPassword[]; password2Created?: string } = {};
  /** Every password value az printed (kept in memory only, for the request-log canary). */
  const secrets = new Set<string>();
  const remember = (passwords: AzPassword[]): void => {
    for (const p of passwords) if (p.value) secrets.add(p.value);
  };

  const base = (): string[] => ["--registry", registry];

  before(async function () {
    if (!az) return;
    emulator = await startEmulator({
      // az (azure-core ARMPolling) sleeps 30 s before each poll unless Retry-After says otherwise, and
      // treats "Retry-After: 0" as absent. Ask for 1 s, and finish at the first poll as the recorded
      // token PUTs mostly did (the in-progress path is replayed in recordings.test.ts).
      lro: { inProgressPolls: 0, retryAfterSeconds: 1 },
      // Small pages: `scope-map list` and `token list` must follow the emulator's nextLink.
      pageSize: 2,
      seed: {
        resourceGroups: [{ name: resourceGroup, location: "westus" }],
        registries: [{ resourceGroup, name: registry, sku: "Premium" }],
        // The system-assigned identity az's MSI_ENDPOINT requests are answered for (none: 400 "Identity not found").
        principals: [{ clientId: "7c1f0f64-3a52-4f5e-9d67-0a4e2c1b9d10", managedIdentity: true }],
      },
    });
    cli = await AzCli.create(az, emulator);
    sdk = armClient(emulator);
  });

  after(async function () {
    await cli?.dispose();
    await emulator?.close();
  });

  peer("scope-map create: returns the map with repository and gateway actions in the order given", async function () {
    const map = await cli.json<AzScopeMap>([
      "acr", "scope-map", "create", ...base(), "--name", names.map,
      "--repository", "app", "content/read", "metadata/read",
      "--gateway", "gw1", "config/read",
      "--description", "app readers",
    ]);
    assert.equal(map.name, names.map);
    assert.equal(map.type, "Microsoft.ContainerRegistry/registries/scopeMaps");
    assert.equal(map.provisioningState, "Succeeded");
    assert.equal(map.description, "app readers");
    assert.deepEqual(map.actions, ["repositories/app/content/read", "repositories/app/metadata/read", "gateway/gw1/config/read"]);
    const held = await sdk.scopeMaps.get(resourceGroup, registry, names.map);
    assert.deepEqual(held.actions, map.actions);
  });

  peer("scope-map update: adds and removes repository actions and replaces the description", async function () {
    const map = await cli.json<AzScopeMap>([
      "acr", "scope-map", "update", ...base(), "--name", names.map,
      "--add-repository", "app", "content/write",
      "--remove-repository", "app", "metadata/read",
      "--description", "app writers",
    ]);
    assert.equal(map.description, "app writers");
    assert.deepEqual(
      [...map.actions].sort(),
      ["gateway/gw1/config/read", "repositories/app/content/read", "repositories/app/content/write"],
    );
    assert.equal(map.provisioningState, "Succeeded");
    const held = await sdk.scopeMaps.get(resourceGroup, registry, names.map);
    assert.deepEqual(held.actions, map.actions);
    assert.equal(held.description, "app writers");
  });

  peer("scope-map show and list: return the map as the emulator holds it, beside the built-in maps", async function () {
    const shown = await cli.json<AzScopeMap>(["acr", "scope-map", "show", ...base(), "--name", names.map]);
    assert.equal(shown.description, "app writers");
    assert.equal(shown.id, `/subscriptions/${emulator.subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ContainerRegistry/registries/${registry}/scopeMaps/${names.map}`);
    const listed = await cli.json<AzScopeMap[]>(["acr", "scope-map", "list", ...base()]);
    const byName = new Map(listed.map((m) => [m.name, m]));
    assert.deepEqual(byName.get(names.map)?.actions, shown.actions);
    for (const builtIn of ["_repositories_pull", "_repositories_push", "_repositories_admin"]) {
      assert.ok(byName.has(builtIn), `scope-map list lacks the built-in map ${builtIn}; got ${[...byName.keys()].join(", ")}`);
    }
  });

  peer("token create --repository: creates <token>-scope-map and returns both passwords, which the emulator now holds", async function () {
    const result = await cli.run(["acr", "token", "create", ...base(), "--name", names.tokRepo, "--repository", "app", "content/read"]);
    assert.equal(result.code, 0, `az acr token create exited ${result.code}`);
    const token = JSON.parse(result.stdout) as AzToken;
    remember(token.credentials.passwords);
    assert.equal(token.name, names.tokRepo);
    assert.equal(token.status, "enabled");
    assert.match(token.scopeMapId, new RegExp(`/registries/${registry}/scopeMaps/${names.tokRepo}-scope-map$`));
    assert.equal(token.credentials.username, names.tokRepo);
    assert.deepEqual(token.credentials.passwords.map((p) => p.name), ["password1", "password2"]);
    for (const p of token.credentials.passwords) {
      assert.ok(typeof p.value === "string" && isAcrPasswordFormat(p.value), `${p.name} value does not have an ACR password format`);
      assert.ok(!result.stderr.includes(p.value), `az printed the ${p.name} value on stderr`);
    }
    const map = await sdk.scopeMaps.get(resourceGroup, registry, `${names.tokRepo}-scope-map`);
    assert.deepEqual(map.actions, ["repositories/app/content/read"]);
    const held = await sdk.tokens.get(resourceGroup, registry, names.tokRepo);
    assert.deepEqual(
      // `hasValue`, never the value itself: a failing deepEqual prints both sides.
      held.credentials?.passwords?.map((p) => ({ name: p.name, creationTime: p.creationTime?.getTime(), hasValue: p.value !== undefined })),
      token.credentials.passwords.map((p) => ({ name: p.name, creationTime: Date.parse(p.creationTime ?? ""), hasValue: false })),
      "the emulator's passwords (name, creationTime, no value on GET) differ from what az generated",
    );
    seen.repoPasswords = token.credentials.passwords.map(({ name, creationTime }) => ({ name, creationTime }));
  });

  peer("token create --scope-map --no-passwords: creates a token on an existing map without passwords", async function () {
    const token = await cli.json<AzToken>(["acr", "token", "create", ...base(), "--name", names.tokNoPw, "--scope-map", names.map, "--no-passwords"]);
    assert.equal(token.name, names.tokNoPw);
    assert.equal(token.provisioningState, "Succeeded");
    assert.match(token.scopeMapId, new RegExp(`/scopeMaps/${names.map}$`));
    assert.deepEqual(token.credentials.passwords, []);
  });

  peer("token create --expiration-in-days 30: both passwords expire 30 days after now", async function () {
    const before = Date.now();
    const token = await cli.json<AzToken>(["acr", "token", "create", ...base(), "--name", names.tokExp, "--scope-map", names.map, "--expiration-in-days", "30"]);
    remember(token.credentials.passwords);
    const after = Date.now();
    const day = 86_400_000;
    assert.deepEqual(token.credentials.passwords.map((p) => p.name), ["password1", "password2"]);
    for (const p of token.credentials.passwords) {
      const expiry = Date.parse(p.expiry ?? "");
      assert.ok(expiry >= before + 30 * day - 1000 && expiry <= after + 30 * day + 1000, `${p.name} expiry ${p.expiry} is not 30 days from now`);
    }
    const held = await sdk.tokens.get(resourceGroup, registry, names.tokExp);
    assert.deepEqual(
      held.credentials?.passwords?.map((p) => p.expiry?.getTime()),
      token.credentials.passwords.map((p) => Date.parse(p.expiry ?? "")),
    );
  });

  peer("token create --status disabled: creates a disabled token", async function () {
    const token = await cli.json<AzToken>(["acr", "token", "create", ...base(), "--name", names.tokOff, "--scope-map", names.map, "--status", "disabled", "--no-passwords"]);
    assert.equal(token.status, "disabled");
    assert.equal((await sdk.tokens.get(resourceGroup, registry, names.tokOff)).status, "disabled");
  });

  peer("token show and list: passwords appear by name and creation time, never with a value", async function () {
    const shown = await cli.json<AzToken>(["acr", "token", "show", ...base(), "--name", names.tokRepo]);
    assert.deepEqual(shown.credentials.passwords.map(({ name, creationTime }) => ({ name, creationTime: Date.parse(creationTime ?? "") })),
      seen.repoPasswords?.map(({ name, creationTime }) => ({ name, creationTime: Date.parse(creationTime ?? "") })));
    assert.ok(shown.credentials.passwords.every((p) => p.value === undefined || p.value === null), "token show returned a password value");
    const logged = emulator.requests.length;
    const listed = await cli.json<AzToken[]>(["acr", "token", "list", ...base()]);
    assert.deepEqual(listed.map((t) => t.name).sort(), [names.tokExp, names.tokNoPw, names.tokOff, names.tokRepo].sort());
    const pages = emulator.requests.slice(logged).filter((e) => e.method === "GET" && /\/tokens$/i.test(e.path));
    assert.equal(pages.length, 2, "az should have read the 4 tokens as 2 pages of 2 by following nextLink");
  });

  peer("token update --status disabled: disables the token and keeps its passwords", async function () {
    const token = await cli.json<AzToken>(["acr", "token", "update", ...base(), "--name", names.tokRepo, "--status", "disabled"]);
    assert.equal(token.status, "disabled");
    const held = await sdk.tokens.get(resourceGroup, registry, names.tokRepo);
    assert.equal(held.status, "disabled");
    assert.deepEqual(
      held.credentials?.passwords?.map((p) => ({ name: p.name, creationTime: p.creationTime?.getTime() })),
      seen.repoPasswords?.map(({ name, creationTime }) => ({ name, creationTime: Date.parse(creationTime ?? "") })),
      "token update --status changed or dropped the passwords",
    );
  });

  peer("token update --scope-map: moves the token to another map, re-enables it (az's --status default) and keeps its passwords", async function () {
    const token = await cli.json<AzToken>(["acr", "token", "update", ...base(), "--name", names.tokRepo, "--scope-map", names.map]);
    assert.match(token.scopeMapId, new RegExp(`/registries/${registry}/scopeMaps/${names.map}$`, "i"));
    // az 2.45 sends status "enabled" with every update unless --status is given (research note §4).
    assert.equal(token.status, "enabled");
    const held = await sdk.tokens.get(resourceGroup, registry, names.tokRepo);
    assert.match(held.scopeMapId ?? "", new RegExp(`/scopeMaps/${names.map}$`, "i"));
    assert.deepEqual(
      held.credentials?.passwords?.map((p) => p.name),
      seen.repoPasswords?.map((p) => p.name),
      "token update --scope-map dropped passwords",
    );
  });

  peer("credential generate --password1: generates only password1, which the emulator now holds", async function () {
    const generated = await cli.json<AzGenerated>(["acr", "token", "credential", "generate", ...base(), "--name", names.tokNoPw, "--password1"]);
    remember(generated.passwords);
    assert.equal(generated.username, names.tokNoPw);
    assert.deepEqual(generated.passwords.map((p) => p.name), ["password1"]);
    assert.ok(isAcrPasswordFormat(generated.passwords[0].value ?? ""), "password1 value does not have an ACR password format");
    const held = await sdk.tokens.get(resourceGroup, registry, names.tokNoPw);
    assert.deepEqual(held.credentials?.passwords?.map((p) => p.name), ["password1"]);
    assert.equal(held.credentials?.passwords?.[0].creationTime?.getTime(), Date.parse(generated.passwords[0].creationTime ?? ""));
  });

  peer("credential generate (no slot): regenerates both passwords at the emulator's current time", async function () {
    const now = emulator.clock.advance({ minutes: 7 });
    const generated = await cli.json<AzGenerated>(["acr", "token", "credential", "generate", ...base(), "--name", names.tokNoPw]);
    remember(generated.passwords);
    assert.deepEqual(generated.passwords.map((p) => p.name), ["password1", "password2"]);
    for (const p of generated.passwords) {
      assert.ok(isAcrPasswordFormat(p.value ?? ""), `${p.name} value does not have an ACR password format`);
      assert.ok(Math.abs(Date.parse(p.creationTime ?? "") - now.getTime()) < 60_000, `${p.name} creationTime ${p.creationTime} does not follow the emulator clock (${now.toISOString()})`);
    }
    assert.ok(generated.passwords[0].value !== generated.passwords[1].value, "both passwords have the same value");
    const held = await sdk.tokens.get(resourceGroup, registry, names.tokNoPw);
    assert.deepEqual(
      held.credentials?.passwords?.map((p) => ({ name: p.name, creationTime: p.creationTime?.getTime() })),
      generated.passwords.map((p) => ({ name: p.name, creationTime: Date.parse(p.creationTime ?? "") })),
    );
    seen.password2Created = generated.passwords[1].creationTime;
  });

  peer("credential delete --password1: removes password1 and leaves password2 untouched", async function () {
    const token = await cli.json<AzToken>(["acr", "token", "credential", "delete", ...base(), "--name", names.tokNoPw, "--password1"]);
    assert.deepEqual(token.credentials.passwords.map((p) => p.name), ["password2"]);
    const held = await sdk.tokens.get(resourceGroup, registry, names.tokNoPw);
    assert.deepEqual(
      held.credentials?.passwords?.map((p) => ({ name: p.name, creationTime: p.creationTime?.getTime() })),
      [{ name: "password2", creationTime: Date.parse(seen.password2Created ?? "") }],
    );
  });

  peer("token delete: removes the token; token show then exits with code 3", async function () {
    const deleted = await cli.run(["acr", "token", "delete", ...base(), "--name", names.tokOff, "--yes"]);
    assert.equal(deleted.code, 0, `az acr token delete exited ${deleted.code}`);
    await assert.rejects(sdk.tokens.get(resourceGroup, registry, names.tokOff), (e: { statusCode?: number }) => e.statusCode === 404);
    const shown = await cli.run(["acr", "token", "show", ...base(), "--name", names.tokOff]);
    assert.equal(shown.code, 3, `az acr token show of a deleted token exited ${shown.code}, expected 3 (resource not found)`);
    assert.match(shown.stderr, /ResourceNotFound/);
  });

  peer("scope-map delete: removes an unused map; scope-map show then exits with code 3", async function () {
    await cli.json<AzScopeMap>(["acr", "scope-map", "create", ...base(), "--name", names.spare, "--repository", "spare", "content/read"]);
    const deleted = await cli.run(["acr", "scope-map", "delete", ...base(), "--name", names.spare, "--yes"]);
    assert.equal(deleted.code, 0, `az acr scope-map delete exited ${deleted.code}`);
    await assert.rejects(sdk.scopeMaps.get(resourceGroup, registry, names.spare), (e: { statusCode?: number }) => e.statusCode === 404);
    const shown = await cli.run(["acr", "scope-map", "show", ...base(), "--name", names.spare]);
    assert.equal(shown.code, 3, `az acr scope-map show of a deleted map exited ${shown.code}, expected 3`);
  });

  peer("leaves no generated password in the emulator's request log", async function () {
    assert.ok(secrets.size >= 7, `expected the passwords of earlier tests, got ${secrets.size}`);
    const log = JSON.stringify(emulator.requests);
    assert.ok(emulator.requests.length > 0, "the emulator logged no requests");
    const leaked = [...secrets].filter((v) => log.includes(v)).length;
    assert.equal(leaked, 0, `${leaked} generated password value(s) appear in the emulator's request log`);
  });
});
