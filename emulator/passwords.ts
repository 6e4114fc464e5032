import { createHash, timingSafeEqual } from "node:crypto";
import type { Clock } from "./clock";
import { parseDateTime } from "./timestamps";
import type { EmulatorStore, PasswordName } from "./store/types";

/**
 * What a `docker login` with a token's password would find: the registry's data plane is not
 * emulated, so this stands in for it. The real service answers a login with the token name and a
 * password by checking the token's current passwords; the emulator keeps, in memory only, the
 * SHA-256 of each password it generated, next to the slot's `creationTime` at generation. A password
 * authenticates when the token exists and is enabled, a slot still holds the very password generated
 * then (same `creationTime`: not regenerated or removed since), and its expiry has not passed on the
 * emulator's clock. With a replication delay (the service documents up to 60 s before a regenerated
 * password works), a password authenticates only once its slot's `creationTime` plus the delay has
 * passed on the emulator's clock. No value is ever kept, and digests never reach the store or a `--state` file
 * (so after a restart from a state file, earlier passwords no longer authenticate).
 */
export type PasswordCheck =
  | { ok: true; slot: PasswordName }
  | { ok: false; reason: "token-not-found" | "token-disabled" | "no-matching-password" | "expired" | "not-replicated" };

interface Digest {
  creationTime: string;
  sha256: Buffer;
}

function sha256(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

/** SHA-256 digests of generated passwords by token id and slot (in memory only). */
export class PasswordDigests {
  private readonly digests = new Map<string, Digest>();

  /** Records a freshly generated password (called by generateCredentials). */
  record(tokenId: string, slot: PasswordName, creationTime: string, value: string): void {
    this.digests.set(`${tokenId.toLowerCase()}|${slot}`, { creationTime, sha256: sha256(value) });
  }

  /** Whether `password` would log in as the token `tokenId` now (see {@link PasswordCheck}). */
  check(store: EmulatorStore, clock: Clock, tokenId: string, password: string, replicationDelayMs = 0): PasswordCheck {
    const token = store.tokens.get(tokenId);
    if (!token) return { ok: false, reason: "token-not-found" };
    const given = sha256(password);
    for (const p of token.passwords) {
      const d = this.digests.get(`${tokenId.toLowerCase()}|${p.name}`);
      if (!d || d.creationTime !== p.creationTime || !timingSafeEqual(d.sha256, given)) continue;
      if (token.status !== "enabled") return { ok: false, reason: "token-disabled" };
      const expiry = p.expiry !== undefined ? parseDateTime(p.expiry) : undefined;
      if (expiry && expiry.ms <= clock.now().getTime()) return { ok: false, reason: "expired" };
      const created = parseDateTime(p.creationTime);
      if (replicationDelayMs > 0 && created && created.ms + replicationDelayMs > clock.now().getTime()) return { ok: false, reason: "not-replicated" };
      return { ok: true, slot: p.name };
    }
    return { ok: false, reason: "no-matching-password" };
  }
}
