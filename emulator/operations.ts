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

  /**
   * @param clock - The emulator clock (operation start times).
   * @param limit - Most operations remembered; the oldest finished ones are forgotten beyond it, so
   *   a long-running emulator does not grow without bound (a status URL older than that answers 404).
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
    if (this.ops.size > this.limit) {
      for (const [key, old] of this.ops) {
        if (this.ops.size <= this.limit) break;
        if (old.done) this.ops.delete(key);
      }
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
    const id = resourceId.toLowerCase();
    for (const op of this.ops.values()) if (!op.done && op.resourceId.toLowerCase() === id) this.complete(op);
  }

  private complete(op: Operation): void {
    if (op.done) return;
    op.done = true;
    op.finish(op.outcome);
  }
}
