import { Column, Entity, Index, PrimaryColumn } from "typeorm";
import { nullableRef, refColumn, timeColumn } from "./columns";

/** A label applied to a conversation. */
@Entity("conversation_labels")
@Index("idx_conv_labels_label", ["labelId"])
export class ConversationLabel {
  @PrimaryColumn(refColumn) conversationId: string;
  @PrimaryColumn(refColumn) labelId: string;
  @Column(refColumn) organizationId: string;
  @Column(nullableRef) appliedById: string | null;
  @Column(timeColumn) appliedAt: Date;
}
