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

const byTeamId = (a: { teamId: string }, b: { teamId: string }) => (a.teamId < b.teamId ? -1 : a.teamId > b.teamId ? 1 : 0);
const USER_FIELDS = 5; // kind, id, organizationId, role, teams

/** Everything about a principal that the policy may read, except who it is. */
export function cohortKey(p: Live): string {
  // The common case, quickly: a user principal with exactly the fields it has today.
  if (p.kind === "USER" && Object.keys(p).length === USER_FIELDS) {
    const teams = p.teams.length === 1 ? p.teams : [...p.teams].sort(byTeamId);
    let key = `USER|${p.organizationId}|${p.role}`;
    for (const t of teams) key += `|${t.teamId}:${t.agentVisibility}`;
    return key;
  }
  // Anything else (API keys, a principal that has grown a field): every field but the id.
  const rest: Record<string, unknown> = { ...p, id: undefined }; // JSON leaves undefined out
  for (const k in rest) {
    const v = rest[k];
    if (k === "teams") rest[k] = [...(v as Live["teams"])].sort(byTeamId);
    else if (v instanceof Set || v instanceof Map) rest[k] = [...v].sort(); // API key scopes
  }
  return JSON.stringify(rest);
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

/** An event's result for one subscriber; `json` is its serialization when shared and free of errors. */
interface Rendered {
  result: ExecutionResult;
  json?: string;
}

interface CohortRender {
  /** The context of the subscriber that executed it. */
  owner: unknown;
  result: Promise<Rendered>;
  /** The result, or null when it depended on the representative's identity (or failed). */
  shareable: Promise<Rendered | null>;
}

/** A member's render: the cohort's, or null (execute your own). */
type MemberRender = Promise<Rendered | null>;

/** The promises members wait on, to tell them from the renders a subscriber executed itself. */
const memberRenders = new WeakSet<MemberRender>();

/** What makes two subscriptions' operations the same: document, operation, variables (null: not comparable). */
function operationKey(args: ExecutionArgs): string | null {
  try {
    return `${documentId(args.document)}:${args.operationName ?? ""}:${JSON.stringify(args.variableValues ?? null)}`;
  } catch {
    return null;
  }
}

/** Serialized once for every member of the cohort; results with errors go through the hooks that format them. */
function serialized(result: ExecutionResult): Rendered {
  if (result.errors) return { result };
  try {
    return { result, json: JSON.stringify(result) };
  } catch {
    return { result };
  }
}

async function ownRender(args: ExecutionArgs, payload: unknown): Promise<Rendered> {
  liveRenderStats.executed++;
  return { result: await execute({ ...args, rootValue: payload }) };
}

function renderEvent(memo: EventMemo, args: ExecutionArgs, operation: string | null, payload: unknown): Promise<Rendered> | MemberRender {
  if (operation === null || !isLiveEvent(payload)) return ownRender(args, payload);
  const cohorts = memo.value(payload.event.id, `render:${operation}`, () => new Map<string, CohortRender>());
  const key = cohortKey(payload.principal);
  let cohort = cohorts.get(key);
  if (!cohort) {
    const tracked = trackIdentity(payload.principal);
    liveRenderStats.executed++;
    const executed = Promise.resolve(execute({ ...args, rootValue: { ...payload, principal: tracked.principal, scope: tracked.scope } }));
    const shareable = executed.then((r) => {
      if (!tracked.identityRead()) return serialized(r);
      liveRenderStats.identityDependent++;
      return null;
    }, () => null);
    // The representative's own result is right for it whatever it read.
    const result = executed.then((r) => shareable.then((shared) => shared ?? { result: r }));
    memberRenders.add(shareable);
    cohorts.set(key, (cohort = { owner: args.contextValue, result, shareable }));
  }
  // Members wait on the cohort's one promise (no promise of their own: hundreds share it).
  return cohort.owner === args.contextValue ? cohort.result : cohort.shareable;
}

/**
 * Sends one `next` message of a subscription exactly as graphql-ws would (its `onNext` hooks
 * run, the message is the same) but with the payload already serialized. Given by the
 * WebSocket server per operation (`sendsSerialized`).
 */
export type SerializedSend = (args: ExecutionArgs, result: ExecutionResult, json: string) => Promise<void>;

const serializedSenders = new WeakMap<object, SerializedSend>();

/** Lets the events of the operation with this context value be sent pre-serialized. */
export function sendsSerialized(contextValue: object, send: SerializedSend): void {
  serializedSenders.set(contextValue, send);
}

/** The socket a graphql-ws connection writes to, as graphql-ws/use/ws does. */
interface Socket {
  readonly readyState: number;
  readonly OPEN: number;
  readonly bufferedAmount: number;
  send(data: string, cb?: (err?: Error) => void): void;
}

/** Below this many bytes queued on a socket a message is written without waiting for it to be flushed. */
const SOCKET_SLACK_BYTES = 64 * 1024;

/**
 * A `SerializedSend` over a `ws` socket for operation `id`: runs the server's `onNext` hooks
 * (logs, metrics, error masking) as graphql-ws does, then writes the `next` message.
 */
export function wsSerializedSend(socket: Socket, id: string, onNext: (args: ExecutionArgs, result: ExecutionResult) => unknown): SerializedSend {
  const head = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
  return async (args, result, json) => {
    const replaced = await onNext(args, result);
    const body = replaced ? JSON.stringify(replaced) : json;
    if (socket.readyState !== socket.OPEN) return;
    // graphql-ws waits for every message to be flushed; a socket with room needs no wait (and no
    // promise per message), one that is behind is waited for, so a slow client still holds its stream back.
    if (socket.bufferedAmount < SOCKET_SLACK_BYTES) return socket.send(`${head}${body}}`);
    await new Promise<void>((resolve, reject) => socket.send(`${head}${body}}`, (err) => (err ? reject(err) : resolve())));
  };
}

/**
 * The subscription's results: each event rendered (shared within its cohort); results that
 * have a shared serialization are sent with it right here, the others are yielded to graphql-ws.
 * `return()` reaches the source at once, even while it waits (as graphql-js's mapping does).
 */
function resultStream(source: AsyncIterator<unknown>, render: (payload: unknown) => Promise<Rendered> | MemberRender, args: ExecutionArgs,
  send: SerializedSend | undefined): AsyncIterableIterator<ExecutionResult> {
  const fail = async (error: unknown): Promise<never> => {
    try { await source.return?.(); } catch { /* the error below is the one to report */ }
    throw error;
  };
  return {
    next: async () => {
      for (;;) {
        const item = await source.next();
        if (item.done) return { done: true, value: undefined };
        let rendered: Rendered;
        try {
          const pending = render(item.value);
          const done = await pending;
          if (done && memberRenders.has(pending as MemberRender)) liveRenderStats.shared++;
          rendered = done ?? (await ownRender(args, item.value));
          if (send && rendered.json !== undefined) {
            await send(args, rendered.result, rendered.json);
            continue;
          }
        } catch (error) {
          return fail(error);
        }
        return { done: false, value: rendered.result };
      }
    },
    return: async () => {
      await source.return?.();
      return { done: true, value: undefined };
    },
    throw: async (error?: unknown) => {
      await source.return?.();
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
    const operation = operationKey(args);
    const send = serializedSenders.get(args.contextValue as object);
    return resultStream((stream as AsyncIterable<unknown>)[Symbol.asyncIterator](), (payload) => renderEvent(memo, args, operation, payload), args, send);
  };
}
