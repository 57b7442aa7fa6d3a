import type { NonEmptyArray } from "type-graphql";
import { ApiKeyResolver } from "./ApiKeyResolver";
import { AuditEntryResolver } from "./AuditEntryResolver";
import { AssignmentResolver, MessageResolver, NoteResolver, TemplateEventResolver } from "./ChildResolvers";
import { ContactResolver } from "./ContactResolver";
import { ConversationResolver } from "./ConversationResolver";
import { LabelResolver } from "./LabelResolver";
import { AssigneeLoadResolver, QueueResolver } from "./QueueResolver";
import { TeamResolver } from "./TeamResolver";
import { TemplateResolver } from "./TemplateResolver";
import { UserResolver } from "./UserResolver";
import { ViewerResolver } from "./ViewerResolver";

/** Every resolver class, for buildSchema. */
export const resolvers: NonEmptyArray<Function> = [
  ViewerResolver, ConversationResolver, ContactResolver, UserResolver, TeamResolver, LabelResolver,
  TemplateResolver, AuditEntryResolver, QueueResolver, AssigneeLoadResolver, ApiKeyResolver,
  NoteResolver, MessageResolver, AssignmentResolver, TemplateEventResolver,
];
