import { AsyncLocalStorage } from "node:async_hooks";
import type { ApolloServerPlugin, GraphQLRequestContextWillSendResponse } from "@apollo/server";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { GraphQLError, GraphQLFormattedError } from "graphql";
import type { Context } from "../context";
import { claimedName, codeOf, OperationRecord, Telemetry } from "./telemetry";

/**
 * Structured request logs and metrics for GraphQL over HTTP, in two parts sharing one record per
 * request through AsyncLocalStorage:
 *
 * - `httpMiddleware` (mounted first on /graphql) starts the clock and writes the line when the
 *   response has been sent, with the final HTTP status. It also covers requests that never reach
 *   an operation (missing or bad credentials, rate limits, CSRF refusals, malformed bodies).
 * - `plugin` (Apollo Server) fills in the principal, the operation and the error codes the client
 *   received. Used without the middleware (e.g. `executeOperation`), it writes the line itself.
 */
export interface HttpRequestLog {
  plugin: ApolloServerPlugin<Context>;
  httpMiddleware: RequestHandler;
}

interface HttpRecord extends OperationRecord {
  /** Whether Apollo got as far as an operation (so the record holds its outcome). */
  operationSeen: boolean;
}

/** Codes for requests refused before any operation, when no GraphQL error told us better. */
function codeForStatus(status: number): string | null {
  if (status < 400) return null;
  if (status === 401) return "UNAUTHENTICATED";
  if (status === 403) return "FORBIDDEN";
  if (status === 429) return "RATE_LIMITED";
  if (status === 503) return "SERVICE_UNAVAILABLE";
  return status >= 500 ? "INTERNAL_SERVER_ERROR" : "BAD_REQUEST";
}

const errorsOf = (rc: GraphQLRequestContextWillSendResponse<Context>): readonly GraphQLFormattedError[] => {
  const body = rc.response.body;
  if (body.kind === "single") return body.singleResult.errors ?? [];
  return body.initialResult.errors ?? [];
};

export function createHttpRequestLog(telemetry: Telemetry): HttpRequestLog {
  const current = new AsyncLocalStorage<HttpRecord>();
  const newRecord = (): HttpRecord => ({
    transport: "http", requestId: null, principal: null, operationName: null, operationType: null,
    resolved: false, codes: new Set(), startedAt: performance.now(), operationSeen: false,
  });
  const refusedBeforeOperation = (error: GraphQLError | Error) => {
    current.getStore()?.codes.add(codeOf(error as GraphQLError));
  };

  const plugin: ApolloServerPlugin<Context> = {
    // Refusals before an operation exists: the middleware writes the line with these codes.
    async contextCreationDidFail({ error }) { refusedBeforeOperation(error); },
    async invalidRequestWasReceived({ error }) { refusedBeforeOperation(error); },
    async unexpectedErrorProcessingRequest() { current.getStore()?.codes.add("INTERNAL_SERVER_ERROR"); },
    async requestDidStart({ contextValue, request }) {
      const record = current.getStore() ?? null;
      const op = record ?? newRecord();
      op.requestId = contextValue.requestId;
      op.principal = contextValue.principal;
      op.operationName = claimedName(request.operationName, request.query);
      return {
        async willSendResponse(rc) {
          op.operationSeen = true;
          if (rc.operation) {
            op.resolved = true;
            op.operationType = rc.operation.operation;
            op.operationName = rc.operation.name?.value ?? rc.operationName ?? null;
          }
          for (const e of errorsOf(rc)) op.codes.add(codeOf(e));
          if (!record) telemetry.finish({ ...op, httpStatus: rc.response.http.status ?? 200 });
        },
      };
    },
  };

  const httpMiddleware = (req: Request, res: Response, next: NextFunction) => {
    const op = newRecord();
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      op.requestId ??= typeof res.locals.requestId === "string" ? res.locals.requestId : null;
      if (!op.operationSeen) {
        const params = (req.method === "GET" ? req.query : req.body) as { operationName?: unknown; query?: unknown } | undefined;
        op.operationName ??= claimedName(params?.operationName, params?.query);
      }
      if (!res.writableFinished) op.codes.add("CLIENT_CLOSED_REQUEST");
      else if (!op.operationSeen && op.codes.size === 0) {
        const code = codeForStatus(res.statusCode);
        // Neither an operation nor a refusal (a landing page, a CORS preflight): not logged.
        if (code === null) return;
        op.codes.add(code);
      }
      telemetry.finish({ ...op, httpStatus: res.statusCode });
    };
    res.once("finish", finish);
    res.once("close", finish);
    current.run(op, next);
  };

  return { plugin, httpMiddleware };
}
