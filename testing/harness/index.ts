/**
 * The end-to-end "mini up" harness: runs real Pulumi programs (the examples) against the ACR emulator,
 * in this process, without the Pulumi CLI.
 *
 * What it is:
 * - The program module runs under the SDK's mock runtime (`@pulumi/pulumi` 3.270.0's MockMonitor,
 *   subclassed to read resource options), inside a `pulumi:pulumi:Stack`, with stack config; its
 *   exports are the stack outputs.
 * - azure-native `containerregistry` Registry/ScopeMap/Token registrations and the `getRegistry` invoke
 *   are carried out against the emulator through `@azure/arm-containerregistry`, with azure-native
 *   3.x's HTTP semantics (../shared/acr/README.md §11): create and update are one PUT from the
 *   program's inputs (never a PATCH, so a token PUT wipes passwords here as it does in Azure),
 *   read-after-write stored as outputs, replacement on a path-parameter change, and a refresh that
 *   writes changed properties back into the stored inputs (a Token's passwords land in `credentials`).
 * - Dynamic resources (`pulumi-nodejs:dynamic/*`) go to the real dynamic-provider host of
 *   `@pulumi/pulumi`, spawned and configured with the stack config's `acr-tokens:*` keys (harness/hosts.ts):
 *   Check, Diff, Create, Update, Delete, Read, with secrets stripped from inputs and outputs annotated
 *   as the engine does.
 * - The engine's decisions as far as these programs need them: `ignoreChanges` applied before
 *   Check/Diff; create / same / update / replace (create-before-delete, or delete-before-replace when
 *   the option or the provider asks); deletion, dependents first, of what the program stopped
 *   registering; nothing deleted once a step fails; state kept per URN between runs, secrets
 *   wrapped; `refresh`, `preview` (optionally `--refresh`), `destroy`.
 *
 * What it is not: the Pulumi engine. No checkpoint file, no secrets provider or encryption (secrets
 * stay wrapped in memory), no `protect`, `retainOnDelete`, `replaceOnChanges`, aliases, transforms,
 * import or `.get()` reads, no providers other than the above, no parallelism limits, no replacement
 * of dependents triggered by a delete-before-replace, and no diff of unknown values beyond "changed".
 * Preview shows what would happen but cannot show provider-computed values. Auto-names are the
 * resource name (azure-native would add a random suffix). A program that passes here can still fail
 * under `pulumi up`; one that loses passwords here would lose them in Azure too.
 */
export { HostPool } from "./hosts";
export { namespacedConfig, type StackConfig } from "./program";
export { destroy, preview, refresh, runProgram, type RunOptions, type RunResult } from "./run";
export { EmulatorHarness, HarnessRunError, Session, planByName, type SessionOptions } from "./session";
export { emptyState, isSecret, redacted, reveal, secret, type Operation, type ResourceState, type StackState } from "./state";
export type { StepError } from "./engine";
