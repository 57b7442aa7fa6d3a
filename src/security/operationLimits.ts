import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import { maxDirectivesRule } from "@escape.tech/graphql-armor-max-directives";
import { DocumentNode, GraphQLError, GraphQLSchema, isListType, isNonNullType, ParseOptions, ValidationContext, ValidationRule } from "graphql";
import { ComplexityEstimator, getComplexity, simpleEstimator } from "graphql-query-complexity";
import { ErrorCode } from "../errors";

/** Bounds on every operation, over HTTP and WebSocket alike (OWASP GraphQL Cheat Sheet). */
export interface OperationLimits {
  depth: number;
  aliases: number;
  directives: number;
  tokens: number;
  cost: number;
}

/**
 * Defaults: generous for real clients (a 100-conversation queue page with contact, assignee,
 * labels, 20 notes and 20 messages costs about 45,000) and far below what would hurt the server.
 */
export const DEFAULT_LIMITS: OperationLimits = { depth: 12, aliases: 20, directives: 20, tokens: 3000, cost: 50_000 };

/** Lists without a page argument are assumed to hold this many items when costing a query. */
const ASSUMED_LIST_SIZE = 10;

/**
 * Each field costs 1 plus its children; a list's children count once per item it may return:
 * `first`/`last` when given (or their defaults), else a nominal size.
 */
const pageEstimator: ComplexityEstimator = ({ type: parent, field, args, childComplexity }) => {
  let type = field.type;
  if (isNonNullType(type)) type = type.ofType;
  // A connection's `edges`/`nodes` hold the page its field already paid for with `first`.
  const pageOfConnection = parent.name.endsWith("Connection") && (field.name === "edges" || field.name === "nodes");
  const size = typeof args.first === "number" ? args.first : typeof args.last === "number" ? args.last
    : isListType(type) && !pageOfConnection ? ASSUMED_LIST_SIZE : 1;
  return 1 + childComplexity * Math.max(size, 1);
};

/** The graphql-armor validation rules for depth, aliases and directives. */
export function limitRules(limits: OperationLimits, exposeLimits: boolean): ValidationRule[] {
  // Report as validation errors (400, GRAPHQL_VALIDATION_FAILED) instead of throwing, which
  // Apollo would answer as an internal error.
  const report = { propagateOnRejection: false, onReject: [(ctx: ValidationContext | null, err: GraphQLError) => ctx?.reportError(err)] };
  return [
    maxDepthRule({ n: limits.depth, exposeLimits, ...report }),
    maxAliasesRule({ n: limits.aliases, exposeLimits, ...report }),
    maxDirectivesRule({ n: limits.directives, exposeLimits, ...report }),
  ] as ValidationRule[];
}

/** Parser options: the token limit is enforced by graphql-js's own parser. */
export const parseOptions = (limits: OperationLimits): ParseOptions => ({ maxTokens: limits.tokens });

/** The cost of an operation with its variables, or an error when it is over the limit. */
export function costError(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | undefined,
  operationName: string | undefined | null, limits: OperationLimits, exposeLimits: boolean): GraphQLError | null {
  let cost: number;
  try {
    cost = getComplexity({ schema, query: document, variables: variables ?? {}, operationName: operationName ?? undefined,
      estimators: [pageEstimator, simpleEstimator({ defaultComplexity: 1 })] });
  } catch {
    return null; // variable errors are reported by execution with their own codes
  }
  if (cost <= limits.cost) return null;
  return new GraphQLError(exposeLimits ? `Query cost ${cost} exceeds the limit of ${limits.cost}` : "Query is too expensive",
    { extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, http: { status: 400 } } });
}

