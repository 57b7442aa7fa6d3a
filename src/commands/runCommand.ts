import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import { GraphQLError } from "graphql";
import { EntityManager, LessThan } from "typeorm";
import { actorOf } from "../audit/actor";
import { appendAuditEntry } from "../audit/appendAuditEntry";
import { ensureHeadOnce } from "../audit/ensureHeadOnce";
import { recordRefusal } from "../audit/recordDenial";
import type { Context } from "../context";
import { AuditOutcome } from "../entities/enums";
import { IdempotencyRecord } from "../entities/IdempotencyRecord";
import { conflict, ErrorCode } from "../errors";
import { publishQueueEvents, QueueEvent } from "../subscriptions/events";
import { Refusal } from "./refusals";

/** What a command names before it runs: the audited action and its target. */
export interface CommandSpec {
  /** `conversation.assign`, `note.add`, … */
  action: string;
  targetType: string;
  targetId: string | null;
}

/** What a command's work returns: its result, the audit details, and events for after commit. */
export interface CommandOutcome<T> {
  result: T;
  teamId: string | null;
  targetId?: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  events?: QueueEvent[];
}

/** Retry safety for partner apps: the same key and input replays the first result. */
export interface Idempotency<T> {
  key: string;
  input: unknown;
  encode(result: T): string;
  decode(stored: string): T;
}

/** Idempotency keys are kept at least this long (then purged when the principal writes again). */
export const IDEMPOTENCY_TTL_MS = 48 * 60 * 60 * 1000;

/** Test hook: lets a test make the audit write fail, to prove the change rolls back with it. */
export const auditFaults = { failNext: false };

const principalKey = (ctx: Context): string => `${ctx.principal.kind === "USER" ? "user" : "apikey"}:${ctx.principal.id}`;
const hashInput = (operation: string, input: unknown): string =>
  createHash("sha256").update(`${operation}\n${canonicalize(input) ?? ""}`).digest("hex");

async function replay<T>(ctx: Context, spec: CommandSpec, idem: Idempotency<T>): Promise<T | undefined> {
  const found = await ctx.db.manager.findOne(IdempotencyRecord, { where: { principalKey: principalKey(ctx), key: idem.key } });
  if (!found || found.createdAt.getTime() < ctx.now().getTime() - IDEMPOTENCY_TTL_MS) return undefined;
  if (found.operation !== spec.action || found.inputHash !== hashInput(spec.action, idem.input)) {
    throw conflict("This idempotency key was already used with a different input");
  }
  return idem.decode(found.result);
}

/**
 * Runs one write use case: its work and its audit entry in one transaction, the idempotency
 * record with them, and its queue events published only after commit. Refusals (FORBIDDEN,
 * hidden targets, conflicts) are recorded in a transaction of their own and rethrown.
 */
export async function runCommand<T>(
  ctx: Context,
  spec: CommandSpec,
  work: (manager: EntityManager) => Promise<CommandOutcome<T>>,
  idem?: Idempotency<T>,
): Promise<T> {
  if (idem) {
    const replayed = await replay(ctx, spec, idem);
    if (replayed !== undefined) return replayed;
  }
  await ensureHeadOnce(ctx.db, ctx.principal.organizationId);
  let outcome: CommandOutcome<T>;
  try {
    outcome = await ctx.db.transaction(async (manager) => {
      const done = await work(manager);
      if (auditFaults.failNext) {
        auditFaults.failNext = false;
        throw new Error("injected audit write failure");
      }
      // Only the bench's "without audit" gateway skips this; createGateway refuses that in production.
      if (ctx.bench?.auditWrites !== "off") {
        await appendAuditEntry(manager, {
          organizationId: ctx.principal.organizationId, teamId: done.teamId, ...actorOf(ctx.principal), action: spec.action,
          targetType: spec.targetType, targetId: done.targetId ?? spec.targetId, outcome: AuditOutcome.SUCCESS,
          before: done.before, after: done.after, requestId: ctx.requestId, ipAddress: ctx.ip, userAgent: ctx.userAgent, createdAt: ctx.now(),
        });
      }
      if (idem) {
        const pk = principalKey(ctx);
        await manager.delete(IdempotencyRecord, { principalKey: pk, createdAt: LessThan(new Date(ctx.now().getTime() - IDEMPOTENCY_TTL_MS)) });
        await manager.insert(IdempotencyRecord, {
          principalKey: pk, key: idem.key, operation: spec.action, inputHash: hashInput(spec.action, idem.input),
          result: idem.encode(done.result), createdAt: ctx.now(),
        });
      }
      return done;
    });
  } catch (err) {
    if (err instanceof Refusal) {
      await recordRefusal(ctx, spec, err.outcome, err.teamId, err.message);
      throw err;
    }
    if (idem && isDuplicateKey(err)) {
      // A concurrent request with the same key committed first: answer as its retry.
      const replayed = await replay(ctx, spec, idem);
      if (replayed !== undefined) return replayed;
    }
    if (err instanceof GraphQLError && err.extensions?.code === ErrorCode.CONFLICT) {
      await recordRefusal(ctx, spec, AuditOutcome.CONFLICT, null, err.message);
    }
    throw err;
  }
  if (outcome.events?.length) publishQueueEvents(ctx.events, outcome.events);
  return outcome.result;
}

/** Whether an error is a unique-key violation, on SQLite or MySQL. */
export function isDuplicateKey(err: unknown): boolean {
  const e = err as { code?: string; driverError?: { code?: string } } | null;
  const code = e?.driverError?.code ?? e?.code;
  return code === "ER_DUP_ENTRY" || code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "SQLITE_CONSTRAINT_UNIQUE";
}
