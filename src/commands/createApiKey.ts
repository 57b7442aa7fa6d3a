import { randomBytes } from "node:crypto";
import { In } from "typeorm";
import { hashSecret, isId } from "../auth/loadPrincipal";
import type { Context } from "../context";
import { ApiKey } from "../entities/ApiKey";
import { newId } from "../entities/columns";
import { ApiScope } from "../entities/enums";
import { Team } from "../entities/Team";
import { badInput } from "../errors";
import { canManageApiKeys } from "../permissions/policy";
import { specFor } from "./actions";
import { refuseForbidden } from "./refusals";
import { runCommand } from "./runCommand";

export interface CreateApiKeyInput {
  name: string;
  scopes: ApiScope[];
  teamIds: string[];
}

/** A new key with its secret: the only moment the secret exists outside the partner's hands. */
export interface CreatedKey {
  apiKey: ApiKey;
  secret: string;
  /** The `Authorization` header value the partner sends: `ApiKey <id>.<secret>`. */
  authorization: string;
}

/** Longest key name; the column holds 120 characters. */
export const API_KEY_NAME_MAX = 120;

/** Name, scopes and team ids as given, trimmed and de-duplicated; BAD_USER_INPUT otherwise. */
function validInput(input: CreateApiKeyInput): CreateApiKeyInput {
  const name = input.name.trim();
  if (name.length < 1 || name.length > API_KEY_NAME_MAX) throw badInput(`name must be 1 to ${API_KEY_NAME_MAX} characters`, "name");
  const scopes = [...new Set(input.scopes)];
  if (scopes.length === 0) throw badInput("Grant at least one scope", "scopes");
  const teamIds = [...new Set(input.teamIds)];
  if (teamIds.length === 0) throw badInput("Grant at least one team", "teamIds");
  if (!teamIds.every(isId)) throw badInput("Every team must be a team of the organization", "teamIds");
  return { name, scopes, teamIds };
}

/**
 * An ADMIN issues a partner app a key for some teams and scopes. The secret (32 random bytes) is
 * returned once and only its SHA-256 is stored; the audit entry records neither.
 */
export function createApiKey(ctx: Context, input: CreateApiKeyInput): Promise<CreatedKey> {
  const { name, scopes, teamIds } = validInput(input);
  return runCommand(ctx, specFor("createApiKey", {}), async (manager) => {
    const p = ctx.principal;
    if (p.kind !== "USER" || !canManageApiKeys(p)) throw refuseForbidden(null);
    const found = await manager.count(Team, { where: { id: In(teamIds), organizationId: p.organizationId } });
    if (found !== teamIds.length) throw badInput("Every team must be a team of the organization", "teamIds");
    const secret = randomBytes(32).toString("base64url");
    const apiKey = Object.assign(new ApiKey(), {
      id: newId(), organizationId: p.organizationId, name, secretHash: hashSecret(secret), scopes, teamIds,
      createdById: p.id, revokedAt: null, lastUsedAt: null, createdAt: ctx.now(),
    });
    await manager.insert(ApiKey, apiKey);
    return {
      result: { apiKey, secret, authorization: `ApiKey ${apiKey.id}.${secret}` }, teamId: null, targetId: apiKey.id,
      before: null, after: { name, scopes, teamIds },
    };
  });
}
