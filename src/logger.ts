import pino, { Logger } from "pino";

/** Structured JSON logs. Authorization headers and PII never reach them (redacted by path). */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: "switchboard" },
    redact: { paths: ["req.headers.authorization", "*.authorization", "*.phoneNumber", "*.secret", "*.token"], censor: "[redacted]" },
  });
}

export type { Logger };
