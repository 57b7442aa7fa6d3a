import type { GraphQLResolveInfo, SelectionSetNode } from "graphql";
import { Arg, Ctx, FieldResolver, ID, Info, Int, Query, Resolver, Root } from "type-graphql";
import { isId } from "../auth/loadPrincipal";
import type { Context } from "../context";
import { Assignment } from "../entities/Assignment";
import { Contact } from "../entities/Contact";
import { Conversation } from "../entities/Conversation";
import { Label } from "../entities/Label";
import { Message } from "../entities/Message";
import { Note } from "../entities/Note";
import { Team } from "../entities/Team";
import { User } from "../entities/User";
import { badInput, notFound } from "../errors";
import { isInsideServiceWindow } from "../permissions/policy";
import { scopedConversations } from "../queries/scopedConversations";
import { ConversationConnection, ConversationFilter } from "./types/ConversationConnection";
import { encodeCursor } from "./types/cursor";
import { keysetPage, MAX_PAGE_SIZE } from "./types/paginate";


const checkLast = (last: number, name: string): void => {
  if (!Number.isInteger(last) || last < 0 || last > MAX_PAGE_SIZE) throw badInput(`\`${name}\` must be between 0 and ${MAX_PAGE_SIZE}`, name);
};

/** Whether the client selected `field` directly under the current one (through fragments too). */
function selects(info: GraphQLResolveInfo, field: string): boolean {
  const within = (set: SelectionSetNode | undefined): boolean => (set?.selections ?? []).some((s) =>
    s.kind === "Field" ? s.name.value === field
      : s.kind === "InlineFragment" ? within(s.selectionSet)
        : within(info.fragments[s.name.value]?.selectionSet));
  return info.fieldNodes.some((node) => within(node.selectionSet));
}

/** Reads of conversations: every one goes through `scopedConversations`. */
@Resolver(() => Conversation)
export class ConversationResolver {
  @Query(() => Conversation, { nullable: true, description: "NOT_FOUND when it does not exist or the viewer may not see it" })
  async conversation(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<Conversation> {
    if (!isId(id)) throw notFound("Conversation not found");
    const found = await scopedConversations(ctx).andWhere("c.id = :id", { id }).getOne();
    if (!found) throw notFound("Conversation not found");
    return found;
  }

  @Query(() => ConversationConnection, { nullable: true, description: "Oldest first; keyset cursors" })
  async conversations(
    @Ctx() ctx: Context,
    @Arg("filter", () => ConversationFilter, { nullable: true }) filter?: ConversationFilter,
    @Arg("first", () => Int, { defaultValue: 25 }) first = 25,
    @Arg("after", () => String, { nullable: true }) after?: string,
    @Info() info?: GraphQLResolveInfo,
  ): Promise<ConversationConnection> {
    const page = await keysetPage(scopedConversations(ctx, filter ?? {}), "c", first, after, "ASC", ctx.bench?.maxPageSize);
    // Counting reads every matching row, so a page costs the same at any table size only when
    // the client does not ask for the count: it is computed only when selected.
    const totalCount = !info || selects(info, "totalCount") ? await scopedConversations(ctx, filter ?? {}).getCount() : 0;
    return {
      edges: page.nodes.map((node) => ({ cursor: encodeCursor({ at: node.createdAt, id: node.id }), node })),
      nodes: page.nodes,
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
      totalCount,
    };
  }

  @FieldResolver(() => Team)
  async team(@Root() c: Conversation, @Ctx() ctx: Context): Promise<Team> {
    return (await ctx.loaders.team.load(c.teamId))!;
  }

  @FieldResolver(() => Contact)
  async contact(@Root() c: Conversation, @Ctx() ctx: Context): Promise<Contact> {
    return (await ctx.loaders.contact.load(c.contactId))!;
  }

  @FieldResolver(() => User, { nullable: true })
  assignee(@Root() c: Conversation, @Ctx() ctx: Context): Promise<User | null> | null {
    return c.assigneeId ? ctx.loaders.user.load(c.assigneeId) : null;
  }

  @FieldResolver(() => [Label])
  labels(@Root() c: Conversation, @Ctx() ctx: Context): Promise<Label[]> {
    return ctx.loaders.labelsOfConversation.load(c.id);
  }

  @FieldResolver(() => [Note], { description: "Newest `last` notes the viewer may read, oldest first" })
  notes(@Root() c: Conversation, @Ctx() ctx: Context, @Arg("last", () => Int, { defaultValue: 20 }) last: number): Promise<Note[]> {
    checkLast(last, "last");
    return ctx.loaders.lastNotes.load({ conversationId: c.id, last });
  }

  @FieldResolver(() => [Message], { description: "Newest `last` messages, oldest first" })
  messages(@Root() c: Conversation, @Ctx() ctx: Context, @Arg("last", () => Int, { defaultValue: 20 }) last: number): Promise<Message[]> {
    checkLast(last, "last");
    return ctx.loaders.lastMessages.load({ conversationId: c.id, last });
  }

  @FieldResolver(() => [Assignment], { nullable: true })
  assignmentHistory(@Root() c: Conversation, @Ctx() ctx: Context): Promise<Assignment[]> {
    return ctx.loaders.assignments.load(c.id);
  }

  @FieldResolver(() => Boolean, { description: "Whether free text may be sent: the last inbound message is under 24 hours old" })
  insideServiceWindow(@Root() c: Conversation, @Ctx() ctx: Context): boolean {
    return isInsideServiceWindow(c, ctx.now());
  }
}
