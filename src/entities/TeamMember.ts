import { Column, Entity, Index, PrimaryColumn } from "typeorm";
import { refColumn, timeColumn } from "./columns";

/** Membership of a user in a team; a manager supervises the teams they are a member of. */
@Entity("team_members")
@Index("idx_team_members_user", ["userId"])
export class TeamMember {
  @PrimaryColumn(refColumn) teamId: string;
  @PrimaryColumn(refColumn) userId: string;
  @Column(refColumn) organizationId: string;
  @Column(timeColumn) joinedAt: Date;
}
