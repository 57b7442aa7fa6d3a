import { z } from "zod";

/*
 * The parts of a WhatsApp Cloud API webhook body this gateway acts on, as documented by the
 * WhatsApp Business Platform (object `whatsapp_business_account`, `entry[].changes[]`). Fields it
 * relies on are checked strictly; everything else passes through untouched.
 */

const wamid = z.string().min(1).max(128);
const waId = z.string().regex(/^\d{5,20}$/, "a WhatsApp id is 5 to 20 digits");
const unixSeconds = z.string().regex(/^\d{1,12}$/, "a Unix time in seconds");
const media = z.object({ caption: z.string().optional(), filename: z.string().optional() }).passthrough();

/** One message a customer sent (`value.messages[]`). */
export const inboundMessageSchema = z.object({
  from: waId,
  id: wamid,
  timestamp: unixSeconds,
  type: z.string().min(1).max(32),
  text: z.object({ body: z.string() }).passthrough().optional(),
  image: media.optional(),
  video: media.optional(),
  audio: media.optional(),
  document: media.optional(),
  sticker: media.optional(),
  location: z.object({ latitude: z.number(), longitude: z.number(), name: z.string().optional(), address: z.string().optional() }).passthrough().optional(),
  button: z.object({ text: z.string() }).passthrough().optional(),
  interactive: z.object({
    type: z.string(),
    button_reply: z.object({ title: z.string() }).passthrough().optional(),
    list_reply: z.object({ title: z.string() }).passthrough().optional(),
  }).passthrough().optional(),
  reaction: z.object({ emoji: z.string().optional() }).passthrough().optional(),
}).passthrough().superRefine((m, ctx) => {
  if (m.type === "text" && !m.text) ctx.addIssue({ code: z.ZodIssueCode.custom, message: "a text message needs text.body", path: ["text"] });
});
export type InboundMessage = z.infer<typeof inboundMessageSchema>;

/** A delivery status of a message the business sent (`value.statuses[]`). */
export const statusSchema = z.object({
  id: wamid,
  status: z.string().min(1).max(32),
  timestamp: unixSeconds,
  recipient_id: z.string().optional(),
  errors: z.array(z.object({
    code: z.number(),
    title: z.string().optional(),
    message: z.string().optional(),
    error_data: z.object({ details: z.string().optional() }).passthrough().optional(),
  }).passthrough()).optional(),
}).passthrough();
export type StatusUpdate = z.infer<typeof statusSchema>;

/** The value of a `messages` change: incoming messages and statuses for one business phone number. */
export const messagesValueSchema = z.object({
  messaging_product: z.literal("whatsapp"),
  metadata: z.object({ phone_number_id: z.string().min(1).max(32), display_phone_number: z.string().optional() }).passthrough(),
  contacts: z.array(z.object({ wa_id: waId, profile: z.object({ name: z.string() }).passthrough().optional() }).passthrough()).optional(),
  messages: z.array(inboundMessageSchema).max(1000).optional(),
  statuses: z.array(statusSchema).max(1000).optional(),
}).passthrough();
export type MessagesValue = z.infer<typeof messagesValueSchema>;

/** The value of a `message_template_status_update` change. */
export const templateStatusSchema = z.object({
  event: z.string().min(1).max(64),
  message_template_id: z.union([z.number(), z.string()]).optional(),
  message_template_name: z.string().min(1).max(512),
  message_template_language: z.string().min(1).max(16),
  reason: z.string().max(500).nullable().optional(),
  other_info: z.object({ title: z.string().optional(), description: z.string().optional() }).passthrough().optional(),
}).passthrough();
export type TemplateStatusValue = z.infer<typeof templateStatusSchema>;

/** The envelope every webhook body shares. */
export const envelopeSchema = z.object({
  object: z.string(),
  entry: z.array(z.object({
    id: z.string().min(1).max(64),
    changes: z.array(z.object({ field: z.string().min(1).max(64), value: z.unknown() }).passthrough()).max(100),
  }).passthrough()).max(100),
}).passthrough();

/** A body checked and split into the parts this gateway handles and those it only logs. */
export interface WebhookParts {
  messages: { accountId: string; value: MessagesValue }[];
  templates: { accountId: string; value: TemplateStatusValue }[];
  /** Descriptions of what was valid but not handled, for the log. */
  unhandled: string[];
}

/** Why a body is malformed, for a 400 and the log. */
export class MalformedPayload extends Error {}

const describeIssues = (e: z.ZodError, prefix: string): string =>
  e.issues.slice(0, 3).map((i) => `${[prefix, ...i.path].join(".")}: ${i.message}`).join("; ");

/** Checks a parsed JSON body; a MalformedPayload when any part this gateway would act on does not have the documented shape. */
export function parseWebhookBody(json: unknown): WebhookParts {
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) throw new MalformedPayload(describeIssues(envelope.error, "body"));
  const parts: WebhookParts = { messages: [], templates: [], unhandled: [] };
  if (envelope.data.object !== "whatsapp_business_account") {
    parts.unhandled.push(`object ${envelope.data.object.slice(0, 64)}`);
    return parts;
  }
  envelope.data.entry.forEach((entry, i) => entry.changes.forEach((change, j) => {
    const where = `entry.${i}.changes.${j}.value`;
    if (change.field === "messages") {
      const value = messagesValueSchema.safeParse(change.value);
      if (!value.success) throw new MalformedPayload(describeIssues(value.error, where));
      parts.messages.push({ accountId: entry.id, value: value.data });
    } else if (change.field === "message_template_status_update") {
      const value = templateStatusSchema.safeParse(change.value);
      if (!value.success) throw new MalformedPayload(describeIssues(value.error, where));
      parts.templates.push({ accountId: entry.id, value: value.data });
    } else {
      parts.unhandled.push(`field ${change.field}`);
    }
  }));
  return parts;
}

/** What an inbound message shows in the conversation: its text, or its kind and caption. */
export function describeInbound(m: InboundMessage): string {
  switch (m.type) {
    case "text": return m.text?.body ?? "";
    case "button": return m.button?.text ?? "[button]";
    case "interactive": return m.interactive?.button_reply?.title ?? m.interactive?.list_reply?.title ?? "[interactive]";
    case "reaction": return `[reaction ${m.reaction?.emoji || "removed"}]`;
    case "location": {
      const l = m.location;
      if (!l) return "[location]";
      return `[location] ${[l.name, l.address].filter(Boolean).join(", ")} (${l.latitude}, ${l.longitude})`.replace("]  (", "] (");
    }
    case "image": case "video": case "audio": case "document": case "sticker": {
      const media = m[m.type];
      const text = media?.caption ?? media?.filename;
      return text ? `[${m.type}] ${text}` : `[${m.type}]`;
    }
    default: return `[${m.type}]`;
  }
}
