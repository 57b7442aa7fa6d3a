import type { Context } from "../context";
import type { Message } from "../entities/Message";
import { badInput } from "../errors";
import { canSendMessage, isInsideServiceWindow } from "../permissions/policy";
import { specFor } from "./actions";
import { loadTargetConversation } from "./conversationTarget";
import { enqueueOutbound, recipientOf, refuseWindowClosed } from "./outbound";
import { refuseForbidden } from "./refusals";
import { runCommand } from "./runCommand";

/** The longest free-text message WhatsApp delivers, in characters. */
export const TEXT_MESSAGE_MAX = 4096;

/**
 * The conversation's assignee writes to the customer in free text, only inside the 24-hour
 * customer service window; outside it WhatsApp allows approved templates only (WINDOW_CLOSED).
 */
export function sendMessage(ctx: Context, conversationId: string, text: string): Promise<Message> {
  if (text.trim().length === 0 || text.length > TEXT_MESSAGE_MAX) throw badInput(`text must be 1 to ${TEXT_MESSAGE_MAX} characters`, "text");
  return runCommand(ctx, specFor("sendMessage", { conversationId }), async (manager) => {
    const c = await loadTargetConversation(manager, ctx, conversationId);
    if (!canSendMessage(ctx.principal, c)) throw refuseForbidden(c.teamId, "Only the conversation's assignee may write to the customer");
    if (!isInsideServiceWindow(c, ctx.now())) throw refuseWindowClosed(c.teamId);
    const to = await recipientOf(manager, c);
    const message = await enqueueOutbound(manager, ctx, c, text, null, { kind: "text", to, conversationId: c.id, body: text });
    return {
      result: message, teamId: c.teamId, before: null,
      after: { messageId: message.id, direction: message.direction, status: message.status, body: text },
    };
  });
}
