/**
 * A Pulumi program declaring N RegistryTokens, each with an inline scope map (one repository, two
 * actions), run under the mock runtime (`pulumi.runtime.setMocks`, an update, not a preview). Run in
 * a child process by bench/imports.ts against the compiled package, so its RSS is its own:
 * `node mocksProgram.js <compiled components/index.js | bare> <count>`; `bare` declares the same
 * scope maps and tokens with `@pulumi/azure-native/containerregistry` directly (the baseline: what a
 * program without this package declares for the same tokens). Prints one JSON line
 * {seconds, peakRssMiB, resources}; `seconds` runs from process start (Node boot and imports
 * included) until every registration has been answered.
 */
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import * as pulumi from "@pulumi/pulumi";

const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";

async function main(): Promise<void> {
  const [entry, countText] = process.argv.slice(2);
  const count = Number(countText);
  if (!entry || !Number.isInteger(count) || count < 1) throw new Error("usage: mocksProgram.js <compiled components/index.js | bare> <count>");
  let resources = 0;
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        resources++;
        const inputs = args.inputs as Record<string, unknown>;
        const registry = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${String(inputs["resourceGroupName"])}/providers/Microsoft.ContainerRegistry/registries/${String(inputs["registryName"])}`;
        const { __provider: _provider, ...state } = inputs;
        switch (args.type) {
          case "azure-native:containerregistry:ScopeMap":
            return { id: `${registry}/scopeMaps/${String(inputs["scopeMapName"])}`, state: { ...state, name: inputs["scopeMapName"] } };
          case "azure-native:containerregistry:Token":
            return { id: `${registry}/tokens/${String(inputs["tokenName"])}`, state: { ...state, name: inputs["tokenName"] } };
          default:
            return { id: `${args.name}-id`, state };
        }
      },
      call(args) {
        if (args.token === "azure-native:containerregistry:getRegistry") {
          const { registryName, resourceGroupName } = args.inputs as { registryName: string; resourceGroupName: string };
          return {
            id: `/subscriptions/${SUBSCRIPTION}/resourceGroups/${resourceGroupName}/providers/Microsoft.ContainerRegistry/registries/${registryName}`,
            name: registryName,
            loginServer: `${registryName.toLowerCase()}.azurecr.io`,
          };
        }
        throw new Error(`Mock call not implemented: ${args.token}`);
      },
    },
    "bench",
    "bench",
    false,
  );
  let ids: pulumi.Output<string>[];
  if (entry === "bare") {
    ids = Array.from({ length: count }, (_, i) => {
      const common = { registryName: "benchregistry", resourceGroupName: "rg-bench" };
      const map = new containerregistry.ScopeMap(`token-${i}-scope-map`, { ...common, scopeMapName: `token-${i}-scope-map`, actions: [`repositories/app-${i}/content/read`, `repositories/app-${i}/metadata/read`] });
      return new containerregistry.Token(`token-${i}`, { ...common, tokenName: `token-${i}`, scopeMapId: map.id, status: "enabled" }).id;
    });
  } else {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { RegistryToken } = require(entry) as typeof import("../components");
    ids = Array.from(
      { length: count },
      (_, i) =>
        new RegistryToken(`token-${i}`, {
          registryName: "benchregistry",
          resourceGroupName: "rg-bench",
          repositories: { [`app-${i}`]: ["content/read", "metadata/read"] },
        }).id,
    );
  }
  const known = await new Promise<string[]>((resolve) => pulumi.all(ids).apply(resolve));
  if (known.length !== count || known.some((id) => !/\/tokens\/token-\d+$/.test(id))) throw new Error("not every token got an id");
  await pulumi.runtime.disconnect();
  const seconds = performance.now() / 1000;
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ seconds, peakRssMiB, resources })}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`mocks program: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
