/**
 * Run by tests/credential/emulator.test.ts in a child process: resolves the managed-identity credential
 * from this process's environment, asks it for tokens and lists registries with the ARM client as the
 * providers build it, then prints one JSON line of non-secret facts. A separate process because MSAL
 * keeps the first managed-identity source it builds (endpoint and HTTP client) in a static for the
 * life of the process: an in-process test would pin every later managed-identity test to its emulator.
 */
import { ContainerRegistryManagementClient } from "@azure/arm-containerregistry";
import { resolveCredential } from "../../components/credential";

async function main(): Promise<void> {
  const resolved = await resolveCredential({ env: process.env });
  const tokens = await Promise.all([1, 2, 3].map(() => resolved.credential.getToken(resolved.scopes)));
  const client = new ContainerRegistryManagementClient(resolved.credential, resolved.subscriptionId!, {
    endpoint: resolved.armEndpoint,
    credentials: { scopes: resolved.scopes },
    ...(resolved.tlsOptions ? { tlsOptions: resolved.tlsOptions } : {}),
    retryOptions: { maxRetries: 0 },
  });
  let listed = 0;
  for (let i = 0; i < 2; i++) for await (const _ of client.registries.list()) listed++;
  process.stdout.write(
    `${JSON.stringify({
      kind: resolved.kind,
      source: resolved.source,
      acquisitions: resolved.acquisitions,
      sameToken: tokens.every((t) => t?.token === tokens[0]?.token),
      listed,
    })}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}\n`);
  process.exit(1);
});
