import { randomUUID } from "node:crypto";
import { ExecutionArgs, getOperationAST } from "graphql";
import type { ConnectionInitMessage, ServerOptions } from "graphql-ws";
import type { Principal } from "../auth/principal";
import { claimedName, codeOf, OperationRecord, Telemetry } from "./telemetry";

interface WsOperation extends OperationRecord {
  /** Past `onSubscribe`: graphql-ws now ends the operation with `onComplete`. */
  running: boolean;
  /** A subscription whose stream was set up (counted, and in the active gauge). */
  streaming: boolean;
  done: boolean;
}

type Errors = readonly { extensions?: Record<string, unknown> }[] | undefined;

const isAsyncIterable = (v: unknown): boolean =>
  typeof v === "object" && v !== null && typeof (v as Record<symbol, unknown>)[Symbol.asyncIterator] === "function";

/**
 * Wraps graphql-ws server options so that every operation over the socket gets a log line and
 * metric samples, like HTTP requests do. The wrapped hooks run first and their results (masked
 * errors, formatted results) are returned unchanged; the codes recorded are those the client got.
 *
 * graphql-ws lifecycle as used here: `onSubscribe` → (errors: `onError`, nothing else) or
 * `onOperation` → `onNext`* → (`onError` if the stream throws) → `onComplete`. A query or mutation
 * is logged when it completes; a subscription is counted when its stream is set up and logged
 * when it ends, with its lifetime as duration and the number of events sent.
 */
export function observeWebSocketOperations<P extends ConnectionInitMessage["payload"], E>(
  telemetry: Telemetry,
  options: ServerOptions<P, E>,
  /** The principal the connection authenticated as, for operations refused before they run. */
  principalOf: (extra: E) => Principal | undefined = () => undefined,
): ServerOptions<P, E> {
  const { metrics } = telemetry;
  const operations = new WeakMap<object, Map<string, WsOperation>>();
  /** Connections counted in the sockets gauge (onClose always runs; onDisconnect may not). */
  const counted = new WeakSet<object>();
  const opsOf = (ctx: object) => {
    let ops = operations.get(ctx);
    if (!ops) operations.set(ctx, (ops = new Map()));
    return ops;
  };
  const addCodes = (op: WsOperation | undefined, errors: Errors) => {
    for (const e of errors ?? []) op?.codes.add(codeOf(e));
  };
  const end = (ctx: object, id: string) => {
    const op = opsOf(ctx).get(id);
    if (!op || op.done) return;
    op.done = true;
    opsOf(ctx).delete(id);
    if (op.streaming) metrics.subscriptionEnded();
    telemetry.finish(op, { count: !op.streaming });
  };
  const describe = (op: WsOperation, args: ExecutionArgs) => {
    const ctxValue = args.contextValue as { requestId?: unknown; principal?: Principal } | undefined;
    if (typeof ctxValue?.requestId === "string") op.requestId = ctxValue.requestId;
    if (ctxValue?.principal) op.principal = ctxValue.principal;
    const ast = getOperationAST(args.document, args.operationName);
    if (ast) {
      op.resolved = true;
      op.operationType = ast.operation;
      op.operationName = ast.name?.value ?? null;
    }
  };

  return {
    ...options,
    onConnect: async (ctx) => {
      const accepted = options.onConnect ? await options.onConnect(ctx) : undefined;
      if (accepted !== false) {
        counted.add(ctx);
        metrics.webSocketOpened();
      }
      return accepted;
    },
    onClose: async (ctx, code, reason) => {
      if (counted.delete(ctx)) metrics.webSocketClosed();
      await options.onClose?.(ctx, code, reason);
      // Anything graphql-ws did not complete (it normally does) must not stay in the gauge.
      for (const id of [...opsOf(ctx).keys()]) end(ctx, id);
    },
    onSubscribe: async (ctx, id, payload) => {
      const op: WsOperation = {
        transport: "ws", requestId: null, principal: principalOf(ctx.extra) ?? null, operationName: claimedName(payload.operationName, payload.query),
        operationType: null, resolved: false, codes: new Set(), startedAt: performance.now(), running: false, streaming: false, done: false,
      };
      opsOf(ctx).set(id, op);
      let result;
      try {
        result = options.onSubscribe ? await options.onSubscribe(ctx, id, payload) : undefined;
      } catch (err) {
        op.codes.add("INTERNAL_SERVER_ERROR");
        op.requestId ??= randomUUID();
        end(ctx, id);
        throw err;
      }
      if (result && !Array.isArray(result)) describe(op, result as ExecutionArgs);
      return result;
    },
    onOperation: async (ctx, id, payload, args, result) => {
      const replaced = options.onOperation ? await options.onOperation(ctx, id, payload, args, result) : undefined;
      const op = opsOf(ctx).get(id);
      if (op) {
        op.running = true;
        describe(op, args);
        if (isAsyncIterable(replaced ?? result)) {
          op.streaming = true;
          op.events = 0;
          metrics.subscriptionStarted();
          telemetry.subscriptionSetUp(op);
        }
      }
      return replaced;
    },
    onNext: async (ctx, id, payload, args, result) => {
      const formatted = options.onNext ? await options.onNext(ctx, id, payload, args, result) : undefined;
      const op = opsOf(ctx).get(id);
      if (op?.events !== undefined) op.events++;
      addCodes(op, (formatted ?? result).errors as Errors);
      return formatted;
    },
    onError: async (ctx, id, payload, errors) => {
      const formatted = options.onError ? await options.onError(ctx, id, payload, errors) : undefined;
      const op = opsOf(ctx).get(id);
      addCodes(op, (formatted ?? errors) as Errors);
      if (op) {
        op.requestId ??= randomUUID();
        // Refused before it ran (validation, limits, rate limit): no onComplete follows.
        if (!op.running) end(ctx, id);
      }
      return formatted;
    },
    onComplete: async (ctx, id, payload) => {
      await options.onComplete?.(ctx, id, payload);
      end(ctx, id);
    },
  };
}
