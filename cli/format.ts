import { humanSpan, humanTime } from "../components/common/clock";
import { Flag, type CheckReport, type PasswordReport, type TokenReport } from "./check";

/**
 * Rendering of a {@link CheckReport}: `--output json` (one document, stable key order, ISO times) and
 * `--output table` (aligned columns, UTC times with a relative hint, a summary and a legend).
 */

/** The report as one JSON document and a newline: nothing else goes to stdout with `--output json`. */
export function renderJson(report: CheckReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

const HEADERS = ["TOKEN", "STATUS", "SCOPE MAP", "PASSWORD", "CREATED (UTC)", "EXPIRES (UTC)", "FLAGS"] as const;

/** The report as a table for people. */
export function renderTable(report: CheckReport): string {
  const now = Date.parse(report.checkedAt);
  const { registry, summary } = report;
  const lines: string[] = [
    `Registry ${registry.name} (resource group ${registry.resourceGroup}, subscription ${registry.subscriptionId}), checked at ${humanTime(report.checkedAt)} UTC.`,
    `Credential: ${report.credential}.`,
    "",
  ];
  if (report.tokens.length === 0) {
    lines.push("The registry has no tokens.");
  } else {
    const rows: string[][] = [[...HEADERS]];
    for (const token of report.tokens) rows.push(...tokenRows(token, now));
    lines.push(...align(rows));
  }
  lines.push("", summaryLine(report));
  if (!summary.ok) lines.push(legend(report.expiringWithin));
  return `${lines.join("\n")}\n`;
}

/** One row per password; the token's own columns and token-level flags on its first row. */
function tokenRows(token: TokenReport, now: number): string[][] {
  const tokenFlags = token.flags.filter((f): f is Flag => f === Flag.Missing || f === Flag.Disabled || f === Flag.NoPassword);
  const head = [token.name, token.found ? (token.status ?? "-") : "-", token.scopeMap ?? "-"];
  if (token.passwords.length === 0) return [[...head, "-", "-", "-", tokenFlags.join(", ")]];
  return token.passwords.map((p, i) => {
    const flags = [...(i === 0 ? tokenFlags : []), ...passwordFlags(p)];
    return [...(i === 0 ? head : ["", "", ""]), p.name, p.creationTime ? humanTime(p.creationTime) : "-", expiryText(p, now), flags.join(", ")];
  });
}

function passwordFlags(p: PasswordReport): Flag[] {
  if (p.state === "expired") return [Flag.Expired];
  if (p.state === "expiring") return [Flag.Expiring];
  return [];
}

function expiryText(p: PasswordReport, now: number): string {
  if (p.expiry === null) return "never";
  const at = Date.parse(p.expiry);
  const relative = at <= now ? `${humanSpan(now - at)} ago` : `in ${humanSpan(at - now)}`;
  return `${humanTime(p.expiry)} (${relative})`;
}


function summaryLine(report: CheckReport): string {
  const s = report.summary;
  const tokens = `${s.tokens} token${s.tokens === 1 ? "" : "s"}`;
  if (s.ok) return `${tokens} checked, none flagged (no password expired or expiring within ${report.expiringWithin}).`;
  const parts = [
    plural(s.expiredPasswords, "expired password"),
    plural(s.expiringPasswords, `password expiring within ${report.expiringWithin}`, `passwords expiring within ${report.expiringWithin}`),
    s.disabled > 0 ? `${s.disabled} disabled` : "",
    plural(s.noPassword, "token without a password", "tokens without a password"),
    s.missing > 0 ? `${s.missing} missing` : "",
  ].filter((p) => p !== "");
  return `${tokens} checked, ${s.flagged} flagged: ${parts.join(", ")}.`;
}

function legend(window: string): string {
  return (
    `Flags: ${Flag.Expired} = the password's expiry has passed; ${Flag.Expiring} = it expires within ${window} (--expiring-within); ` +
    `${Flag.Disabled} = the token's status is disabled; ${Flag.NoPassword} = the token has no password; ${Flag.Missing} = named with --token but not in the registry.`
  );
}

function plural(n: number, one: string, many = `${one}s`): string {
  return n === 0 ? "" : `${n} ${n === 1 ? one : many}`;
}

/** Pads every column but the last to its widest cell; trailing spaces are trimmed. */
function align(rows: readonly string[][]): string[] {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? "").length)));
  return rows.map((r) =>
    r
      .map((cell, col) => (col === r.length - 1 ? cell : cell.padEnd(widths[col]!)))
      .join("  ")
      .trimEnd(),
  );
}
