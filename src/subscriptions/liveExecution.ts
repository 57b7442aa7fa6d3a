import { createSourceEventStream, DocumentNode, execute, ExecutionArgs, ExecutionResult } from "graphql";
import type { ApiKeyPrincipal, UserPrincipal } from "../auth/principal";
import type { ConversationScope } from "../permissions/scopes";
import { conversationScope } from "../permissions/scopes";
import type { EventMemo } from "./eventMemo";
import type { LiveEvent } from "./liveStream";

type Live = UserPrincipal | ApiKeyPrincipal;

/**
 * Executing each event once per subscriber is what a busy wall of dashboards cannot afford
 * (10,000 supervisors, 20 events a second: 10,000 executions a second through every field
 * rule). Subscribers whose principals differ only in their id (same kind, organization, role,
 * teams and visibilities, scopes: a "cohort") and who sent the same operation get the same
 * result, unless something in the execution depends on who they are. So one of them, the
 * representative, executes the event with its principal's id (and its scope's `userId`) behind
 * getters that note any read; when nothing read them, the other members of the cohort receive
 * that result; when something did (an agent's "assigned to me", a user's own email, the viewer
 * itself), each member executes for itself as before. Every member's principal has been
 * reloaded and checked for this event by `liveStream` before it gets here.
 */

/** How renders went, for tests and diagnosis. */
export const liveRenderStats = { executed: 0, shared: 0, identityDependent: 0 };

/** Everything about a principal that the policy may read, except who it is. */
export function cohortKey(p: Live): string {
  const { id: _id, ...rest } = p as Live & Record<string, unknown>;
  const teams = [...p.teams].sort((a, b) => (a.teamId < b.teamId ? -1 : a.teamId > b.teamId ? 1 : 0));
  return JSON.stringify({ ...rest, teams }, (_k, v: unknown) => (v instanceof Set ? [...v].sort() : v));
}

/** A principal and its scope whose identity reads are noted. */
interface Tracked {
  principal: Live;
  scope: ConversationScope;
  identityRead(): boolean;
}

function trackIdentity(p: Live): Tracked {
  let read = false;
  const principal = { ...p } as Live;
  Object.defineProperty(principal, "id", { enumerable: true, get: () => { read = true; return p.id; } });
  const real = conversationScope(p);
  const scope = { ...real };
  Object.defineProperty(scope, "userId", { enumerable: true, get: () => { read = true; return real.userId; } });
  return { principal, scope, identityRead: () => read };
}

const isLiveEvent = (v: unknown): v is LiveEvent =>
  typeof v === "object" && v !== null && typeof (v as LiveEvent).event?.id === "string" && typeof (v as LiveEvent).principal?.kind === "string";

const documentIds = new WeakMap<DocumentNode, number>();
let nextDocumentId = 0;
const documentId = (d: DocumentNode): number => {
  let id = documentIds.get(d);
  if (id === undefined) documentIds.set(d, (id = ++nextDocumentId));
  return id;
};

interface CohortRender {
  /** The context of the subscriber that executed it. */
  owner: unknown;
  result: Promise<ExecutionResult>;
  /** The result, or null when it depended on the representative's identity (or failed). */
  shareable: Promise<ExecutionResult | null>;
}

function renderEvent(memo: EventMemo, args: ExecutionArgs, payload: unknown): Promise<ExecutionResult> {
  const own = async () => { liveRenderStats.executed++; return execute({ ...args, rootValue: payload }); };
  if (!isLiveEvent(payload)) return own();
  let variables: string;
  try {
    variables = JSON.stringify(args.variableValues ?? null);
  } catch {
    return own();
  }
  const key = `render:${documentId(args.document)}:${args.operationName ?? ""}:${variables}:${cohortKey(payload.principal)}`;
  const cohort = memo.value<CohortRender>(payload.event.id, key, () => {
    const tracked = trackIdentity(payload.principal);
    liveRenderStats.executed++;
    const result = Promise.resolve(execute({ ...args, rootValue: { ...payload, principal: tracked.principal, scope: tracked.scope } }));
    const shareable = result.then((r) => {
      if (!tracked.identityRead()) return r;
      liveRenderStats.identityDependent++;
      return null;
    }, () => null);
    return { owner: args.contextValue, result, shareable };
  });
  if (cohort.owner === args.contextValue) return cohort.result;
  return cohort.shareable.then((r) => {
    if (!r) return own();
    liveRenderStats.shared++;
    return r;
  });
}

/** Maps a source stream like graphql-js does: `return()` reaches the source at once, even while it waits. */
function mapStream<T, U>(iterable: AsyncIterable<T>, fn: (value: T) => Promise<U>): AsyncIterableIterator<U> {
  const iterator = iterable[Symbol.asyncIterator]();
  const mapResult = async (result: IteratorResult<T>): Promise<IteratorResult<U>> => {
    if (result.done) return { done: true, value: undefined };
    try {
      return { done: false, value: await fn(result.value) };
    } catch (error) {
      try { await iterator.return?.(); } catch { /* the error below is the one to report */ }
      throw error;
    }
  };
  return {
    next: async () => mapResult(await iterator.next()),
    return: async () => (iterator.return ? mapResult(await iterator.return()) : { done: true, value: undefined }),
    throw: async (error?: unknown) => {
      if (iterator.throw) return mapResult(await iterator.throw(error));
      throw error;
    },
    [Symbol.asyncIterator]() { return this; },
  };
}

/**
 * graphql-js `subscribe`, with each event executed once per cohort instead of once per
 * subscriber (see above). For graphql-ws's `subscribe` option.
 */
export function liveSubscribe(memo: EventMemo) {
  return async (args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> => {
    const stream = await createSourceEventStream(args);
    if (!(Symbol.asyncIterator in stream)) return stream as ExecutionResult;
    return mapStream(stream as AsyncIterable<unknown>, (payload) => renderEvent(memo, args, payload));
  };
}
