import { Ctx, Query, Resolver } from "type-graphql";
import { teamIdsOf } from "../auth/principal";
import type { Context } from "../context";
import { Organization } from "../entities/Organization";
import { capabilitiesOf } from "../permissions/capabilities";
import { teamsByIds } from "./UserResolver";
import { PrincipalKind, Viewer } from "./types/Viewer";

/** `me`: who the viewer is and what they may do. */
@Resolver(() => Viewer)
export class ViewerResolver {
  @Query(() => Viewer)
  async me(@Ctx() ctx: Context): Promise<Viewer> {
    const p = ctx.principal;
    return {
      kind: p.kind === "USER" ? PrincipalKind.USER : PrincipalKind.API_KEY,
      user: p.kind === "USER" ? await ctx.loaders.user.load(p.id) : null,
      organization: await ctx.db.manager.findOneByOrFail(Organization, { id: p.organizationId }),
      role: p.kind === "USER" ? p.role : null,
      // Memberships (users) or grants (API keys); an ADMIN's reach is wider than this list.
      teams: await teamsByIds(ctx, teamIdsOf(p)),
      scopes: p.kind === "API_KEY" ? [...p.scopes] : [],
      can: capabilitiesOf(p),
    };
  }
}
