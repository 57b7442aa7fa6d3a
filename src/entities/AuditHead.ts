import { Column, Entity, PrimaryColumn } from "typeorm";
import { refColumn } from "./columns";

/**
 * The tip of one organization's audit chain. Writers lock this row, so entries of one
 * organization are appended one at a time while organizations never wait on each other.
 */
@Entity("audit_heads")
export class AuditHead {
  @PrimaryColumn(refColumn) organizationId: string;
  @Column({ type: "int", default: 0 }) seq: number;
  @Column({ type: "varchar", length: 64 }) hash: string;
}
