import {
  getNamedType, GraphQLField, GraphQLNamedType, GraphQLObjectType, GraphQLSchema, isAbstractType, isLeafType, isNonNullType, isObjectType,
} from "graphql";

/** A response path as GraphQL reports it: field names and list indices. */
export type ResponsePath = readonly (string | number)[];

const fieldsOf = (type: GraphQLObjectType): GraphQLField<unknown, unknown>[] =>
  Object.values(type.getFields()).sort((a, b) => a.name.localeCompare(b.name));

/** Only fields a generated query can select: every argument optional or defaulted. */
const selectable = (f: GraphQLField<unknown, unknown>): boolean =>
  f.args.every((a) => a.defaultValue !== undefined || !isNonNullType(a.type));

function leavesOf(type: GraphQLNamedType): string {
  if (isAbstractType(type)) return "__typename";
  if (!isObjectType(type)) return "";
  const leaves = fieldsOf(type).filter((f) => selectable(f) && isLeafType(getNamedType(f.type))).map((f) => f.name);
  return leaves.length > 0 ? leaves.join(" ") : "__typename";
}

/**
 * A selection of every field of `type`, recursing into object fields; a type already on the path
 * gets its scalar and enum fields only, so cycles (User → Team → User) end while every field of
 * every reachable type is still selected somewhere. Built from the schema, so new fields are
 * selected without touching the tests.
 */
export function selectEverything(type: GraphQLObjectType, onPath: ReadonlySet<string> = new Set()): string {
  const path = new Set(onPath).add(type.name);
  const parts: string[] = [];
  for (const field of fieldsOf(type)) {
    if (!selectable(field)) continue;
    const named = getNamedType(field.type);
    if (isLeafType(named)) parts.push(field.name);
    else if (isObjectType(named) && !path.has(named.name)) parts.push(`${field.name} { ${selectEverything(named, path)} }`);
    else parts.push(`${field.name} { ${leavesOf(named)} }`);
  }
  return parts.join(" ");
}

/** The object type and field a response path ends at, walking the schema from `Query`. */
export function fieldAtPath(schema: GraphQLSchema, path: ResponsePath): { parentType: string; field: string } {
  let type: GraphQLNamedType = schema.getQueryType()!;
  let parentType = type.name;
  let field = "";
  for (const segment of path) {
    if (typeof segment === "number") continue;
    if (!isObjectType(type)) throw new Error(`path ${path.join(".")} leaves the object types at ${segment}`);
    const def: GraphQLField<unknown, unknown> | undefined = type.getFields()[segment];
    if (!def) throw new Error(`path ${path.join(".")}: ${type.name} has no field ${segment}`);
    parentType = type.name;
    field = segment;
    type = getNamedType(def.type);
  }
  return { parentType, field };
}
