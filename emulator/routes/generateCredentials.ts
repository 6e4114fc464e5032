import { randomBytes } from "node:crypto";
import { expiryInPast, invalidBody, resourceNotFound } from "../errors";
import { idOf, tokenId } from "../ids";
import type { PasswordName, PasswordRecord, RegistryRecord } from "../store/types";
import { formatTicks, parseDateTime, ticksFromClock } from "../timestamps";
import { bodyObject, optionalString, type Route, type RouteContext, type RouteResult } from "./context";
import { childNameOf, REGISTRY_ROUTE, requireRegistry } from "./lookup";
import { checkSku } from "./scopeMaps";
import { passwordBody } from "./tokens";

/**
 * `POST {registry}/generateCredentials` (../shared/acr/README.md §3.4). Real traffic always got
 * 200 synchronously with `{username, passwords}`:
 * - no `name` → password1 and password2 are (re)generated, sharing one creationTime;
 * - one `name` → that one is (re)generated; the other existing one is listed without a value;
 * - no `expiry` → no `expiry` out; an expiry is echoed in offset form (`+00:00`, fraction trimmed);
 *   one at or before the emulator's now is refused;
 * - values appear only in this response and are never stored.
 */

const PASSWORD_NAMES: readonly PasswordName[] = ["password1", "password2"];

/**
 * A password value shaped like the service's since late 2023: 52 base64-alphabet characters
 * with the literal `+ACR` at index 42–45, from a CSPRNG.
 */
function newPasswordValue(): string {
  const chars = randomBytes(36).toString("base64");
  return `${chars.slice(0, 42)}+ACR${chars.slice(42, 48)}`;
}

function generate(ctx: RouteContext): RouteResult {
  const reg = requireRegistry(ctx, true);
  checkSku(ctx, reg);
  const body = bodyObject(ctx);
  const tokenIdIn = optionalString(body, "tokenId", "tokenId");
  if (tokenIdIn === undefined) throw invalidBody("'tokenId' is required: pass the ARM id of a token of this registry.", "tokenId");
  const tokenName = childNameOf(reg, tokenIdIn, "tokens", "token", "tokenId");
  const name = optionalString(body, "name", "name");
  if (name !== undefined && !PASSWORD_NAMES.includes(name as PasswordName)) {
    throw invalidBody(`'name' must be "password1" or "password2", got "${name}". Omit it to generate both.`, "name");
  }
  const expiryIn = optionalString(body, "expiry", "expiry");
  let expiry: string | undefined;
  if (expiryIn !== undefined) {
    const t = parseDateTime(expiryIn);
    if (!t) throw invalidBody(`'expiry' '${expiryIn}' is not an RFC 3339 date-time such as 2030-01-01T00:00:00Z.`, "expiry");
    if (t.ms <= ctx.env.clock.now().getTime()) throw expiryInPast(expiryIn);
    expiry = formatTicks(t);
  }
  const id = tokenId(idOf.registry(reg), tokenName);
  ctx.env.operations.settle(id);
  const token = ctx.env.store.tokens.get(id);
  // UNCERTAIN: not recorded; a missing token answers ACR's ResourceNotFound as a GET would.
  if (!token) throw resourceNotFound(tokenName);

  const targets: PasswordName[] = name === undefined ? [...PASSWORD_NAMES] : [name as PasswordName];
  const creationTime = formatTicks(ticksFromClock(ctx.env.clock.now()));
  const values = new Map<PasswordName, string>();
  const passwords: PasswordRecord[] = [];
  for (const n of PASSWORD_NAMES) {
    if (targets.includes(n)) {
      const p: PasswordRecord = { name: n, creationTime };
      if (expiry !== undefined) p.expiry = expiry;
      passwords.push(p);
      values.set(n, newPasswordValue());
    } else {
      const existing = token.passwords.find((p) => p.name === n);
      if (existing) passwords.push(existing);
    }
  }
  const apply = (): void => {
    ctx.env.store.tokens.put(id, { ...token, passwords });
    for (const [n, value] of values) ctx.env.passwords?.record(id, n, creationTime, value);
  };
  const result = {
    username: token.name,
    passwords: passwords.map((p) => {
      const value = values.get(p.name);
      return value === undefined ? passwordBody(p) : { ...passwordBody(p), value };
    }),
  };
  if (ctx.env.generateCredentials !== "accepted") {
    apply();
    return { status: 200, body: result };
  }
  return accepted(ctx, reg, id, apply, result);
}

/**
 * The REST spec's other answer (never recorded): 202 + `Location` on the registry's
 * `operationStatuses/registries-{uuid}` (as the spec example), polled to 200 with the result. The
 * passwords change when the operation succeeds (on its last poll, or when a request reads the token).
 */
function accepted(ctx: RouteContext, reg: RegistryRecord, tokenId: string, apply: () => void, result: unknown): RouteResult {
  const op = ctx.env.operations.start({
    prefix: "registries",
    resourceId: tokenId,
    inProgress: "Updating",
    polls: ctx.env.inProgressPolls,
    failed: ctx.lroFailed,
    finish: (outcome) => {
      if (outcome === "Succeeded") apply();
    },
    result,
    statusUnder: idOf.registry(reg),
  });
  const headers: Record<string, string> = { Location: `${ctx.origin}${idOf.registry(reg)}/operationStatuses/${op.id}?api-version=${ctx.apiVersion}` };
  if (ctx.env.retryAfterSeconds !== undefined) headers["Retry-After"] = String(ctx.env.retryAfterSeconds);
  return { status: 202, body: null, headers };
}

export const generateCredentialsRoutes: Route[] = [
  {
    method: "POST",
    pattern: `${REGISTRY_ROUTE}/generateCredentials`,
    family: "tokens",
    operation: "registries.generateCredentials",
    action: "Microsoft.ContainerRegistry/registries/generateCredentials/action",
    takesBody: true,
    handler: generate,
  },
];
