import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from "type-graphql";
import { isId } from "../auth/loadPrincipal";
import type { Context } from "../context";
import { Conversation } from "../entities/Conversation";
import { ConversationStatus } from "../entities/enums";
import { User } from "../entities/User";
import { notFound } from "../errors";
import { canViewQueue } from "../permissions/policy";
import { scopedConversations } from "../queries/scopedConversations";
import { AssigneeLoad, QueueSnapshot } from "./types/QueueSnapshot";

/** Drivers return MIN() over datetimes as Date (mysql2) or as UTC text (SQLite). */
const toDate = (v: unknown): Date | null =>
  v instanceof Date ? v : typeof v === "string" ? new Date(v.includes("T") ? v : v.replace(" ", "T") + "Z") : null;

interface CountRow { status: ConversationStatus; assigneeId: string | null; n: string | number; oldest: unknown; late: string | number | null }

/** When an unassigned conversation started waiting: the waiting clock, or its creation. */
const WAITING_SINCE = "COALESCE(c.waitingSince, c.createdAt)";

/** Computes a team's queue snapshot through the viewer's row scope, in one grouped query. */
export async function queueSnapshot(ctx: Context, teamId: string): Promise<QueueSnapshot> {
  const team = await ctx.loaders.team.load(teamId);
  const alertAfterMinutes = team?.unassignedAlertMinutes ?? 0;
  const alertCut = new Date(ctx.now().getTime() - alertAfterMinutes * 60_000);
  const rows = await scopedConversations(ctx, { teamId })
    .select("c.status", "status").addSelect("c.assigneeId", "assigneeId").addSelect("COUNT(*)", "n")
    .addSelect(`MIN(${WAITING_SINCE})`, "oldest")
    .addSelect(`SUM(CASE WHEN ${WAITING_SINCE} < :alertCut THEN 1 ELSE 0 END)`, "late")
    .andWhere("c.status IN (:...live)", { live: [ConversationStatus.OPEN, ConversationStatus.PENDING] })
    .setParameter("alertCut", alertCut)
    .groupBy("c.status").addGroupBy("c.assigneeId")
    .getRawMany<CountRow>();
  const now = ctx.now().getTime();
  let open = 0, pending = 0, unassigned = 0, pastAlertCount = 0;
  let oldest: Date | null = null;
  const loads = new Map<string, AssigneeLoad>();
  for (const r of rows) {
    const n = Number(r.n);
    if (r.status === ConversationStatus.OPEN) open += n; else pending += n;
    if (r.assigneeId === null && r.status === ConversationStatus.OPEN) {
      unassigned += n;
      pastAlertCount += Number(r.late ?? 0);
      const at = toDate(r.oldest);
      if (at && (!oldest || at < oldest)) oldest = at;
    }
    if (r.assigneeId) {
      const load = loads.get(r.assigneeId) ?? Object.assign(new AssigneeLoad(), { assigneeId: r.assigneeId, open: 0, pending: 0 });
      if (r.status === ConversationStatus.OPEN) load.open += n; else load.pending += n;
      loads.set(r.assigneeId, load);
    }
  }
  return Object.assign(new QueueSnapshot(), {
    teamId, open, pending, unassigned, alertAfterMinutes, pastAlertCount,
    oldestUnassignedAgeSeconds: oldest ? Math.max(0, Math.floor((now - oldest.getTime()) / 1000)) : null,
    byAssignee: [...loads.values()].sort((a, b) => b.open + b.pending - (a.open + a.pending) || a.assigneeId.localeCompare(b.assigneeId)),
    generatedAt: new Date(now),
  });
}

/** The live state of one team's queue. */
@Resolver(() => QueueSnapshot)
export class QueueResolver {
  @Query(() => QueueSnapshot, { nullable: true, description: "NOT_FOUND unless the viewer reaches the team" })
  async queue(@Arg("teamId", () => ID) teamId: string, @Ctx() ctx: Context): Promise<QueueSnapshot> {
    if (!isId(teamId) || !canViewQueue(ctx.principal, teamId)) throw notFound("Team not found");
    const team = await ctx.loaders.team.load(teamId);
    if (!team) throw notFound("Team not found");
    return queueSnapshot(ctx, teamId);
  }
}

/** The supervisor's list of conversations waiting too long, resolved only when asked for. */
@Resolver(() => QueueSnapshot)
export class QueueSnapshotResolver {
  @FieldResolver(() => [Conversation], { nullable: true, description: "The oldest 50 open, unassigned conversations past alertAfterMinutes" })
  pastAlert(@Root() snapshot: QueueSnapshot, @Ctx() ctx: Context): Promise<Conversation[]> {
    const cut = new Date(ctx.now().getTime() - snapshot.alertAfterMinutes * 60_000);
    return scopedConversations(ctx, { teamId: snapshot.teamId, status: ConversationStatus.OPEN, unassigned: true })
      .andWhere(`${WAITING_SINCE} < :cut`, { cut })
      .orderBy(WAITING_SINCE, "ASC").addOrderBy("c.id", "ASC").take(50).getMany();
  }
}

/** Resolves the assignee of a workload row. */
@Resolver(() => AssigneeLoad)
export class AssigneeLoadResolver {
  @FieldResolver(() => User)
  async assignee(@Root() load: AssigneeLoad, @Ctx() ctx: Context): Promise<User> {
    return (await ctx.loaders.user.load(load.assigneeId))!;
  }
}
