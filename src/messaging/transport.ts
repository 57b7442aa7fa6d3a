import type { OutboundContent } from "../entities/OutboxEntry";

/** The JSON body of a Cloud API `POST /<phone-number-id>/messages` request. */
export type CloudApiMessage =
  | { messaging_product: "whatsapp"; to: string; type: "text"; text: { body: string } }
  | {
    messaging_product: "whatsapp"; to: string; type: "template";
    template: {
      name: string; language: { code: string };
      components?: { type: "body"; parameters: { type: "text"; text: string; parameter_name?: string }[] }[];
    };
  };

/** How one delivery attempt ended. `retryable`: trying again later may succeed (outage, rate limit). */
export type SendResult =
  | { ok: true; externalId: string }
  | { ok: false; retryable: boolean; reason: string };

/** Where queued messages go: the Cloud API, or the log when it is not configured. */
export interface WhatsAppTransport {
  readonly name: string;
  send(message: CloudApiMessage): Promise<SendResult>;
}

/**
 * The Cloud API request for a queued message. Named placeholders carry `parameter_name`;
 * positional ones are matched by order. A template without placeholders sends no components.
 */
export function cloudApiMessage(content: OutboundContent): CloudApiMessage {
  if (content.kind === "text") return { messaging_product: "whatsapp", to: content.to, type: "text", text: { body: content.body } };
  const parameters = content.parameters.map((p) => (p.name === null
    ? { type: "text" as const, text: p.value }
    : { type: "text" as const, text: p.value, parameter_name: p.name }));
  return {
    messaging_product: "whatsapp", to: content.to, type: "template",
    template: {
      name: content.name, language: { code: content.language },
      ...(parameters.length > 0 ? { components: [{ type: "body" as const, parameters }] } : {}),
    },
  };
}
