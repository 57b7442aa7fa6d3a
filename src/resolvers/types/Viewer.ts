import { Field, ObjectType, registerEnumType } from "type-graphql";
import { ApiScope, Role } from "../../entities/enums";
import { Organization } from "../../entities/Organization";
import { Team } from "../../entities/Team";
import { User } from "../../entities/User";
import { Capability } from "../../permissions/capabilities";

export enum PrincipalKind { USER = "USER", API_KEY = "API_KEY" }
registerEnumType(PrincipalKind, { name: "PrincipalKind" });
registerEnumType(Capability, { name: "Capability", description: "What the viewer may do, for clients to grey out buttons" });

/** The signed-in principal, as clients need it to shape their UI. */
@ObjectType()
export class Viewer {
  @Field(() => PrincipalKind) kind: PrincipalKind;
  @Field(() => User, { nullable: true }) user: User | null;
  @Field(() => Organization) organization: Organization;
  @Field(() => Role, { nullable: true }) role: Role | null;
  @Field(() => [Team]) teams: Team[];
  @Field(() => [ApiScope]) scopes: ApiScope[];
  @Field(() => [Capability]) can: Capability[];
}
