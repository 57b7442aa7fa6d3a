import type { CommandSpec } from "./runCommand";

type Args = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === "string" ? v.slice(0, 36) : null);
const field = (name: string) => (a: Args) => str(a[name]);
const inputField = (name: string) => (a: Args) => str((a.input as Args | undefined)?.[name]);

/**
 * Every mutation's audited action and target, in one table: commands use it for their entries
 * and the shield uses it to record denials it makes before a command runs.
 */
export const mutationActions = {
  claimConversation: { action: "conversation.claim", targetType: "Conversation", targetId: field("id") },
  assignConversation: { action: "conversation.assign", targetType: "Conversation", targetId: inputField("conversationId") },
  unassignConversation: { action: "conversation.unassign", targetType: "Conversation", targetId: field("id") },
  transferConversation: { action: "conversation.transfer", targetType: "Conversation", targetId: field("id") },
  setConversationStatus: { action: "conversation.setStatus", targetType: "Conversation", targetId: field("id") },
  addNote: { action: "note.add", targetType: "Note", targetId: () => null },
  editNote: { action: "note.edit", targetType: "Note", targetId: field("id") },
  deleteNote: { action: "note.delete", targetType: "Note", targetId: field("id") },
  createLabel: { action: "label.create", targetType: "Label", targetId: () => null },
  renameLabel: { action: "label.rename", targetType: "Label", targetId: field("id") },
  archiveLabel: { action: "label.archive", targetType: "Label", targetId: field("id") },
  applyLabel: { action: "conversation.applyLabel", targetType: "Conversation", targetId: field("conversationId") },
  removeLabel: { action: "conversation.removeLabel", targetType: "Conversation", targetId: field("conversationId") },
  setUserRole: { action: "user.setRole", targetType: "User", targetId: field("userId") },
  deactivateUser: { action: "user.deactivate", targetType: "User", targetId: field("userId") },
  addTeamMember: { action: "team.addMember", targetType: "Team", targetId: field("teamId") },
  removeTeamMember: { action: "team.removeMember", targetType: "Team", targetId: field("teamId") },
  updateTeamSettings: { action: "team.updateSettings", targetType: "Team", targetId: field("teamId") },
  createApiKey: { action: "apiKey.create", targetType: "ApiKey", targetId: () => null },
  revokeApiKey: { action: "apiKey.revoke", targetType: "ApiKey", targetId: field("id") },
  createTemplate: { action: "template.create", targetType: "Template", targetId: () => null },
  updateTemplate: { action: "template.update", targetType: "Template", targetId: field("id") },
  submitTemplate: { action: "template.submit", targetType: "Template", targetId: field("id") },
  approveTemplate: { action: "template.approve", targetType: "Template", targetId: field("id") },
  rejectTemplate: { action: "template.reject", targetType: "Template", targetId: field("id") },
  archiveTemplate: { action: "template.archive", targetType: "Template", targetId: field("id") },
  sendMessage: { action: "message.send", targetType: "Conversation", targetId: field("conversationId") },
  sendTemplate: { action: "message.sendTemplate", targetType: "Conversation", targetId: field("conversationId") },
} satisfies Record<string, { action: string; targetType: string; targetId: (a: Args) => string | null }>;

export type MutationName = keyof typeof mutationActions;

/** The command spec of a mutation called with `args`. */
export function specFor(mutation: MutationName, args: Args): CommandSpec {
  const a = mutationActions[mutation];
  return { action: a.action, targetType: a.targetType, targetId: a.targetId(args) };
}
