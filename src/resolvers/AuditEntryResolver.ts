import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../context";
import { AuditEntry } from "../entities/AuditEntry";
import { auditScope } from "../permissions/scopes";
import { AuditEntryConnection, AuditFilter } from "./types/AuditEntryConnection";
import { encodeCursor } from "./types/cursor";
import { keysetPage } from "./types/paginate";

/** The audit trail, newest first, scoped as POLICY.md says. */
@Resolver(() => AuditEntry)
export class AuditEntryResolver {
  @Query(() => AuditEntryConnection)
  async auditEntries(
    @Ctx() ctx: Context,
    @Arg("filter", () => AuditFilter, { nullable: true }) filter?: AuditFilter,
    @Arg("first", () => Int, { defaultValue: 25 }) first = 25,
    @Arg("after", () => String, { nullable: true }) after?: string,
  ): Promise<AuditEntryConnection> {
    const query = () => {
      const scope = auditScope(ctx.principal);
      const qb = ctx.db.manager.createQueryBuilder(AuditEntry, "a").where("a.organizationId = :org", { org: scope.organizationId });
      if (scope.teamIds !== "ALL") {
        if (scope.teamIds.length === 0) qb.andWhere("1 = 0");
        else qb.andWhere("a.teamId IN (:...scopeTeams)", { scopeTeams: scope.teamIds });
      }
      const f = filter ?? {};
      if (f.actorId) qb.andWhere("a.actorId = :actorId", { actorId: f.actorId });
      if (f.action) qb.andWhere("a.action = :action", { action: f.action });
      if (f.targetType) qb.andWhere("a.targetType = :targetType", { targetType: f.targetType });
      if (f.targetId) qb.andWhere("a.targetId = :targetId", { targetId: f.targetId });
      if (f.teamId) qb.andWhere("a.teamId = :teamId", { teamId: f.teamId });
      if (f.outcome) qb.andWhere("a.outcome = :outcome", { outcome: f.outcome });
      if (f.from) qb.andWhere("a.createdAt >= :from", { from: f.from });
      if (f.to) qb.andWhere("a.createdAt < :to", { to: f.to });
      return qb;
    };
    const page = await keysetPage(query(), "a", first, after, "DESC");
    return {
      edges: page.nodes.map((node) => ({ cursor: encodeCursor({ at: node.createdAt, id: node.id }), node })),
      nodes: page.nodes,
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
      totalCount: await query().getCount(),
    };
  }

  @FieldResolver(() => String, { nullable: true })
  ipAddress(@Root() a: AuditEntry): string | null {
    return a.ipAddress;
  }

  @FieldResolver(() => String, { nullable: true })
  userAgent(@Root() a: AuditEntry): string | null {
    return a.userAgent;
  }
}
