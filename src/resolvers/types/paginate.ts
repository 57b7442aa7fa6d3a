import { Brackets, ObjectLiteral, SelectQueryBuilder } from "typeorm";
import { badInput } from "../../errors";
import { Cursor, decodeCursor, encodeCursor } from "./cursor";

/** The largest page a client may ask for. */
export const MAX_PAGE_SIZE = 100;

export interface Page<T> {
  nodes: T[];
  hasNextPage: boolean;
  endCursor: string | null;
}

/** Rejects page sizes outside 0..max (MAX_PAGE_SIZE; only the bench raises it) with BAD_USER_INPUT. */
export function checkPageSize(first: number, max: number = MAX_PAGE_SIZE): void {
  if (!Number.isInteger(first) || first < 0 || first > max) {
    throw badInput(`\`first\` must be between 0 and ${max}`, "first");
  }
}

/**
 * Keyset pagination on (createdAt, id): the page after a cursor costs the same at any depth and
 * any table size, given an index ending in (createdAt, id).
 */
export async function keysetPage<T extends { id: string; createdAt: Date }>(
  qb: SelectQueryBuilder<T & ObjectLiteral>, alias: string, first: number, after: string | null | undefined, direction: "ASC" | "DESC",
  maxPageSize: number = MAX_PAGE_SIZE,
): Promise<Page<T>> {
  checkPageSize(first, maxPageSize);
  const cursor: Cursor | null = after ? decodeCursor(after) : null;
  if (cursor) {
    const op = direction === "ASC" ? ">" : "<";
    // The plain bound first: an OR alone is not an index range, and the database would walk the
    // index from the start of the queue up to the cursor (measured: 2× slower halfway down a
    // million-conversation queue). With it, the page starts at the cursor whatever its depth.
    qb.andWhere(`${alias}.createdAt ${op}= :cursorAt`, { cursorAt: cursor.at });
    qb.andWhere(new Brackets((b) => b
      .where(`${alias}.createdAt ${op} :cursorAt`, { cursorAt: cursor.at })
      .orWhere(new Brackets((t) => t.where(`${alias}.createdAt = :cursorAt`).andWhere(`${alias}.id ${op} :cursorId`, { cursorId: cursor.id })))));
  }
  const rows = await qb.orderBy(`${alias}.createdAt`, direction).addOrderBy(`${alias}.id`, direction).take(first + 1).getMany(); // one extra row tells whether a next page exists
  const nodes = rows.slice(0, first);
  const last = nodes[nodes.length - 1];
  return { nodes, hasNextPage: rows.length > first, endCursor: last ? encodeCursor({ at: last.createdAt, id: last.id }) : null };
}
