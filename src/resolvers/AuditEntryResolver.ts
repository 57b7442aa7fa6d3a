import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from "type-graphql";
import { isId } from "../auth/loadPrincipal";
import type { Context } from "../context";
import { AuditEntry } from "../entities/AuditEntry";
import { auditScope } from "../permissions/scopes";
import { AuditEntryConnection, AuditFilter } from "./types/AuditEntryConnection";
import { encodeCursor } from "./types/cursor";
import { keysetPage } from "./types/paginate";

/** The audit trail, newest first, scoped as POLICY.md says. */
@Resolver(() => AuditEntry)
export class AuditEntryResolver {
  @Query(() => AuditEntryConnection, { nullable: true, description: "null with FORBIDDEN for those who may not read it" })
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
      // A given actor or team id always filters: one not of our shape ("", "42", upper case) matches
      // nothing, as a non-existent id does, on SQLite and on case-insensitive MariaDB alike.
      const byId = (column: "actorId" | "teamId", value: string | null | undefined): void => {
        if (value === undefined || value === null) return;
        if (isId(value)) qb.andWhere(`a.${column} = :${column}`, { [column]: value });
        else qb.andWhere("1 = 0");
      };
      byId("actorId", f.actorId);
      if (f.action) qb.andWhere("a.action = :action", { action: f.action });
      if (f.targetType) qb.andWhere("a.targetType = :targetType", { targetType: f.targetType });
      // Refused attempts record the target id as requested ("42" too), so any given value is searched for.
      if (f.targetId !== undefined && f.targetId !== null) qb.andWhere("a.targetId = :targetId", { targetId: f.targetId });
      byId("teamId", f.teamId);
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
