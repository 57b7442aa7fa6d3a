import { SelectQueryBuilder } from "typeorm";
import { isId } from "../auth/loadPrincipal";
import type { Context } from "../context";
import { Contact } from "../entities/Contact";
import { Conversation } from "../entities/Conversation";
import { ConversationLabel } from "../entities/ConversationLabel";
import { forbidden } from "../errors";
import { canSearchByPhoneNumber } from "../permissions/policy";
import { applyConversationScope } from "../permissions/scopes";
import type { ConversationFilter } from "../resolvers/types/ConversationConnection";

/**
 * Conversations the viewer may see, narrowed by a client filter. Every read of conversations
 * (single fetch, page, count, queue snapshot) starts here, so the row scope cannot be forgotten.
 */
export function scopedConversations(ctx: Context, filter: ConversationFilter = {}, alias = "c"): SelectQueryBuilder<Conversation> {
  const qb = applyConversationScope(ctx.db.manager.createQueryBuilder(Conversation, alias), alias, ctx.scope);
  // A given id always filters: one that is not of our shape ("", "42", upper case) matches nothing,
  // as a non-existent id does, on SQLite and on case-insensitive MariaDB alike.
  const byId = (column: string, param: string, value: string | null | undefined): void => {
    if (value === undefined || value === null) return;
    if (isId(value)) qb.andWhere(`${alias}.${column} = :${param}`, { [param]: value });
    else qb.andWhere("1 = 0");
  };
  byId("teamId", "fTeam", filter.teamId);
  if (filter.status) qb.andWhere(`${alias}.status = :fStatus`, { fStatus: filter.status });
  byId("assigneeId", "fAssignee", filter.assigneeId);
  if (filter.unassigned === true) qb.andWhere(`${alias}.assigneeId IS NULL`);
  if (filter.unassigned === false) qb.andWhere(`${alias}.assigneeId IS NOT NULL`);
  if (filter.labelIds && filter.labelIds.length > 0) {
    const labelIds = filter.labelIds.filter(isId);
    const sub = qb.subQuery().select("1").from(ConversationLabel, "fl")
      .where(`fl.conversationId = ${alias}.id`).andWhere("fl.labelId IN (:...fLabels)").getQuery();
    if (labelIds.length > 0) qb.andWhere(`EXISTS ${sub}`, { fLabels: labelIds });
    else qb.andWhere("1 = 0");
  }
  if (filter.phoneNumber !== undefined && filter.phoneNumber !== null) {
    // A filter on a field the viewer may not read would reveal it through the result set.
    if (!canSearchByPhoneNumber(ctx.principal)) throw forbidden("Filtering by phone number needs access to phone numbers");
    const sub = qb.subQuery().select("1").from(Contact, "fc")
      .where(`fc.id = ${alias}.contactId`).andWhere("fc.phoneNumber = :fPhone").getQuery();
    qb.andWhere(`EXISTS ${sub}`, { fPhone: filter.phoneNumber });
  }
  return qb;
}
