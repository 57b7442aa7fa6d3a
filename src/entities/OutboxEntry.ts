import { Column, Entity, Index, PrimaryColumn } from "typeorm";
import { idColumn, refColumn, timeColumn } from "./columns";

/** A Cloud API parameter of a template message; `name` only for named placeholders. */
export interface OutboundParameter {
  name: string | null;
  value: string;
}

/** What an outbound message asks WhatsApp to deliver, fixed when it was queued. */
export type OutboundContent =
  | { kind: "text"; to: string; conversationId: string; body: string }
  | { kind: "template"; to: string; conversationId: string; templateId: string; name: string; language: string; parameters: OutboundParameter[] };

/**
 * A queued outbound message waiting for delivery: written in the same transaction as the
 * message and its audit entry, removed when the message is SENT or FAILED. `attempts` is also
 * the claim token, so two workers never send one message twice. A conversation's entries are
 * delivered one after another, oldest first, so the customer reads them in the order written.
 */
@Entity("message_outbox")
@Index("idx_outbox_due", ["nextAttemptAt"])
@Index("idx_outbox_conv", ["conversationId", "createdAt", "messageId"])
export class OutboxEntry {
  @PrimaryColumn(idColumn) messageId: string;
  @Column(refColumn) organizationId: string;
  @Column(refColumn) conversationId: string;
  @Column({ type: "simple-json" }) content: OutboundContent;
  @Column({ type: "int", default: 0 }) attempts: number;
  /** When the next attempt is due (during an attempt: when its lease runs out). */
  @Column(timeColumn) nextAttemptAt: Date;
  @Column({ type: "varchar", length: 500, nullable: true }) lastError: string | null;
  @Column(timeColumn) createdAt: Date;
}
