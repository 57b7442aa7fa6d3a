import { EntityManager } from "typeorm";
import { Organization } from "../entities/Organization";
import { Team } from "../entities/Team";
import type { TeamRef, WhatsAppConfig } from "./whatsappConfig";

/** Where an incoming change lands: the organization, and the team whose queue new conversations join. */
export interface Route {
  organizationId: string;
  teamId: string;
}

async function organizationId(manager: EntityManager, slug: string): Promise<string | null> {
  return (await manager.findOne(Organization, { where: { slug } }))?.id ?? null;
}

async function resolveTeam(manager: EntityManager, ref: TeamRef): Promise<Route | null> {
  const org = await organizationId(manager, ref.organization);
  if (!org) return null;
  const team = await manager.findOne(Team, { where: { organizationId: org, name: ref.team }, order: { createdAt: "ASC", id: "ASC" } });
  return team ? { organizationId: org, teamId: team.id } : null;
}

/**
 * The team for messages to `phoneNumberId`: its entry in WHATSAPP_ROUTING, else
 * WHATSAPP_DEFAULT_TEAM; null when neither is configured or names a team that does not exist.
 */
export function routeForPhoneNumber(manager: EntityManager, config: WhatsAppConfig, phoneNumberId: string): Promise<Route | null> {
  const ref = config.routing[phoneNumberId] ?? config.defaultTeam;
  return ref ? resolveTeam(manager, ref) : Promise.resolve(null);
}

/**
 * The organization of a WhatsApp Business Account (template status updates carry no phone
 * number): its entry in WHATSAPP_BUSINESS_ACCOUNTS, else the default team's organization.
 */
export function organizationForAccount(manager: EntityManager, config: WhatsAppConfig, accountId: string): Promise<string | null> {
  const slug = config.businessAccounts[accountId] ?? config.defaultTeam?.organization;
  return slug ? organizationId(manager, slug) : Promise.resolve(null);
}
