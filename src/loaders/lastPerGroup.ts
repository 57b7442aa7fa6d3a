import { EntityManager, EntityTarget, ObjectLiteral } from "typeorm";

/**
 * The newest `n` rows per group in one statement (ROW_NUMBER over a partition), so a page of
 * conversations costs one query for their messages whatever its size. Works on SQLite ≥ 3.25
 * and MySQL 8 / MariaDB 10.2.
 */
export async function lastPerGroup<T extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  table: string,
  groupColumn: string,
  groupIds: readonly string[],
  n: number,
  extra: { sql: string; params: ObjectLiteral } = { sql: "", params: {} },
): Promise<T[]> {
  if (groupIds.length === 0) return [];
  const ranked =
    `SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY ${groupColumn} ORDER BY createdAt DESC, id DESC) AS rn ` +
    `FROM ${table} WHERE ${groupColumn} IN (:...groupIds)${extra.sql ? ` AND ${extra.sql}` : ""}) ranked WHERE rn <= :n`;
  return manager
    .createQueryBuilder(entity, "r")
    .where(`r.id IN (${ranked})`, { ...extra.params, groupIds: [...groupIds], n })
    .orderBy("r.createdAt", "ASC")
    .addOrderBy("r.id", "ASC")
    .getMany();
}
