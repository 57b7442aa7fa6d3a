import { ApiKey } from "./ApiKey";
import { Assignment } from "./Assignment";
import { AuditEntry } from "./AuditEntry";
import { AuditHead } from "./AuditHead";
import { Contact } from "./Contact";
import { Conversation } from "./Conversation";
import { ConversationLabel } from "./ConversationLabel";
import { IdempotencyRecord } from "./IdempotencyRecord";
import { Label } from "./Label";
import { Message } from "./Message";
import { Note } from "./Note";
import { Organization } from "./Organization";
import { OutboxEntry } from "./OutboxEntry";
import { Team } from "./Team";
import { TeamMember } from "./TeamMember";
import { Template } from "./Template";
import { TemplateEvent } from "./TemplateEvent";
import { User } from "./User";

/** Every entity, for the DataSource. */
export const entities = [
  Organization, User, Team, TeamMember, Contact, Conversation, Message, Assignment, Note, Label,
  ConversationLabel, Template, TemplateEvent, AuditEntry, AuditHead, ApiKey, IdempotencyRecord, OutboxEntry,
];
