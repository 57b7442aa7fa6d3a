import type { Context } from "../context";
import { TemplateCategory } from "../entities/enums";
import { Template } from "../entities/Template";
import { badInput } from "../errors";
import { canManageTemplates, isTemplateEditable } from "../permissions/policy";
import { specFor } from "./actions";
import { refuseConflict, refuseForbidden } from "./refusals";
import { runCommand } from "./runCommand";
import {
  duplicateTemplateAsBadInput, loadTemplate, requireUniqueTemplate, templateBody, templateFields, templateLanguage, templateName, templateTeams,
} from "./templateTarget";

/** The fields of `updateTemplate`: only those given change. */
export interface TemplateChanges {
  name?: string | null;
  language?: string | null;
  category?: TemplateCategory | null;
  body?: string | null;
  teamIds?: string[] | null;
}

/**
 * A supervisor edits a DRAFT or REJECTED template and becomes its last editor, so they can no
 * longer approve it. An edit voids any earlier approval: the new content needs its own.
 */
export function updateTemplate(ctx: Context, id: string, input: TemplateChanges): Promise<Template> {
  const given = Object.entries(input).filter(([, v]) => v !== undefined && v !== null).map(([k]) => k);
  if (given.length === 0) throw badInput("Give at least one of name, language, category, body, teamIds");
  const name = input.name != null ? templateName(input.name) : undefined;
  const language = input.language != null ? templateLanguage(input.language) : undefined;
  const parsed = input.body != null ? templateBody(input.body) : undefined;
  return runCommand(ctx, specFor("updateTemplate", { id }), async (manager) => {
    if (!canManageTemplates(ctx.principal)) throw refuseForbidden(null);
    const before = await loadTemplate(manager, ctx.principal.organizationId, id);
    if (!isTemplateEditable(before)) throw refuseConflict(null, `A ${before.status} template cannot be edited; only DRAFT and REJECTED ones can`);
    const teamIds = input.teamIds != null ? await templateTeams(manager, before.organizationId, input.teamIds) : before.teamIds;
    const changes = {
      name: name ?? before.name, language: language ?? before.language, category: input.category ?? before.category,
      body: parsed?.body ?? before.body, placeholders: parsed?.placeholders ?? before.placeholders, teamIds,
      lastEditedById: ctx.principal.id, approvedById: null, updatedAt: ctx.now(),
    };
    if (changes.name !== before.name || changes.language !== before.language) {
      await requireUniqueTemplate(manager, before.organizationId, changes.name, changes.language, before.id);
    }
    await manager.update(Template, { id: before.id }, changes);
    const after = Object.assign(new Template(), before, changes);
    return { result: after, teamId: null, before: templateFields(before), after: templateFields(after) };
  }).catch(duplicateTemplateAsBadInput);
}
