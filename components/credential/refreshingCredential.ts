import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";

/**
 * Token reuse for one process: every resource of a run shares one token per scope, and a new one is
 * fetched ahead of expiry with a randomized margin, as AzSessions.jl does (`rand(300:600)` seconds),
 * so CI jobs started together do not all ask the authority at the same second an hour later.
 *
 * Why hand-written: the SDK's bearer policy caches per client (each ARM client would acquire its own
 * token) and refreshes at a fixed 2 minutes before expiry; MSAL's cache refreshes at a fixed 5 minutes.
 * Neither counts acquisitions, which the providers and the benchmark report.
 *
 * MSAL pitfall handled here: asked again before its own 5-minute window, an @azure/identity credential
 * returns the same cached token without any network call. So when a refresh gets back the token it
 * already had, the wrapper builds a new credential (its MSAL cache is empty) and asks that one. The
 * managed-identity cache is process-global in MSAL, so there a new instance gets the same token too;
 * the wrapper then keeps the token and asks again a minute later, until MSAL lets go of it.
 */

/** Options of {@link RefreshingCredential}. */
export interface RefreshingCredentialOptions {
  /** Builds the underlying credential; called on first use, and again to get past the SDK's own cache (see above). */
  create: () => TokenCredential | Promise<TokenCredential>;
  /** Current time (the module's `currentTime`). */
  now: () => Date;
  /** Uniform in [0, 1). Default Math.random; tests pin it. */
  random?: () => number;
  /** Smallest refresh margin before expiry, ms. Default 5 min. */
  minMarginMs?: number;
  /** Largest refresh margin before expiry, ms. Default 10 min. */
  maxMarginMs?: number;
  /** Turns an underlying failure into the error callers see (e.g. "No Azure credential: …"). Default: rethrow. */
  describeFailure?: (error: unknown) => Error;
}

/** How long to wait before asking the underlying credential again after a refresh that got nothing new. */
export const RETRY_AFTER_MS = 60_000;

interface Entry {
  token: AccessToken;
  /** When to ask the underlying credential again (ms). */
  refreshAt: number;
}

/** A caching, refresh-ahead `TokenCredential` wrapper with a single in-flight acquisition per scope. */
export class RefreshingCredential implements TokenCredential {
  // ES private fields: `util.inspect` (a debug log of a resolved credential) and `JSON.stringify` show
  // neither the cached tokens nor the underlying credential, which may hold a client secret.
  /** Built on first use, so that a constructor's "not configured" error is reported like a getToken failure. */
  #underlying: TokenCredential | undefined;
  readonly #entries = new Map<string, Entry>();
  readonly #pending = new Map<string, Promise<AccessToken>>();
  #count = 0;

  constructor(private readonly options: RefreshingCredentialOptions) {}

  /** Tokens obtained from the underlying credential that differ from the one already cached (network acquisitions). */
  get acquisitions(): number {
    return this.#count;
  }

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    const list = Array.isArray(scopes) ? [...scopes] : [scopes];
    const key = JSON.stringify([[...list].sort(), options?.tenantId ?? null, options?.claims ?? null]);
    const entry = this.#entries.get(key);
    if (entry && this.now() < entry.refreshAt) return entry.token;
    let pending = this.#pending.get(key);
    if (!pending) {
      pending = this.acquire(key, list, options, entry).finally(() => this.#pending.delete(key));
      this.#pending.set(key, pending);
    }
    return pending;
  }

  private now(): number {
    return this.options.now().getTime();
  }

  private async acquire(key: string, scopes: string[], options: GetTokenOptions | undefined, previous: Entry | undefined): Promise<AccessToken> {
    // One acquisition serves every caller waiting on it, so no single caller's abort signal may cancel it.
    const { abortSignal: _ignored, ...requestOptions }: GetTokenOptions = options ?? {};
    let token: AccessToken | null;
    try {
      this.#underlying ??= await this.options.create();
      token = await this.#underlying.getToken(scopes, requestOptions);
      if (token && previous && token.token === previous.token.token) {
        this.#underlying = await this.options.create();
        token = await this.#underlying.getToken(scopes, requestOptions);
      }
      if (!token) throw new Error(`The credential returned no token for ${scopes.join(" ")}.`);
    } catch (error) {
      const now = this.now();
      // A failed early refresh is not fatal while the cached token is still valid: serve it, try again later.
      if (previous && now < previous.token.expiresOnTimestamp) {
        previous.refreshAt = Math.min(now + RETRY_AFTER_MS, previous.token.expiresOnTimestamp);
        previous.token = { ...previous.token, refreshAfterTimestamp: previous.refreshAt };
        return previous.token;
      }
      throw this.options.describeFailure ? this.options.describeFailure(error) : error;
    }

    const now = this.now();
    const fresh = !previous || token.token !== previous.token.token;
    let refreshAt: number;
    if (fresh) {
      this.#count++;
      const min = this.options.minMarginMs ?? 300_000;
      const max = this.options.maxMarginMs ?? 600_000;
      const margin = min + (this.options.random ?? Math.random)() * (max - min);
      // A short-lived token (lifetime under twice the margin) is refreshed at half its life instead.
      refreshAt = token.expiresOnTimestamp - Math.min(margin, (token.expiresOnTimestamp - now) / 2);
      if (token.refreshAfterTimestamp !== undefined) refreshAt = Math.min(refreshAt, token.refreshAfterTimestamp);
    } else {
      refreshAt = Math.min(now + RETRY_AFTER_MS, token.expiresOnTimestamp);
    }
    // The pipeline's bearer policy keeps a token until 2 minutes before expiry unless told otherwise:
    // `refreshAfterTimestamp` makes it come back here at our randomized moment.
    const served: AccessToken = { ...token, refreshAfterTimestamp: refreshAt };
    this.#entries.set(key, { token: served, refreshAt });
    return served;
  }
}
