/**
 * Run by managedIdentity.test.ts in a child process: asks `ManagedIdentityCredential` (App Service
 * source, from IDENTITY_ENDPOINT/IDENTITY_HEADER in this process's environment) for ARM tokens, one
 * scenario after another, shows each token to the test server's ARM probe, and prints one JSON line of
 * non-secret facts. A separate process because MSAL keeps the first managed-identity source it builds
 * (endpoint and HTTP client, hence the trusted CA) in a static for the life of the process: in the
 * mocha process, every later managed-identity test would be pinned to the first server used.
 *
 * argv[2]: JSON array of {@link Scenario}; env ACR_TOKENS_TEST_CA: the server's certificate (PEM);
 * env ACR_TOKENS_TEST_PROBE: the ARM probe URL.
 */
import { request } from "node:https";
import { ManagedIdentityCredential } from "@azure/identity";

export interface Scenario {
  clientId?: string;
  resourceId?: string;
  objectId?: string;
  scope: string;
}

export type Outcome =
  | { ok: true; claims: Record<string, unknown>; expiresOnTimestamp: number; probe: { status: number; body: unknown } }
  | { ok: false; name: string; message: string };

function probe(url: string, ca: string, token: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { authorization: `Bearer ${token}` }, ca, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown }));
    });
    req.on("error", reject);
    req.end();
  });
}

async function run(scenario: Scenario, ca: string, probeUrl: string): Promise<Outcome> {
  const { scope, ...id } = scenario;
  const credential = new ManagedIdentityCredential({
    ...(id.clientId ? { clientId: id.clientId } : id.resourceId ? { resourceId: id.resourceId } : { objectId: id.objectId ?? "" }),
    tlsOptions: { ca },
    retryOptions: { maxRetries: 0 },
  });
  try {
    const token = await credential.getToken(scope);
    const payload = token.token.split(".")[1] ?? "";
    return {
      ok: true,
      claims: JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>,
      expiresOnTimestamp: token.expiresOnTimestamp,
      probe: await probe(probeUrl, ca, token.token),
    };
  } catch (e) {
    const err = e as Error;
    return { ok: false, name: err.name, message: err.message };
  }
}

async function main(): Promise<void> {
  const ca = process.env.ACR_TOKENS_TEST_CA ?? "";
  const probeUrl = process.env.ACR_TOKENS_TEST_PROBE ?? "";
  const scenarios = JSON.parse(process.argv[2] ?? "[]") as Scenario[];
  const outcomes: Outcome[] = [];
  for (const s of scenarios) outcomes.push(await run(s, ca, probeUrl));
  process.stdout.write(`${JSON.stringify(outcomes)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`managedIdentityChild: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
