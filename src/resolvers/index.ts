import type { NonEmptyArray } from "type-graphql";
import { ApiKeyMutationResolver } from "./ApiKeyMutationResolver";
import { ApiKeyResolver } from "./ApiKeyResolver";
import { AuditEntryResolver } from "./AuditEntryResolver";
import { AssignmentResolver, MessageResolver, NoteResolver, TemplateEventResolver } from "./ChildResolvers";
import { ContactResolver } from "./ContactResolver";
import { ConversationMutationResolver } from "./ConversationMutationResolver";
import { ConversationResolver } from "./ConversationResolver";
import { LabelMutationResolver } from "./LabelMutationResolver";
import { LabelResolver } from "./LabelResolver";
import { MessageMutationResolver } from "./MessageMutationResolver";
import { NoteMutationResolver } from "./NoteMutationResolver";
import { PeopleMutationResolver } from "./PeopleMutationResolver";
import { OwnershipGapResolver } from "./OwnershipGapResolver";
import { AssigneeLoadResolver, QueueResolver, QueueSnapshotResolver } from "./QueueResolver";
import { SubscriptionResolver } from "./SubscriptionResolver";
import { TeamResolver } from "./TeamResolver";
import { TemplateMutationResolver } from "./TemplateMutationResolver";
import { TemplateResolver } from "./TemplateResolver";
import { UserResolver } from "./UserResolver";
import { ViewerResolver } from "./ViewerResolver";

/** Every resolver class, for buildSchema. */
export const resolvers: NonEmptyArray<Function> = [
  ViewerResolver, ConversationResolver, ContactResolver, UserResolver, TeamResolver, LabelResolver,
  TemplateResolver, AuditEntryResolver, QueueResolver, AssigneeLoadResolver, ApiKeyResolver,
  NoteResolver, MessageResolver, AssignmentResolver, TemplateEventResolver,
  ConversationMutationResolver, SubscriptionResolver, QueueSnapshotResolver, OwnershipGapResolver,
  NoteMutationResolver, LabelMutationResolver,
  PeopleMutationResolver, ApiKeyMutationResolver,
  TemplateMutationResolver, MessageMutationResolver,
];
