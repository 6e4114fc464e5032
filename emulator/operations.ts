import { randomUUID } from "node:crypto";
import type { Clock } from "./clock";

/**
 * Long-running operations as ACR runs them (../shared/acr/README.md §4): PUT/PATCH answer 201
 * (or 200) with `Azure-AsyncOperation` pointing at `{resource}/operationStatuses/{id}`, whose GET
 * says `{"status":"Creating"|"Updating"}` for a configurable number of polls and then
 * `{"status":"Succeeded"}`; DELETE answers 202 with `Location` pointing at a
 * subscription+region `operationResults/{id}` URL whose GET answers 200 with an empty body.
 *
 * An operation also completes when any other request reads or writes its resource: the real
 * service finishes in about a second whether or not anyone polls, so a client that skips polling
 * sees the final state on its next GET instead of a resource stuck in `Creating`.
 */

export type OperationStatus = "Creating" | "Updating" | "Deleting" | "Succeeded" | "Failed";

export interface Operation {
  /**
   * `token-{uuid}` or `registries-{uuid}` (real traffic uses `token-` for scope maps too);
   * `connectedRegistries-{uuid}` for a connected registry's deactivate (UNCERTAIN: never recorded).
   */
  id: string;
  /** ARM id of the resource the operation works on (the status URL lives under it). */
  resourceId: string;
  /** Status reported while in progress. */
  inProgress: "Creating" | "Updating" | "Deleting";
  /** In-progress polls left before the outcome is reported. */
  pollsLeft: number;
  outcome: "Succeeded" | "Failed";
  /** Set once the outcome has been applied. */
  done: boolean;
  startTime: Date;
  /** Applies the outcome to the store (e.g. sets provisioningState). */
  finish: (outcome: "Succeeded" | "Failed") => void;
  /**
   * For a `Location`-polled operation that ends with a body (generateCredentials answered 202): the
   * body its status URL answers with 200 once done. It may hold password values: memory only, never
   * persisted, dropped when the operation is forgotten.
   */
  result?: unknown;
  /** ARM id whose `operationStatuses/{id}` URL serves the operation, when not `resourceId` (generateCredentials: the registry). */
  statusUnder?: string;
}

export class OperationTracker {
  private readonly ops = new Map<string, Operation>();
  /** Operations not done yet, by lower-cased resource id: `settle` runs on most requests and must not scan every operation. */
  private readonly pending = new Map<string, Set<Operation>>();

  /**
   * @param clock - The emulator clock (operation start times).
   * @param limit - Most operations remembered; the oldest are forgotten beyond it (completed first
   *   when still pending), so a long-running emulator does not grow without bound (a status URL older
   *   than that answers 404).
   */
  constructor(
    private readonly clock: Clock,
    private readonly limit = 10_000,
  ) {}

  /** Starts an operation; `polls` in-progress answers precede the outcome. */
  start(o: {
    prefix: "token" | "registries" | "connectedRegistries";
    resourceId: string;
    inProgress: Operation["inProgress"];
    polls: number;
    failed: boolean;
    finish: Operation["finish"];
    result?: unknown;
    statusUnder?: string;
  }): Operation {
    const op: Operation = {
      id: `${o.prefix}-${randomUUID()}`,
      resourceId: o.resourceId,
      inProgress: o.inProgress,
      pollsLeft: o.polls,
      outcome: o.failed ? "Failed" : "Succeeded",
      done: false,
      startTime: this.clock.now(),
      finish: o.finish,
      ...(o.result !== undefined ? { result: o.result } : {}),
      ...(o.statusUnder !== undefined ? { statusUnder: o.statusUnder } : {}),
    };
    this.ops.set(op.id.toLowerCase(), op);
    const key = op.resourceId.toLowerCase();
    let set = this.pending.get(key);
    if (!set) this.pending.set(key, (set = new Set()));
    set.add(op);
    // Forget the oldest beyond the limit, completing it first if nobody polled it (the service
    // finishes in about a second): O(1) per start, however many operations were never polled.
    while (this.ops.size > this.limit) {
      const [key, old] = this.ops.entries().next().value as [string, Operation];
      this.complete(old);
      this.ops.delete(key);
    }
    return op;
  }

  get(id: string): Operation | undefined {
    return this.ops.get(id.toLowerCase());
  }

  /** One poll: the status to report now (counts down in-progress polls, then completes). */
  poll(op: Operation): OperationStatus {
    if (!op.done && op.pollsLeft > 0) {
      op.pollsLeft -= 1;
      return op.inProgress;
    }
    this.complete(op);
    return op.outcome;
  }

  /** Completes every pending operation on `resourceId` (see the module comment). */
  settle(resourceId: string): void {
    const set = this.pending.get(resourceId.toLowerCase());
    if (set) for (const op of [...set]) this.complete(op);
  }

  private complete(op: Operation): void {
    if (op.done) return;
    op.done = true;
    const key = op.resourceId.toLowerCase();
    const set = this.pending.get(key);
    set?.delete(op);
    if (set?.size === 0) this.pending.delete(key);
    op.finish(op.outcome);
  }
}
