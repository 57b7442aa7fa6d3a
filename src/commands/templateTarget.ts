import { EntityManager, In } from "typeorm";
import { isId } from "../auth/loadPrincipal";
import { newId } from "../entities/columns";
import { TemplateCategory, TemplateStatus } from "../entities/enums";
import { Team } from "../entities/Team";
import { Template } from "../entities/Template";
import { TemplateEvent } from "../entities/TemplateEvent";
import { badInput, notFound } from "../errors";
import { parseTemplateBody, TEMPLATE_BODY_MAX } from "../messaging/templateBody";
import { isDuplicateKey } from "./runCommand";

/** What a supervisor writes about a template; placeholders are derived from the body. */
export interface TemplateContent {
  name: string;
  language: string;
  category: TemplateCategory;
  body: string;
  teamIds: string[];
}

const NAME = /^[a-z0-9_]{1,120}$/;
const LANGUAGE = /^[a-z]{2,3}(_[A-Z]{2,4})?$/;
const DUPLICATE = "A template with that name and language already exists";

/** WhatsApp's template name rule: lower-case letters, digits and underscores (at most 120 here). */
export function templateName(raw: string): string {
  const name = raw.trim();
  if (!NAME.test(name)) throw badInput("name must be 1 to 120 lower-case letters, digits or underscores", "name");
  return name;
}

/** A WhatsApp language code: `en`, `en_US`, `pt_BR`, `zh_CN`. */
export function templateLanguage(raw: string): string {
  const language = raw.trim();
  if (!LANGUAGE.test(language)) throw badInput("language must be a WhatsApp language code such as en or en_US", "language");
  return language;
}

/** The body, 1 to 1024 characters, with its placeholders parsed (BAD_USER_INPUT when malformed). */
export function templateBody(raw: string): { body: string; placeholders: string[] } {
  const body = raw.trim();
  if (body.length < 1 || body.length > TEMPLATE_BODY_MAX) throw badInput(`body must be 1 to ${TEMPLATE_BODY_MAX} characters`, "body");
  return { body, placeholders: parseTemplateBody(body).placeholders };
}

/** Team ids, deduplicated and sorted; each must be a team of the organization (a foreign id is like a missing one). */
export async function templateTeams(manager: EntityManager, organizationId: string, teamIds: readonly string[]): Promise<string[]> {
  const ids = [...new Set(teamIds)].sort();
  if (ids.some((id) => !isId(id))) throw badInput("teamIds must name teams of the organization", "teamIds");
  if (ids.length === 0) return [];
  const found = await manager.count(Team, { where: { id: In(ids), organizationId } });
  if (found !== ids.length) throw badInput("teamIds must name teams of the organization", "teamIds");
  return ids;
}

/** BAD_USER_INPUT when another template of the organization has this name and language. */
export async function requireUniqueTemplate(manager: EntityManager, organizationId: string, name: string, language: string, exceptId?: string): Promise<void> {
  const clash = await manager.findOne(Template, { where: { organizationId, name, language } });
  if (clash && clash.id !== exceptId) throw badInput(DUPLICATE, "name");
}

/** The unique index's verdict on a concurrent writer who took the name first, as the same BAD_USER_INPUT. */
export function duplicateTemplateAsBadInput(err: unknown): never {
  if (isDuplicateKey(err)) throw badInput(DUPLICATE, "name");
  throw err;
}

/**
 * Loads a template of the actor's organization, held (FOR UPDATE on MySQL; SQLite runs one
 * transaction at a time) until commit so concurrent transitions take turns. Missing and foreign
 * ids are NOT_FOUND.
 */
export async function loadTemplate(manager: EntityManager, organizationId: string, id: string): Promise<Template> {
  if (!isId(id)) throw notFound("Template not found");
  const qb = manager.createQueryBuilder(Template, "t").where("t.id = :id AND t.organizationId = :org", { id, org: organizationId });
  if (manager.connection.options.type !== "better-sqlite3") qb.setLock("pessimistic_write");
  const template = await qb.getOne();
  if (!template) throw notFound("Template not found");
  return template;
}

/** The governed fields of a template, for before/after in the audit. */
export const templateFields = (t: Template) => ({
  name: t.name, language: t.language, category: t.category, body: t.body, placeholders: t.placeholders, teamIds: t.teamIds,
  status: t.status, rejectionReason: t.rejectionReason, lastEditedById: t.lastEditedById, approvedById: t.approvedById,
});

/**
 * Moves a template to `to`, writing the row and its `Template.history` event. `actorId` is null
 * when WhatsApp itself changed the status (webhook).
 */
export async function transitionTemplate(
  manager: EntityManager, t: Template, to: TemplateStatus, changes: Partial<Template>, actorId: string | null, reason: string | null, now: Date,
): Promise<Template> {
  const after = Object.assign(new Template(), t, changes, { status: to, updatedAt: now });
  await manager.update(Template, { id: t.id }, { ...changes, status: to, updatedAt: now });
  await manager.insert(TemplateEvent, {
    id: newId(), organizationId: t.organizationId, templateId: t.id, fromStatus: t.status, toStatus: to, actorId, reason, createdAt: now,
  });
  return after;
}
