import type { Context } from "../context";
import { AgentVisibility } from "../entities/enums";
import { Team } from "../entities/Team";
import { badInput } from "../errors";
import { canManageTeams } from "../permissions/policy";
import { specFor } from "./actions";
import { loadTargetTeam } from "./peopleTargets";
import { refuseForbidden } from "./refusals";
import { runCommand } from "./runCommand";

export interface TeamSettings {
  agentVisibility?: AgentVisibility | null;
  unassignedAlertMinutes?: number | null;
  idleAlertMinutes?: number | null;
}

/** Bounds of the alert thresholds, in minutes: up to a week unassigned, up to 30 days idle. */
export const SETTING_LIMITS = {
  unassignedAlertMinutes: { min: 1, max: 10_080 },
  idleAlertMinutes: { min: 1, max: 43_200 },
} as const;

type Changes = Partial<Pick<Team, "agentVisibility" | "unassignedAlertMinutes" | "idleAlertMinutes">>;

/** The settings actually given, checked against their bounds; none at all is BAD_USER_INPUT. */
function validSettings(input: TeamSettings): Changes {
  const changes: Changes = {};
  if (input.agentVisibility !== undefined && input.agentVisibility !== null) changes.agentVisibility = input.agentVisibility;
  for (const name of ["unassignedAlertMinutes", "idleAlertMinutes"] as const) {
    const value = input[name];
    if (value === undefined || value === null) continue;
    const { min, max } = SETTING_LIMITS[name];
    if (!Number.isInteger(value) || value < min || value > max) throw badInput(`${name} must be between ${min} and ${max}`, name);
    changes[name] = value;
  }
  if (Object.keys(changes).length === 0) throw badInput("Give at least one setting to change", "input");
  return changes;
}

/**
 * An ADMIN changes how a team works: what its agents see (effective from their next request)
 * and its alert thresholds. Saving values equal to the current ones succeeds and is audited.
 */
export function updateTeamSettings(ctx: Context, teamId: string, input: TeamSettings): Promise<Team> {
  const changes = validSettings(input);
  return runCommand(ctx, specFor("updateTeamSettings", { teamId }), async (manager) => {
    const before = await loadTargetTeam(manager, ctx, teamId);
    if (!canManageTeams(ctx.principal)) throw refuseForbidden(before.id);
    await manager.update(Team, { id: before.id }, changes);
    const fields = Object.keys(changes) as (keyof Changes)[];
    return {
      result: Object.assign(new Team(), before, changes), teamId: before.id,
      before: Object.fromEntries(fields.map((f) => [f, before[f]])), after: { ...changes },
    };
  });
}
