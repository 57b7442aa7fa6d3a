import { Column, Entity, Index, PrimaryColumn } from "typeorm";
import { timeColumn } from "./columns";

/** The first result of a mutation sent with an idempotency key, replayed for retries. */
@Entity("idempotency_records")
@Index("idx_idempotency_created", ["createdAt"])
export class IdempotencyRecord {
  /** `user:<id>` or `apikey:<id>`: keys are per principal. */
  @PrimaryColumn({ type: "varchar", length: 64 }) principalKey: string;
  @PrimaryColumn({ type: "varchar", length: 128 }) key: string;
  @Column({ type: "varchar", length: 64 }) operation: string;
  @Column({ type: "varchar", length: 64 }) inputHash: string;
  @Column({ type: "text" }) result: string;
  @Column(timeColumn) createdAt: Date;
}
