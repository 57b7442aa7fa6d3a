import { badInput } from "../errors";

/** Trims an optional free-text reason and bounds it, so the audit trail stays readable. */
export function optionalReason(reason: string | null | undefined, max = 500): string | null {
  if (reason === undefined || reason === null) return null;
  const trimmed = reason.trim();
  if (trimmed.length > max) throw badInput(`reason must be at most ${max} characters`, "reason");
  return trimmed.length > 0 ? trimmed : null;
}

/** Idempotency keys are opaque client strings of bounded length. */
export function idempotencyKey(key: string | null | undefined): string | null {
  if (key === undefined || key === null) return null;
  if (!/^[\x21-\x7e]{1,128}$/.test(key)) throw badInput("idempotencyKey must be 1 to 128 printable characters", "idempotencyKey");
  return key;
}
