import type { Context } from "../context";
import type { Message } from "../entities/Message";
import { Template } from "../entities/Template";
import { badInput, notFound } from "../errors";
import { isId } from "../auth/loadPrincipal";
import { matchVariables, renderTemplateBody, styleOf, TemplateVariable } from "../messaging/templateBody";
import { canSendMessage, isTemplateSendable, isTemplateUsableBy } from "../permissions/policy";
import { templateVisible } from "../permissions/scopes";
import { specFor } from "./actions";
import { loadTargetConversation } from "./conversationTarget";
import { enqueueOutbound, recipientOf } from "./outbound";
import { refuseConflict, refuseForbidden, refuseHidden } from "./refusals";
import { runCommand } from "./runCommand";

/** At most this many variables in one call (no WhatsApp body has more placeholders than that). */
const MAX_VARIABLES = 100;

/**
 * The conversation's assignee sends an APPROVED template usable by the conversation's team,
 * its placeholders filled exactly: the one way to reach a customer outside the service window.
 */
export function sendTemplate(ctx: Context, conversationId: string, templateId: string, variables: TemplateVariable[]): Promise<Message> {
  if (variables.length > MAX_VARIABLES) throw badInput(`At most ${MAX_VARIABLES} variables`, "variables");
  return runCommand(ctx, specFor("sendTemplate", { conversationId }), async (manager) => {
    const c = await loadTargetConversation(manager, ctx, conversationId);
    if (!canSendMessage(ctx.principal, c)) throw refuseForbidden(c.teamId, "Only the conversation's assignee may write to the customer");
    const template = isId(templateId) ? await manager.findOne(Template, { where: { id: templateId, organizationId: c.organizationId } }) : null;
    // A template the sender may not see (agents: not approved, or not for their teams) is answered like a missing one.
    if (!template || !templateVisible(ctx.principal, template)) throw template ? refuseHidden(c.teamId, "Template not found") : notFound("Template not found");
    if (!isTemplateSendable(template)) throw refuseConflict(c.teamId, `The template is ${template.status}; only APPROVED templates can be sent`);
    if (!isTemplateUsableBy(template, c.teamId)) throw refuseForbidden(c.teamId, "The template is not available to this conversation's team");
    const filled = matchVariables(template.placeholders, variables);
    const body = renderTemplateBody(template.body, filled);
    const named = styleOf(template.placeholders) === "NAMED";
    const to = await recipientOf(manager, c);
    const message = await enqueueOutbound(manager, ctx, c, body, template.id, {
      kind: "template", to, conversationId: c.id, templateId: template.id, name: template.name, language: template.language,
      parameters: filled.map((v) => ({ name: named ? v.name : null, value: v.value })),
    });
    return {
      result: message, teamId: c.teamId, before: null,
      after: {
        messageId: message.id, direction: message.direction, status: message.status, templateId: template.id, templateName: template.name,
        variables: filled, body,
      },
    };
  });
}
