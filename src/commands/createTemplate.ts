import type { Context } from "../context";
import { newId } from "../entities/columns";
import { TemplateStatus } from "../entities/enums";
import { Template } from "../entities/Template";
import { TemplateEvent } from "../entities/TemplateEvent";
import { canManageTemplates } from "../permissions/policy";
import { specFor } from "./actions";
import { refuseForbidden } from "./refusals";
import { runCommand } from "./runCommand";
import {
  duplicateTemplateAsBadInput, requireUniqueTemplate, TemplateContent, templateBody, templateFields, templateLanguage, templateName, templateTeams,
} from "./templateTarget";

/** A supervisor drafts a template; it is sent to nobody until another admin approves it. */
export function createTemplate(ctx: Context, input: TemplateContent): Promise<Template> {
  const name = templateName(input.name);
  const language = templateLanguage(input.language);
  const { body, placeholders } = templateBody(input.body);
  return runCommand(ctx, specFor("createTemplate", {}), async (manager) => {
    if (!canManageTemplates(ctx.principal)) throw refuseForbidden(null);
    const org = ctx.principal.organizationId;
    const teamIds = await templateTeams(manager, org, input.teamIds);
    await requireUniqueTemplate(manager, org, name, language);
    const now = ctx.now();
    const template = manager.create(Template, {
      id: newId(), organizationId: org, name, language, category: input.category, body, placeholders, status: TemplateStatus.DRAFT,
      teamIds, createdById: ctx.principal.id, lastEditedById: ctx.principal.id, approvedById: null, rejectionReason: null,
      createdAt: now, updatedAt: now,
    });
    await manager.insert(Template, template);
    await manager.insert(TemplateEvent, {
      id: newId(), organizationId: org, templateId: template.id, fromStatus: null, toStatus: TemplateStatus.DRAFT,
      actorId: ctx.principal.id, reason: null, createdAt: now,
    });
    return { result: template, teamId: null, targetId: template.id, before: null, after: templateFields(template) };
  }).catch(duplicateTemplateAsBadInput);
}
