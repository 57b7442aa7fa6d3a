import { GraphQLError } from "graphql";
import { AuditOutcome } from "../entities/enums";
import { ErrorCode } from "../errors";

/**
 * A command said no. The client sees `code`; the audit trail records `outcome` against `teamId`
 * (so the team's managers see the attempt). A target the actor may not see is answered
 * NOT_FOUND, exactly like a missing one, but is still recorded as a denial.
 */
export class Refusal extends GraphQLError {
  constructor(code: ErrorCode, message: string, readonly outcome: AuditOutcome, readonly teamId: string | null) {
    super(message, { extensions: { code } });
  }
}

/** The actor may see the target but not do this to it. */
export const refuseForbidden = (teamId: string | null, message = "Not allowed"): Refusal =>
  new Refusal(ErrorCode.FORBIDDEN, message, AuditOutcome.DENIED, teamId);

/** The actor may not see the target: answered like a missing one, recorded as a denial. */
export const refuseHidden = (teamId: string | null, message = "Not found"): Refusal =>
  new Refusal(ErrorCode.NOT_FOUND, message, AuditOutcome.DENIED, teamId);

/** The target changed under the actor (version, state, or a duplicate): recorded as a conflict. */
export const refuseConflict = (teamId: string | null, message = "Conflicting change; reload and try again"): Refusal =>
  new Refusal(ErrorCode.CONFLICT, message, AuditOutcome.CONFLICT, teamId);
