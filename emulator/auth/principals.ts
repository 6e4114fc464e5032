import { createHash } from "node:crypto";
import { findRole, ROLE_DEFINITIONS } from "./roles";
import type { PrincipalSeed, RoleAssignment } from "./types";

/** A principal after defaults are applied. */
export interface KnownPrincipal {
  clientId: string;
  clientSecret?: string;
  objectId: string;
  tenantId: string;
  managedIdentity: boolean;
  resourceId?: string;
  federatedCredentials: ReadonlyArray<{ issuer: string; subject: string; audiences: readonly string[] }>;
}

/** The audience Entra requires in federated (workload identity) assertions by default. */
const TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";

/** A stable GUID-shaped object id for a client id, so seeds need not invent one. */
export function defaultObjectId(clientId: string): string {
  const h = createHash("sha256").update(`acr-tokens-emulator/object-id/${clientId.toLowerCase()}`).digest("hex");
  // RFC 4122 layout: version nibble 5 (name-based), variant bits 10.
  const variant = ((parseInt(h[16] ?? "0", 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Service principals, managed identities and role assignments known to the emulator. */
export class PrincipalDirectory {
  private readonly byClientId = new Map<string, KnownPrincipal>();
  private readonly assignments: RoleAssignment[] = [];

  constructor(private readonly defaultTenantId: string) {}

  /** Adds `seed`, or replaces the principal with the same client id. Throws on a bad seed, naming the field. */
  add(seed: PrincipalSeed): KnownPrincipal {
    if (typeof seed.clientId !== "string" || seed.clientId.trim() === "") {
      throw new Error("Identity principal: [clientId] is required and must be a non-empty string (usually a GUID).");
    }
    const who = `Identity principal "${seed.clientId}"`;
    if (seed.clientSecret !== undefined && (typeof seed.clientSecret !== "string" || seed.clientSecret === "")) {
      throw new Error(`${who}: [clientSecret] must be a non-empty string when given; omit it for a managed identity.`);
    }
    if (seed.managedIdentity && seed.clientSecret !== undefined) {
      throw new Error(`${who}: a managed identity has no [clientSecret]; remove it or set [managedIdentity] to false.`);
    }
    if (seed.tenantId !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(seed.tenantId)) {
      throw new Error(`${who}: [tenantId] "${seed.tenantId}" is not a GUID; omit it to use the emulator's tenant.`);
    }
    if (seed.resourceId !== undefined && !/^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\//i.test(seed.resourceId)) {
      throw new Error(
        `${who}: [resourceId] "${seed.resourceId}" is not an ARM resource id; expected ` +
          "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}.",
      );
    }
    for (const [i, fic] of (seed.federatedCredentials ?? []).entries()) {
      if (!fic.issuer || !fic.subject) {
        throw new Error(`${who}: [federatedCredentials][${i}] needs both [issuer] and [subject].`);
      }
    }
    const principal: KnownPrincipal = {
      clientId: seed.clientId,
      ...(seed.clientSecret !== undefined ? { clientSecret: seed.clientSecret } : {}),
      objectId: seed.objectId ?? defaultObjectId(seed.clientId),
      tenantId: seed.tenantId ?? this.defaultTenantId,
      managedIdentity: seed.managedIdentity === true,
      ...(seed.resourceId !== undefined ? { resourceId: seed.resourceId } : {}),
      federatedCredentials: (seed.federatedCredentials ?? []).map((f) => ({
        issuer: f.issuer,
        subject: f.subject,
        audiences: f.audiences ?? [TOKEN_EXCHANGE_AUDIENCE],
      })),
    };
    // Validate every role before storing anything, so a bad seed changes nothing.
    const roles = (seed.roles ?? []).map((r) => ({ principalObjectId: principal.objectId, scope: r.scope, role: r.role }));
    roles.forEach((r) => validateAssignment(r, who));
    this.byClientId.set(principal.clientId.toLowerCase(), principal);
    this.assignments.push(...roles);
    return principal;
  }

  /** Adds a role assignment (duplicates are harmless). Throws on an unknown role or a malformed scope. */
  assign(assignment: RoleAssignment): void {
    validateAssignment(assignment, `Role assignment for "${assignment.principalObjectId}"`);
    this.assignments.push({ ...assignment });
  }

  byClient(clientId: string): KnownPrincipal | undefined {
    return this.byClientId.get(clientId.toLowerCase());
  }

  /** Known tenants: the emulator's and every principal's. */
  hasTenant(tenantId: string): boolean {
    const t = tenantId.toLowerCase();
    return t === this.defaultTenantId.toLowerCase() || [...this.byClientId.values()].some((p) => p.tenantId.toLowerCase() === t);
  }

  /** Managed identities, in the order they were added; the first is the system-assigned one. */
  managedIdentities(): KnownPrincipal[] {
    return [...this.byClientId.values()].filter((p) => p.managedIdentity);
  }

  /** The principal with this object id, if known. */
  byObjectId(objectId: string): KnownPrincipal | undefined {
    const o = objectId.toLowerCase();
    return [...this.byClientId.values()].find((p) => p.objectId.toLowerCase() === o);
  }

  /** Role assignments of a principal. */
  assignmentsOf(objectId: string): RoleAssignment[] {
    const o = objectId.toLowerCase();
    return this.assignments.filter((a) => a.principalObjectId.toLowerCase() === o);
  }
}

function validateAssignment(a: RoleAssignment, who: string): void {
  if (!a.principalObjectId) throw new Error(`${who}: [principalObjectId] is required.`);
  if (typeof a.role !== "string" || !findRole(a.role)) {
    const known = [...ROLE_DEFINITIONS.values()].map((r) => r.name).join(", ");
    throw new Error(`${who}: unknown role "${String(a.role)}". Known roles: ${known}.`);
  }
  if (typeof a.scope !== "string" || !a.scope.startsWith("/") || a.scope.includes("//") || /\/\.\.?(\/|$)/.test(a.scope)) {
    throw new Error(
      `${who}: scope "${String(a.scope)}" is not an ARM scope; use "/subscriptions/{id}", a resource group id or a resource id.`,
    );
  }
}
