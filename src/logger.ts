import pino, { DestinationStream, Logger } from "pino";

/**
 * Structured JSON logs. Authorization headers and PII never reach them (redacted by path).
 * `destination` (default stdout) lets tests capture the lines.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({
    level,
    base: { service: "switchboard" },
    redact: { paths: ["req.headers.authorization", "*.authorization", "*.phoneNumber", "*.secret", "*.token"], censor: "[redacted]" },
  }, destination);
}

export type { Logger };
