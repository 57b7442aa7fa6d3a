import { createHash, timingSafeEqual } from "node:crypto";
import { EntityManager, In } from "typeorm";
import { ApiKey } from "../entities/ApiKey";
import { Team } from "../entities/Team";
import { TeamMember } from "../entities/TeamMember";
import { User } from "../entities/User";
import { ApiKeyPrincipal, TeamGrant, UserPrincipal } from "./principal";

/**
 * Lower case only, as `newId()` issues them: MariaDB compares ids case-insensitively and SQLite
 * does not, so accepting `ABC…` would find a row on one database and not on the other (and let an
 * upper-cased copy of an id be stored, which JS comparisons then miss).
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Whether a string has the shape of our ids; anything else can be answered without a query. */
export const isId = (value: unknown): value is string => typeof value === "string" && UUID.test(value);

/** SHA-256 of an API key secret, hex; secrets are random 32 bytes, so no slow hash is needed. */
export const hashSecret = (secret: string): string => createHash("sha256").update(secret).digest("hex");

async function grantsFor(manager: EntityManager, organizationId: string, teamIds: string[]): Promise<TeamGrant[]> {
  if (teamIds.length === 0) return [];
  const teams = await manager.find(Team, { where: { id: In(teamIds), organizationId } });
  return teams.map((t) => ({ teamId: t.id, agentVisibility: t.agentVisibility }));
}

/** Loads an active user with their current role and teams, or null. */
export async function loadUserPrincipal(manager: EntityManager, userId: string): Promise<UserPrincipal | null> {
  if (!isId(userId)) return null;
  const user = await manager.findOne(User, { where: { id: userId } });
  if (!user || !user.active) return null;
  const rows = await manager
    .createQueryBuilder(TeamMember, "m")
    .innerJoin(Team, "t", "t.id = m.teamId")
    .select(["t.id AS teamId", "t.agentVisibility AS agentVisibility"])
    .where("m.userId = :userId AND t.organizationId = :org", { userId, org: user.organizationId })
    .getRawMany<TeamGrant>();
  return { kind: "USER", id: user.id, organizationId: user.organizationId, role: user.role, teams: rows };
}

/**
 * `loadUserPrincipal` for many users at once, in one query per 500 users (live streams reload
 * every subscriber of an event together), read raw (no entities: hundreds of rows per event):
 * the same rules, active users only, teams of the user's own organization. Inactive and
 * unknown ids are absent from the map.
 */
export async function loadUserPrincipals(manager: EntityManager, userIds: readonly string[]): Promise<Map<string, UserPrincipal>> {
  const ids = [...new Set(userIds.filter(isId))];
  const found = new Map<string, UserPrincipal>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await manager
      .createQueryBuilder(User, "u")
      .leftJoin(TeamMember, "m", "m.userId = u.id")
      .leftJoin(Team, "t", "t.id = m.teamId AND t.organizationId = u.organizationId")
      .select(["u.id AS id", "u.organizationId AS organizationId", "u.role AS role", "u.active AS active", "t.id AS teamId", "t.agentVisibility AS agentVisibility"])
      .where("u.id IN (:...ids)", { ids: ids.slice(i, i + 500) })
      .getRawMany<{ id: string; organizationId: string; role: UserPrincipal["role"]; active: unknown; teamId: string | null; agentVisibility: TeamGrant["agentVisibility"] | null }>();
    for (const r of rows) {
      // Booleans come back as 1/0 from both drivers when read raw.
      if (!(r.active === true || Number(r.active) === 1)) continue;
      let p = found.get(r.id);
      if (!p) found.set(r.id, (p = { kind: "USER", id: r.id, organizationId: r.organizationId, role: r.role, teams: [] }));
      if (r.teamId !== null && r.agentVisibility !== null) p.teams.push({ teamId: r.teamId, agentVisibility: r.agentVisibility });
    }
  }
  return found;
}

/** Loads an unrevoked API key whose secret matches, or null; the comparison is constant-time. */
export async function loadApiKeyPrincipal(manager: EntityManager, keyId: string, secret: string): Promise<ApiKeyPrincipal | null> {
  if (!isId(keyId)) return null;
  const key = await manager.findOne(ApiKey, { where: { id: keyId } });
  if (!key || key.revokedAt) return null;
  const given = Buffer.from(hashSecret(secret), "hex");
  const stored = Buffer.from(key.secretHash, "hex");
  if (given.length !== stored.length || !timingSafeEqual(given, stored)) return null;
  return {
    kind: "API_KEY",
    id: key.id,
    organizationId: key.organizationId,
    scopes: new Set(key.scopes),
    teams: await grantsFor(manager, key.organizationId, key.teamIds),
  };
}

/**
 * Loads a principal again by id, as it is now: role, teams, active, scopes, revocation. Live
 * streams call it before every event, so a demotion or revocation takes effect at once.
 */
export async function reloadPrincipal(manager: EntityManager, p: UserPrincipal | ApiKeyPrincipal): Promise<UserPrincipal | ApiKeyPrincipal | null> {
  if (p.kind === "USER") return loadUserPrincipal(manager, p.id);
  const key = await manager.findOne(ApiKey, { where: { id: p.id } });
  if (!key || key.revokedAt) return null;
  return { kind: "API_KEY", id: key.id, organizationId: key.organizationId, scopes: new Set(key.scopes), teams: await grantsFor(manager, key.organizationId, key.teamIds) };
}
