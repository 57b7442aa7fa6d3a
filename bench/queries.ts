/** The operations the scenarios send; one queue-page shape at every size. */

/**
 * A team's open queue, oldest first, as an inbox client draws it: the contact (with the
 * restricted phone number), the assignee (with the restricted email), labels and the last three
 * notes. No `totalCount`: counting reads every matching row, so it is not part of a page whose
 * cost must not depend on the table's size.
 */
export const QUEUE_PAGE = `query QueuePage($team: ID!, $first: Int!, $after: String) {
  conversations(first: $first, after: $after, filter: { teamId: $team, status: OPEN }) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id status priority waitingSince lastActivityAt
      contact { id name maskedPhoneNumber phoneNumber }
      assignee { id name email }
      labels { id name color }
      notes(last: 3) { id body visibility createdAt }
    }
  }
}`;

export const ASSIGN = `mutation Assign($input: AssignConversationInput!) {
  assignConversation(input: $input) { id version assignee { id } }
}`;

export const pageBody = (teamId: string, first: number, after: string | null = null): string =>
  JSON.stringify({ operationName: "QueuePage", query: QUEUE_PAGE, variables: { team: teamId, first, after } });

export const assignBody = (conversationId: string, assigneeId: string): string =>
  JSON.stringify({ operationName: "Assign", query: ASSIGN, variables: { input: { conversationId, assigneeId, reason: "bench" } } });

/** The shape of a queue page answer, as far as the harness checks it. */
export interface PageAnswer {
  data?: { conversations: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: { id: string }[] } | null } | null;
  errors?: { path?: (string | number)[]; extensions?: { code?: string } }[];
}
