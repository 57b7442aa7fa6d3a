import { randomBytes } from "node:crypto";
import { hashSecret } from "../../src/auth/loadPrincipal";
import { ApiKey } from "../../src/entities/ApiKey";
import { newId } from "../../src/entities/columns";
import { ApiScope } from "../../src/entities/enums";
import type { TestApp } from "./testApp";

/** What a test may choose about an API key; everything else gets an Acme default. */
export interface ApiKeyOverrides {
  organizationId?: string;
  name?: string;
  scopes?: ApiScope[];
  teamIds?: string[];
  createdById?: string;
  revokedAt?: Date | null;
}

/**
 * Inserts an API key straight into the database (no mutation, no audit entry) and returns the
 * `Authorization` value `ApiKey <id>.<secret>`. Defaults: Acme, `conversations:read` on Sales.
 */
export async function createApiKey(app: TestApp, overrides: ApiKeyOverrides = {}): Promise<string> {
  const id = newId();
  const secret = randomBytes(32).toString("base64url");
  await app.db.manager.insert(ApiKey, {
    id,
    organizationId: overrides.organizationId ?? app.seed.organizations.acme,
    name: overrides.name ?? `test key ${id.slice(0, 8)}`,
    secretHash: hashSecret(secret),
    scopes: overrides.scopes ?? [ApiScope.CONVERSATIONS_READ],
    teamIds: overrides.teamIds ?? [app.seed.teams["acme/Sales"]],
    createdById: overrides.createdById ?? app.seed.users["admin@acme.test"],
    revokedAt: overrides.revokedAt ?? null,
    lastUsedAt: null,
    createdAt: new Date(),
  });
  return `ApiKey ${id}.${secret}`;
}

/** The key id inside an `ApiKey <id>.<secret>` header value. */
export const apiKeyIdOf = (authorization: string): string => authorization.slice("ApiKey ".length).split(".")[0];

// Factories addressed by demo names (role matrix, tenant isolation).
import { appendAuditEntry, AuditInput } from "../../src/audit/appendAuditEntry";
import { AuditEntry } from "../../src/entities/AuditEntry";
import { ActorType, AuditOutcome, Role } from "../../src/entities/enums";

/** A demo organization by its slug, as `app.seed` names them. */
export type DemoOrganization = "acme" | "globex";

/** An API key described the way POLICY.md describes a partner app: its organization, scopes and teams by name. */
export interface ScopedApiKeySpec {
  organization?: DemoOrganization;
  scopes: ApiScope[];
  /** Team names inside the key's organization ("Sales"), resolved through `app.seed.teams`. */
  teamNames: string[];
  name?: string;
}

/**
 * `createApiKey` addressed by names rather than ids: `createApiKeyFor(app, { scopes, teamNames: ["Sales"] })`.
 * Returns the `Authorization` header value.
 */
export function createApiKeyFor(app: TestApp, spec: ScopedApiKeySpec): Promise<string> {
  const organization = spec.organization ?? "acme";
  const teamIds = spec.teamNames.map((team) => {
    const id = app.seed.teams[`${organization}/${team}`];
    if (!id) throw new Error(`no demo team ${organization}/${team}`);
    return id;
  });
  return createApiKey(app, {
    organizationId: app.seed.organizations[organization],
    name: spec.name,
    scopes: spec.scopes,
    teamIds,
    createdById: app.seed.users[`admin@${organization}.test`],
  });
}

/** What a test chooses about an audit entry; the hash-chain fields are filled in by the audit module. */
export type AuditEntryFixture = Partial<Omit<AuditInput, "organizationId">> & { organization?: DemoOrganization; action: string; targetType: string };

/**
 * Appends one audit entry for a demo organization through the audit module itself (so the chain
 * stays valid and later mutations in the same database continue it). The demo seed writes none.
 */
export function insertAuditEntry(app: TestApp, fixture: AuditEntryFixture): Promise<AuditEntry> {
  const { organization = "acme", ...input } = fixture;
  return app.db.transaction((manager) => appendAuditEntry(manager, {
    organizationId: app.seed.organizations[organization],
    teamId: null,
    actorType: ActorType.USER,
    actorId: app.seed.users[`admin@${organization}.test`],
    actorRole: Role.ADMIN,
    targetId: null,
    outcome: AuditOutcome.SUCCESS,
    before: null,
    after: null,
    requestId: null,
    ipAddress: null,
    userAgent: null,
    createdAt: app.clock.now,
    ...input,
  }));
}
