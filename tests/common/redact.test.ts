import * as assert from "node:assert/strict";
import { secretSamples } from "./secretSamples";
import { describe as describeValue, describeBody, looksSecret, redactError, refuseNetworkDebug, rememberEnvSecrets, rememberSecret, scrub, show } from "../../components/common/redact";

describe("redaction: the one rule every message goes through", () => {
  it("scrubs every generated secret out of free text, wherever it sits in the sentence", () => {
    const frames = [
      (s: string) => `Unexpected token in JSON at position 12: {"passwords":[{"name":"password1","value":"${s}"`,
      (s: string) => `AADSTS700016: Application with identifier '${s}' was not found in the directory 'contoso'.`,
      (s: string) => `The header was Authorization: Bearer ${s} and more`,
      (s: string) => `authorization=${s}`,
      (s: string) => `{"authorization":"${s}"}`,
      (s: string) => `trailing bytes after ${s}`,
      (s: string) => `${s}`,
      (s: string) => `(${s})`,
      (s: string) => `https://user:${s}@example.invalid/path`,
    ];
    const leaks: string[] = [];
    for (const { kind, value } of secretSamples(10)) {
      for (const [i, frame] of frames.entries()) {
        const text = scrub(frame(value));
        // The whole value and any 12-character part of it (for a JWT: each part).
        const parts = kind === "JWT" ? value.split(".") : [value];
        for (const part of parts) for (let at = 0; at + 12 <= part.length; at += 6) if (text.includes(part.slice(at, at + 12))) leaks.push(`${kind} in frame ${i}`);
      }
    }
    assert.deepEqual([...new Set(leaks)], []);
  });

  it("keeps what a message needs: ARM codes, resource ids, GUIDs, dates, commands, setting names", () => {
    const keep = [
      "ResourceNotFound: The Resource 'Microsoft.ContainerRegistry/registries/myregistry/tokens/ci-pull' under resource group 'rg-ci' was not found.",
      "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/my-rg2/providers/Microsoft.ContainerRegistry/registries/myregistry",
      "x-ms-request-id 0a1b2c3d-0000-1111-2222-333344445555 at 2026-11-23T01:02:03Z",
      "Get a new one: 'export ACR_TOKENS_ACCESS_TOKEN=\"$(az account get-access-token --resource https://management.azure.com/ --query accessToken -o tsv)\"'.",
      "InvalidAuthenticationTokenTenant: The access token is from the wrong issuer 'https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/'.",
      "for request logs use AZURE_LOG_LEVEL=verbose, which redacts headers; the Authorization bearer token is never printed",
    ];
    for (const text of keep) assert.equal(scrub(text), text);
  });

  it("removes user:password@ from URLs, PEM blocks and remembered secrets of any shape", () => {
    assert.equal(scrub("at https://alice:hunter2@arm.example/x"), "at https://[credentials removed]@arm.example/x");
    assert.equal(scrub("key -----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY----- end"), "key [a PEM block removed] end");
    rememberSecret("shortpw1");
    assert.equal(scrub("it said shortpw1."), "it said [an 8-character secret removed].");
    assert.ok(!show("shortpw1").includes("shortpw1"));
  });

  it("remembers an environment secret that changed, and again after the bounded set was emptied", () => {
    // The fast paths (a value seen last time is skipped) must never skip a value that is not in the set.
    const env: NodeJS.ProcessEnv = { AZURE_CLIENT_SECRET: "first~secret~value~0001" };
    rememberEnvSecrets(env);
    rememberEnvSecrets(env);
    assert.equal(scrub("x first~secret~value~0001 y"), "x [a 23-character secret removed] y");
    env.AZURE_CLIENT_SECRET = "second~secret~value~002";
    rememberEnvSecrets(env);
    assert.equal(scrub("x second~secret~value~002 y"), "x [a 23-character secret removed] y");
    // More than the bound (10,000) of generated passwords empties the set; the same environment is remembered again.
    for (let i = 0; i <= 10_001; i++) rememberSecret(`generated-password-${i}`);
    rememberEnvSecrets(env);
    assert.equal(scrub("x second~secret~value~002 y"), "x [a 23-character secret removed] y");
    // The same token handed twice in a row after the clear is still in the set.
    rememberSecret("token-handed-every-call-01");
    for (let i = 0; i <= 10_001; i++) rememberSecret(`generated-password-b-${i}`);
    rememberSecret("token-handed-every-call-01");
    rememberSecret("token-handed-every-call-01");
    assert.equal(scrub("x token-handed-every-call-01 y"), "x [a 26-character secret removed] y");
  });

  it("describes values by shape, never by content; quotes only allow-listed shapes", () => {
    for (const { value } of secretSamples(3)) {
      assert.ok(!describeValue(value).includes(value.slice(0, 8)));
      assert.ok(!show(value).includes(value.slice(0, 8)), `show quoted a secret-shaped value`);
      assert.equal(looksSecret(value), true);
    }
    assert.equal(show("content/read"), '"content/read"');
    assert.equal(show("hunter2", { shape: /^\d+$/ }), "a 7-character value");
    assert.equal(show("a\u200bb"), "a 3-character value with invisible or control characters in it");
    assert.equal(describeValue(""), "an empty value");
    assert.equal(describeBody('{"passwords":[{"value":"x"'), "a 26-character body that is not valid JSON");
  });

  it("redactError scrubs the message, the stack and the cause chain in place", () => {
    const secret = secretSamples(1)[0]!.value;
    const err = new Error(`outer ${secret}`, { cause: new Error(`inner ${secret}`) });
    redactError(err);
    assert.ok(!err.message.includes(secret) && !(err.stack ?? "").includes(secret));
    assert.ok(!(err.cause as Error).message.includes(secret));
  });

  it("refuses NODE_DEBUG sections that print request headers, and only those", () => {
    for (const v of ["http", "https", "HTTP2", "net", "tls", "fs,https", "*", "ht*", "undici"]) {
      assert.throws(() => refuseNetworkDebug({ NODE_DEBUG: v }), { name: "NetworkDebugError" }, v);
    }
    for (const v of ["", "fs", "module,timer", "esm"]) assert.doesNotThrow(() => refuseNetworkDebug({ NODE_DEBUG: v }), v);
  });
});
