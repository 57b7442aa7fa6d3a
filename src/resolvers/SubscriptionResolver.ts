import { Arg, Ctx, ID, Resolver, Root, Subscription } from "type-graphql";
import { isId } from "../auth/loadPrincipal";
import type { Context } from "../context";
import { Conversation } from "../entities/Conversation";
import { appError, ErrorCode } from "../errors";
import { canWatchOwnAssignments, canWatchQueue, reachesTeam } from "../permissions/policy";
import { conversationVisible, teamReachKey } from "../permissions/scopes";
import { enterLiveEvent, liveStream } from "../subscriptions/liveStream";
import type { LiveEvent } from "../subscriptions/liveStream";
import { queueSnapshot } from "./QueueResolver";
import { AssignmentChange, AssignmentEvent, QueueChangedEvent, QueueEventKind } from "./types/LiveEvents";

/** The event's conversation row, loaded once per event; each subscriber then applies its own scope. */
async function eventConversation(ctx: Context, live: LiveEvent): Promise<Conversation | null> {
  const row = await ctx.memo.get(live.event.id, "conversation", () =>
    ctx.db.manager.findOne(Conversation, { where: { id: live.event.conversationId, organizationId: live.event.organizationId } }));
  return row && conversationVisible(ctx.scope, row) ? row : null;
}

/** Live queues for supervisors and live assignments for everyone, governed at every event. */
@Resolver()
export class SubscriptionResolver {
  @Subscription(() => QueueChangedEvent, {
    description: "A team's queue, live: MANAGERs of the team and ADMINs",
    subscribe: async ({ args, context }) => {
      const ctx = context as Context;
      // The team must be one of the organization's: an admin's reach stops at their tenant.
      const team = isId(args.teamId) ? await ctx.loaders.team.load(args.teamId) : null;
      if (!team) throw appError(ErrorCode.NOT_FOUND, "Team not found");
      return liveStream(ctx, {
        refuse: (p) => canWatchQueue(p, team.id) ? null
          : reachesTeam(p, team.id) ? appError(ErrorCode.FORBIDDEN, "Only the team's managers and admins may watch its queue")
          : appError(ErrorCode.NOT_FOUND, "Team not found"),
        topics: () => [team.id],
        accept: () => true,
      });
    },
  })
  async queueChanged(@Root() live: LiveEvent, @Arg("teamId", () => ID) teamId: string, @Ctx() ctx: Context): Promise<QueueChangedEvent> {
    enterLiveEvent(ctx, live);
    const [conversation, queue] = await Promise.all([
      eventConversation(ctx, live),
      ctx.memo.get(live.event.id, `queue:${teamId}:${teamReachKey(ctx.scope, teamId)}`, () => queueSnapshot(ctx, teamId)),
    ]);
    return {
      type: live.event.type as QueueEventKind, teamId, conversationId: live.event.conversationId,
      conversation, queue, at: new Date(live.event.at),
    };
  }

  @Subscription(() => AssignmentEvent, {
    description: "Conversations assigned to the viewer or taken from them",
    subscribe: ({ context }) => liveStream(context as Context, {
      refuse: (p) => (canWatchOwnAssignments(p) ? null : appError(ErrorCode.FORBIDDEN, "Only users have assignments")),
      topics: (p) => p.teams.map((t) => t.teamId),
      accept: (e, p) => e.assigneeId !== e.previousAssigneeId && e.type !== "TRANSFERRED_IN" && (e.assigneeId === p.id || e.previousAssigneeId === p.id),
    }),
  })
  async myAssignments(@Root() live: LiveEvent, @Ctx() ctx: Context): Promise<AssignmentEvent> {
    enterLiveEvent(ctx, live);
    const mine = live.principal.kind === "USER" && live.event.assigneeId === live.principal.id;
    return {
      type: mine ? AssignmentChange.ASSIGNED : AssignmentChange.UNASSIGNED,
      conversationId: live.event.conversationId,
      conversation: await eventConversation(ctx, live),
      at: new Date(live.event.at),
    };
  }
}
