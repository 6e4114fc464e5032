/**
 * The bench's command line: pure parsing (no process access), unit-tested in tests/bench/args.test.ts.
 */

/** The parts of the bench that `--only` can pick. */
export const GROUPS = ["calls", "lifecycle", "floor", "engine"] as const;
export type Group = (typeof GROUPS)[number];

export const USAGE =
  "Usage: npm run bench [-- --json] [-- --quick] [-- --only <group>[,<group>…]] [-- --host compiled|source]\n" +
  "  --json            print one JSON object on stdout instead of the table\n" +
  "  --quick           fewer runs and smaller az samples (a rough look, about half the time)\n" +
  "  --only calls      only the ARM call counts and token acquisitions (recorded LRO pacing)\n" +
  "  --only lifecycle  the ARM call counts and the lifecycle timings of ours and the raw SDK (no az, throughput, imports, mocks)\n" +
  "  --only floor      our lifecycle next to the protocol floor: a minimal dynamic provider making the same ARM calls\n" +
  "  --only engine     the real Pulumi engine (tools/pulumi/build.sh): up + destroy of 100 passwords next to az, preview of 1,000 tokens\n" +
  "                    (groups combine: --only floor,engine; --only may be repeated)\n" +
  "  --host compiled   (default) the provider host runs the compiled package in a project directory, as for a user\n" +
  "  --host source     the provider host runs the TypeScript source under ts-node, as the tests do\n";

export interface Flags {
  json: boolean;
  quick: boolean;
  /** The groups picked with `--only`; undefined for the whole bench. */
  only: ReadonlySet<Group> | undefined;
  /** What the provider host runs (`--host`). */
  host: "compiled" | "source";
}

export type Parsed = { flags: Flags } | { help: true } | { error: string };

/** Parses the bench's arguments (after `npm run bench --`). */
export function parseArgs(argv: readonly string[]): Parsed {
  const flags: Flags = { json: false, quick: false, only: undefined, host: "compiled" };
  const only = new Set<Group>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--json") flags.json = true;
    else if (a === "--quick") flags.quick = true;
    else if (a === "--only") {
      const v = argv[i + 1];
      const names = (v ?? "").split(",").map((s) => s.trim());
      const bad = names.find((n) => !(GROUPS as readonly string[]).includes(n));
      if (v === undefined || bad !== undefined) {
        return { error: `--only takes one or more of ${GROUPS.map((g) => `"${g}"`).join(", ")} (comma-separated), got "${v ?? ""}".` };
      }
      for (const n of names) only.add(n as Group);
      i++;
    } else if (a === "--host") {
      const v = argv[i + 1];
      if (v !== "compiled" && v !== "source") return { error: `--host takes "compiled" or "source", got "${v ?? ""}".` };
      flags.host = v;
      i++;
    } else if (a === "-h" || a === "--help") return { help: true };
    else return { error: `unknown option "${a}".` };
  }
  if (only.size > 0) flags.only = only;
  return { flags };
}

/**
 * Whether a part of the bench runs: everything without `--only`; otherwise the groups named, where
 * `lifecycle` includes the ARM call counts (as it always has). `full` parts (az in the lifecycle
 * loop, throughput, imports, the mocks program) run only without `--only`.
 */
export function runs(flags: Pick<Flags, "only">, part: Group | "full"): boolean {
  if (!flags.only) return true;
  if (part === "full") return false;
  if (part === "calls" && flags.only.has("lifecycle")) return true;
  return flags.only.has(part);
}

/** The label of what ran, for the table's header and notes ("lifecycle only", "floor, engine only"). */
export function describeOnly(flags: Pick<Flags, "only">): string {
  return flags.only ? `${[...flags.only].join(", ")} only` : "";
}
