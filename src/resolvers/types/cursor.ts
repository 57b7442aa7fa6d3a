import { badInput } from "../../errors";

/** A keyset position: the sort key and the id that breaks ties. */
export interface Cursor { at: Date; id: string }

/** Opaque to clients: base64url of `[isoTime, id]`. */
export const encodeCursor = (c: Cursor): string => Buffer.from(JSON.stringify([c.at.toISOString(), c.id])).toString("base64url");

/** Decodes a client's cursor; anything malformed is BAD_USER_INPUT, never a server error. */
export function decodeCursor(value: string): Cursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === "string" && typeof parsed[1] === "string") {
      const at = new Date(parsed[0]);
      if (!Number.isNaN(at.getTime())) return { at, id: parsed[1] };
    }
  } catch {
    // fall through to the error below
  }
  throw badInput("`after` is not a cursor returned by this API", "after");
}
