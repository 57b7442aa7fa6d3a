import { randomUUID } from "node:crypto";
import type { Logger } from "../logger";
import type { CloudApiMessage, SendResult, WhatsAppTransport } from "./transport";

/**
 * Used when WHATSAPP_TOKEN or WHATSAPP_PHONE_NUMBER_ID is not set: records what would have been
 * sent and reports it SENT under a `log.` id that WhatsApp never issues. Nothing leaves the gateway.
 */
export class LogTransport implements WhatsAppTransport {
  readonly name = "log";

  constructor(private readonly logger: Logger) {}

  async send(message: CloudApiMessage): Promise<SendResult> {
    const externalId = `log.${randomUUID()}`;
    // The recipient is PII: only its last digits reach the log.
    const wouldSend = { ...message, to: `•••${message.to.slice(-3)}` };
    this.logger.info({ whatsapp: { wouldSend, externalId } }, "WhatsApp is not configured: logged the message instead of sending it");
    return { ok: true, externalId };
  }
}
