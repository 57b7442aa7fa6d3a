import { Arg, Ctx, ID, Query, Resolver } from "type-graphql";
import { isId } from "../auth/loadPrincipal";
import type { Context } from "../context";
import { ConversationStatus } from "../entities/enums";
import { TeamMember } from "../entities/TeamMember";
import { User } from "../entities/User";
import { appError, ErrorCode, notFound } from "../errors";
import { canReviewOwnership, reachesTeam } from "../permissions/policy";
import { scopedConversations } from "../queries/scopedConversations";
import { OwnershipGap, OwnershipGapReason } from "./types/OwnershipGap";

/** At most this many gaps are listed, oldest activity first. */
const MAX_GAPS = 200;

/** The process review path: open conversations that nobody effectively owns. */
@Resolver(() => OwnershipGap)
export class OwnershipGapResolver {
  @Query(() => [OwnershipGap], {
    nullable: true,
    description: "Open conversations of a team unassigned too long, owned by an inactive user or a non-member, or idle too long. MANAGER of the team and ADMIN",
  })
  async ownershipGaps(@Arg("teamId", () => ID) teamId: string, @Ctx() ctx: Context): Promise<OwnershipGap[]> {
    const team = isId(teamId) ? await ctx.loaders.team.load(teamId) : null;
    if (!team || !reachesTeam(ctx.principal, team.id)) throw notFound("Team not found");
    if (!canReviewOwnership(ctx.principal, team.id)) throw appError(ErrorCode.FORBIDDEN, "Only the team's managers and admins review ownership");
    const now = ctx.now().getTime();
    const unassignedCut = new Date(now - team.unassignedAlertMinutes * 60_000);
    const idleCut = new Date(now - team.idleAlertMinutes * 60_000);
    const rows = await scopedConversations(ctx, { teamId: team.id })
      .leftJoin(User, "u", "u.id = c.assigneeId")
      .leftJoin(TeamMember, "m", "m.teamId = c.teamId AND m.userId = c.assigneeId")
      .addSelect("u.active", "assignee_active").addSelect("m.userId", "member_id")
      .andWhere("c.status IN (:...live)", { live: [ConversationStatus.OPEN, ConversationStatus.PENDING] })
      .andWhere(`(
        (c.assigneeId IS NULL AND c.status = :open AND COALESCE(c.waitingSince, c.createdAt) < :unassignedCut)
        OR (c.assigneeId IS NOT NULL AND (u.active = :inactive OR m.userId IS NULL))
        OR (c.status = :open AND c.lastActivityAt < :idleCut))`, { open: ConversationStatus.OPEN, unassignedCut, idleCut, inactive: false })
      .orderBy("c.lastActivityAt", "ASC").addOrderBy("c.id", "ASC").limit(MAX_GAPS)
      .getRawAndEntities();
    return rows.entities.map((conversation, i) => {
      const raw = rows.raw[i] as { assignee_active: unknown; member_id: string | null };
      const reasons: OwnershipGapReason[] = [];
      const waitingSince = (conversation.waitingSince ?? conversation.createdAt).getTime();
      if (!conversation.assigneeId && conversation.status === ConversationStatus.OPEN && waitingSince < unassignedCut.getTime()) reasons.push(OwnershipGapReason.UNASSIGNED_TOO_LONG);
      if (conversation.assigneeId && (raw.assignee_active === false || Number(raw.assignee_active) === 0)) reasons.push(OwnershipGapReason.ASSIGNEE_INACTIVE);
      if (conversation.assigneeId && raw.member_id === null) reasons.push(OwnershipGapReason.ASSIGNEE_NOT_IN_TEAM);
      if (conversation.status === ConversationStatus.OPEN && conversation.lastActivityAt.getTime() < idleCut.getTime()) reasons.push(OwnershipGapReason.IDLE);
      return { conversation, reasons };
    });
  }
}
