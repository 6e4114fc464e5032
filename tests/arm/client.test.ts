import * as assert from "node:assert/strict";
import { createHttpHeaders, createPipelineRequest, type PipelineResponse, type SendRequest } from "@azure/core-rest-pipeline";
import * as https from "node:https";
import * as tls from "node:tls";
import { ContainerRegistryManagementClient } from "@azure/arm-containerregistry";
import { backoffMs, retryAfterMs, retrySettings, throttleGuardPolicy, timeoutPolicy, tlsAgentPolicy } from "../../components/arm/client";
import { emulatorCredential, useEmulator } from "../../testing/emulator";

function response(status: number, headers: Record<string, string> = {}, request = createPipelineRequest({ url: "https://127.0.0.1/x" })): PipelineResponse {
  return { status, headers: createHttpHeaders(headers), request };
}

/** The ARM client's retry settings and its two pipeline policies, in isolation (the fault suites drive them end to end). */
describe("ARM client: retry settings, throttle guard, per-request timeout", () => {
  it("reads the settings from the environment, with defaults", () => {
    assert.deepEqual(retrySettings({}), { retryDelayInMs: 800, maxRetryAfterSeconds: 60, timeoutMs: 120_000 });
    assert.deepEqual(
      retrySettings({ ACR_TOKENS_RETRY_DELAY_MS: "0", ACR_TOKENS_MAX_RETRY_AFTER_SECONDS: "5", ACR_TOKENS_ARM_TIMEOUT_MS: "2500" }),
      { retryDelayInMs: 0, maxRetryAfterSeconds: 5, timeoutMs: 2500 },
    );
  });

  it("refuses a setting that is not a whole number, naming the variable and a valid value", () => {
    assert.throws(() => retrySettings({ ACR_TOKENS_RETRY_DELAY_MS: "1s" }), /^Error: ACR_TOKENS_RETRY_DELAY_MS is "1s", which is not a whole number of milliseconds; set it to e\.g\. 800/);
    assert.throws(() => retrySettings({ ACR_TOKENS_ARM_TIMEOUT_MS: "0" }), /ACR_TOKENS_ARM_TIMEOUT_MS is "0", which is not a whole number of milliseconds of at least 1/);
    assert.throws(() => retrySettings({ ACR_TOKENS_MAX_RETRY_AFTER_SECONDS: "-1" }), /ACR_TOKENS_MAX_RETRY_AFTER_SECONDS is "-1"/);
  });

  it("describes, never quotes, a value that is not a duration's typo (a secret in the wrong variable)", () => {
    const secret = "hunter2!Pass#word";
    assert.throws(
      () => retrySettings({ ACR_TOKENS_ARM_TIMEOUT_MS: secret }),
      (err: Error) => {
        assert.match(err.message, /^ACR_TOKENS_ARM_TIMEOUT_MS is a 17-character value [^,]*\(not shown: it may be a secret\), which is not a whole number of milliseconds of at least 1/);
        assert.ok(!err.message.includes(secret), "the message quotes the value");
        return true;
      },
    );
  });

  it("reads Retry-After as the SDK does: milliseconds headers first, seconds, an HTTP date; only on 429/503", () => {
    assert.equal(retryAfterMs(response(429, { "retry-after": "7" })), 7000);
    assert.equal(retryAfterMs(response(503, { "retry-after-ms": "250", "retry-after": "7" })), 250);
    assert.equal(retryAfterMs(response(429, { "x-ms-retry-after-ms": "40" })), 40);
    assert.equal(retryAfterMs(response(429, { "retry-after": "Mon, 23 Nov 2026 03:00:10 GMT" }), Date.parse("2026-11-23T03:00:00Z")), 10_000);
    assert.equal(retryAfterMs(response(429)), undefined);
    assert.equal(retryAfterMs(response(500, { "retry-after": "7" })), undefined);
  });

  it("backs off exponentially within the upper half of each step, capped", () => {
    assert.equal(backoffMs(0, 800, () => 0), 400);
    assert.equal(backoffMs(2, 800, () => 1), 3200);
    assert.equal(backoffMs(20, 800, () => 1), 30_000);
    assert.equal(backoffMs(3, 0, () => 1), 0);
  });

  it("throttle guard: a Retry-After beyond the bound fails at once; a bare 429 is retried; others pass through", async () => {
    const policy = throttleGuardPolicy({ retryDelayInMs: 0, maxRetryAfterSeconds: 60 });
    const answers = (list: PipelineResponse[]): { next: SendRequest; sent: () => number } => {
      let i = 0;
      return { next: async () => list[Math.min(i++, list.length - 1)]!, sent: () => i };
    };
    const long = answers([response(429, { "retry-after": "3600", "x-ms-request-id": "req-1" })]);
    await assert.rejects(policy.sendRequest(createPipelineRequest({ url: "https://127.0.0.1/x" }), long.next), {
      name: "RetryAfterTooLongError",
      message: /ARM answered 429 \(x-ms-request-id req-1\) and asked to retry after 3600 s, longer than the 60 s this provider waits/,
    });
    assert.equal(long.sent(), 1);

    const bare = answers([response(429), response(429), response(200)]);
    assert.equal((await policy.sendRequest(createPipelineRequest({ url: "https://127.0.0.1/x" }), bare.next)).status, 200);
    assert.equal(bare.sent(), 3);

    const short = answers([response(429, { "retry-after": "1" }), response(200)]);
    assert.equal((await policy.sendRequest(createPipelineRequest({ url: "https://127.0.0.1/x" }), short.next)).status, 429, "left to the default policy's throttling strategy");
    assert.equal(short.sent(), 1);
  });

  it("timeout policy: aborts a silent attempt after the timeout and names the setting; a caller's own abort is not a timeout", async () => {
    const policy = timeoutPolicy(20);
    const request = createPipelineRequest({ url: "https://127.0.0.1/x", method: "GET" });
    const silent: SendRequest = (r) =>
      new Promise((_, reject) => r.abortSignal!.addEventListener("abort", () => reject(Object.assign(new Error("The operation was aborted."), { name: "AbortError" }))));
    await assert.rejects(policy.sendRequest(request, silent), {
      name: "ArmTimeoutError",
      message: /no answer from ARM to a GET request within 20 ms \(ACR_TOKENS_ARM_TIMEOUT_MS\)/,
    });
    assert.equal(request.abortSignal, undefined, "the caller's (absent) signal is put back");
    // A caller's own abort is not a timeout.
    const controller = new AbortController();
    const cancelled = createPipelineRequest({ url: "https://127.0.0.1/x", abortSignal: controller.signal });
    const pending = policy.sendRequest(cancelled, silent);
    controller.abort();
    await assert.rejects(pending, { name: "AbortError" });
  });

  it("timeout policy: no timer outlives its request, whether the attempt fails at once (connection refused) or succeeds", async () => {
    const policy = timeoutPolicy(120_000);
    // Every timer the policy starts is recorded; each must be cleared by the time the attempt settles.
    const live = new Set<unknown>();
    const realSet = globalThis.setTimeout;
    const realClear = globalThis.clearTimeout;
    globalThis.setTimeout = ((fn: () => void, ms?: number) => {
      const t = realSet(fn, ms);
      live.add(t);
      return t;
    }) as typeof setTimeout;
    globalThis.clearTimeout = ((t: NodeJS.Timeout) => {
      live.delete(t);
      realClear(t);
    }) as typeof clearTimeout;
    try {
      const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
      await assert.rejects(policy.sendRequest(createPipelineRequest({ url: "https://127.0.0.1:1/x" }), async () => Promise.reject(refused)), /ECONNREFUSED/);
      assert.equal(live.size, 0, "a failed attempt left its timeout timer running (the process would wait 120 s to exit)");
      await policy.sendRequest(createPipelineRequest({ url: "https://127.0.0.1/x" }), async (r) => response(200, {}, r));
      assert.equal(live.size, 0, "a successful attempt left its timer running");
    } finally {
      for (const t of live) realClear(t as NodeJS.Timeout);
      globalThis.setTimeout = realSet;
      globalThis.clearTimeout = realClear;
    }
  });
});

/** Extra trust (acr-tokens:caCertFile) reaches ARM requests through one agent whose TLS context is built once. */
describe("ARM client: the agent for extra trust", () => {
  const emulator = useEmulator();
  const pass: SendRequest = async (request) => ({ status: 200, headers: createHttpHeaders(), request });

  it("sets one keep-alive agent per trust settings object, with the trust in a secure context (not `ca`, which Node's pool name would join on every request), and keeps an agent already chosen (a proxy's)", async () => {
    const trust = { ca: tls.rootCertificates.slice(0, 3) };
    const first = createPipelineRequest({ url: "https://127.0.0.1/a" });
    const second = createPipelineRequest({ url: "https://127.0.0.1/b" });
    await tlsAgentPolicy(trust).sendRequest(first, pass);
    await tlsAgentPolicy(trust).sendRequest(second, pass);
    assert.ok(first.agent instanceof https.Agent, "the request must get an https.Agent");
    assert.equal(second.agent, first.agent, "the same trust settings must share one agent (one connection pool)");
    const options = (first.agent as https.Agent & { options: Record<string, unknown> }).options;
    assert.equal(options["keepAlive"], true);
    assert.equal(options["ca"], undefined, "the trust list must not be in the agent's options");
    assert.ok(options["secureContext"], "the trust must be in a secure context");

    const proxied = createPipelineRequest({ url: "https://127.0.0.1/c" });
    const proxyAgent = new https.Agent();
    proxied.agent = proxyAgent;
    await tlsAgentPolicy(trust).sendRequest(proxied, pass);
    assert.equal(proxied.agent, proxyAgent);
  });

  it("verifies the server against the extra trust: the emulator's CA is accepted, the default roots alone refuse it", async () => {
    const emu = emulator();
    const clientWith = (ca: string[]) => {
      const client = new ContainerRegistryManagementClient(emulatorCredential(emu), emu.subscriptionId, {
        endpoint: emu.armEndpoint,
        credentials: { scopes: ["https://management.azure.com/.default"] },
        retryOptions: { maxRetries: 0 },
      });
      client.pipeline.addPolicy(tlsAgentPolicy({ ca }));
      return client;
    };
    const list = async (client: ContainerRegistryManagementClient) => {
      for await (const _ of client.registries.list()) void _;
    };
    await list(clientWith([...tls.rootCertificates, emu.caCertPem]));
    await assert.rejects(list(clientWith([...tls.rootCertificates])), (err: Error & { code?: string }) => {
      assert.match(`${err.code ?? ""} ${err.message}`, /self[- ]signed|unable to verify|UNABLE_TO_VERIFY|SELF_SIGNED|certificate/i);
      return true;
    });
  });
});
