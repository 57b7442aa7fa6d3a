import { ApiKey } from "../../src/entities/ApiKey";
import { Assignment } from "../../src/entities/Assignment";
import { AuditEntry } from "../../src/entities/AuditEntry";
import { Contact } from "../../src/entities/Contact";
import { Conversation } from "../../src/entities/Conversation";
import { Label } from "../../src/entities/Label";
import { Message } from "../../src/entities/Message";
import { Note } from "../../src/entities/Note";
import { Organization } from "../../src/entities/Organization";
import { Team } from "../../src/entities/Team";
import { Template } from "../../src/entities/Template";
import { TemplateEvent } from "../../src/entities/TemplateEvent";
import { User } from "../../src/entities/User";
import type { DemoOrganization } from "./factories";
import type { TestApp } from "./testApp";

type OrgRow = { id: string; organizationId: string };

/** Every id and identifying string (names, emails, phone numbers) of one organization's rows, read from the database. */
async function identifyingStrings(app: TestApp, organization: DemoOrganization): Promise<Set<string>> {
  const organizationId = app.seed.organizations[organization];
  const m = app.db.manager;
  const out = new Set<string>([organizationId]);
  out.add((await m.findOneByOrFail(Organization, { id: organizationId })).name);
  for (const u of await m.findBy(User, { organizationId })) [u.id, u.name, u.email].forEach((s) => out.add(s));
  for (const t of await m.findBy(Team, { organizationId })) [t.id, t.name].forEach((s) => out.add(s));
  for (const c of await m.findBy(Contact, { organizationId })) [c.id, c.name, c.phoneNumber, c.whatsappId].forEach((s) => out.add(s));
  for (const l of await m.findBy(Label, { organizationId })) [l.id, l.name].forEach((s) => out.add(s));
  for (const t of await m.findBy(Template, { organizationId })) [t.id, t.name, t.body].forEach((s) => out.add(s));
  for (const k of await m.findBy(ApiKey, { organizationId })) [k.id, k.name].forEach((s) => out.add(s));
  const others: (new () => OrgRow)[] = [Conversation, Message, Assignment, Note, TemplateEvent, AuditEntry];
  for (const entity of others) {
    for (const row of await m.find(entity, { where: { organizationId } })) out.add(row.id);
  }
  return out;
}

/**
 * Strings that identify `organization` and cannot come from the other demo organization: all its
 * ids, and those names, emails and phone numbers the other does not share ("Support" and
 * "Customer 1" exist in both, so finding them proves nothing). Read after the fixtures exist.
 */
export async function fingerprintOf(app: TestApp, organization: DemoOrganization): Promise<string[]> {
  const mine = await identifyingStrings(app, organization);
  const theirs = [...(await identifyingStrings(app, organization === "acme" ? "globex" : "acme"))];
  return [...mine].filter((s) => s.length >= 4 && !theirs.some((t) => t.includes(s)));
}

/** The fingerprint strings found in a value once serialized; a response of another tenant must give `[]`. */
export const leakedIn = (value: unknown, fingerprint: readonly string[]): string[] => {
  const json = JSON.stringify(value);
  return fingerprint.filter((s) => json.includes(s));
};
