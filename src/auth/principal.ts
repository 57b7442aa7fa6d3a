import { AgentVisibility, ApiScope, Role } from "../entities/enums";

/** A team the principal reaches, with the visibility its agents get there. */
export interface TeamGrant {
  teamId: string;
  agentVisibility: AgentVisibility;
}

/** A signed-in person; role, teams and `active` come from the database, never from the token. */
export interface UserPrincipal {
  kind: "USER";
  id: string;
  organizationId: string;
  role: Role;
  teams: TeamGrant[];
}

/** A partner app holding an API key: only its granted teams and scopes. */
export interface ApiKeyPrincipal {
  kind: "API_KEY";
  id: string;
  organizationId: string;
  scopes: ReadonlySet<ApiScope>;
  teams: TeamGrant[];
}

/**
 * The gateway itself (migrations, demo seed, webhook ingest). Every bypass of the policy goes
 * through this one principal so a reviewer can find each place that does it.
 */
export interface SystemPrincipal {
  kind: "SYSTEM";
  organizationId: string;
  reason: string;
}

export type Principal = UserPrincipal | ApiKeyPrincipal | SystemPrincipal;

/** Builds the system principal for one organization, naming why the policy is bypassed. */
export const systemPrincipal = (organizationId: string, reason: string): SystemPrincipal =>
  ({ kind: "SYSTEM", organizationId, reason });

/** The team ids a principal reaches directly (admins reach all teams without listing them). */
export const teamIdsOf = (p: Principal): string[] => (p.kind === "SYSTEM" ? [] : p.teams.map((t) => t.teamId));
