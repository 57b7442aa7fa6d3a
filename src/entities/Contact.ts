import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity, Index, PrimaryColumn } from "typeorm";
import { idColumn, refColumn, timeColumn } from "./columns";

/** A WhatsApp customer. The phone number and WhatsApp id are PII, resolved behind a rule. */
@ObjectType()
@Entity("contacts")
@Index("uq_contacts_org_wa", ["organizationId", "whatsappId"], { unique: true })
export class Contact {
  @Field(() => ID) @PrimaryColumn(idColumn) id: string;
  @Column(refColumn) organizationId: string;
  @Field() @Column({ type: "varchar", length: 120 }) name: string;
  @Column({ type: "varchar", length: 32 }) phoneNumber: string;
  @Column({ type: "varchar", length: 32 }) whatsappId: string;
  @Column(timeColumn) createdAt: Date;
}
