import { z } from "zod";

/** Settings of the operations endpoints. */
export interface ObservabilityConfig {
  /** When set, `GET /metrics` requires `Authorization: Bearer <token>`; unset, it is open. */
  metricsToken: string | null;
}

/** Environment variables read by `observabilityConfigFrom`; merged into the config schema. */
export const observabilityEnvShape = {
  // Empty counts as unset, so `METRICS_TOKEN=${METRICS_TOKEN:-}` in a compose file means "none".
  METRICS_TOKEN: z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
    z.string().trim().min(16, "METRICS_TOKEN must be at least 16 characters").optional()),
};

type ObservabilityEnv = { [K in keyof typeof observabilityEnvShape]?: z.infer<(typeof observabilityEnvShape)[K]> };

export const observabilityConfigFrom = (e: ObservabilityEnv): ObservabilityConfig => ({ metricsToken: e.METRICS_TOKEN ?? null });
