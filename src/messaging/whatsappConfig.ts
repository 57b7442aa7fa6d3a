import { z } from "zod";

/** A team named the way operators write it: the organization's slug and the team's name. */
export interface TeamRef {
  organization: string;
  team: string;
}

/** How often and how persistently the outbox worker delivers queued messages. */
export interface OutboxSettings {
  /** Milliseconds between polls; 0 runs no background poll (tests call `drain()`). */
  pollIntervalMs: number;
  /** Delivery attempts before a message is FAILED. */
  maxAttempts: number;
  /** The first retry waits this long; each further one twice as long as the one before. */
  retryBaseMs: number;
  /** A Cloud API request that has not answered in this time counts as a failed attempt. */
  requestTimeoutMs: number;
}

/**
 * The WhatsApp Cloud API settings. Without `token` and `phoneNumberId` messages go to the log
 * transport; without `appSecret` the webhook accepts nothing; without `verifyToken` the
 * subscription handshake is refused.
 */
export interface WhatsAppConfig {
  verifyToken: string | null;
  appSecret: string | null;
  token: string | null;
  phoneNumberId: string | null;
  /** Cloud API base URL including the Graph API version. */
  apiBaseUrl: string;
  /** `metadata.phone_number_id` of an incoming change → the team whose queue receives it. */
  routing: Record<string, TeamRef>;
  /** The team for numbers not in `routing`; null: such messages are logged and dropped. */
  defaultTeam: TeamRef | null;
  /** WhatsApp Business Account id → organization slug, for template status updates. */
  businessAccounts: Record<string, string>;
  outbox: OutboxSettings;
}

export const DEFAULT_WHATSAPP_API_BASE_URL = "https://graph.facebook.com/v21.0";

/** The settings used when none are given: nothing configured, deliveries logged, no background poll. */
export const unconfiguredWhatsApp = (overrides: Partial<WhatsAppConfig> = {}): WhatsAppConfig => ({
  verifyToken: null, appSecret: null, token: null, phoneNumberId: null, apiBaseUrl: DEFAULT_WHATSAPP_API_BASE_URL,
  routing: {}, defaultTeam: null, businessAccounts: {},
  outbox: { pollIntervalMs: 0, maxAttempts: 5, retryBaseMs: 5000, requestTimeoutMs: 10_000 },
  ...overrides,
});

const TEAM_REF = /^([a-z0-9][a-z0-9-]*)\/(.+)$/;

/** `acme/Sales` → { organization: "acme", team: "Sales" }. */
export function parseTeamRef(value: string): TeamRef | null {
  const m = TEAM_REF.exec(value.trim());
  return m ? { organization: m[1], team: m[2].trim() } : null;
}

const teamRef = z.string().transform((v, ctx) => {
  const ref = parseTeamRef(v);
  if (!ref) ctx.addIssue({ code: z.ZodIssueCode.custom, message: "must be <organization slug>/<team name>, e.g. acme/Support" });
  return ref ?? { organization: "", team: "" };
});

/** A JSON object from the environment, each value checked by `value`. */
const jsonObject = <T>(value: z.ZodType<T, z.ZodTypeDef, unknown>, example: string) =>
  z.string().transform((raw, ctx) => {
    let parsed: unknown;
    try { parsed = JSON.parse(raw); } catch { parsed = undefined; }
    const result = z.record(z.string().regex(/^\d{1,32}$/, "keys must be numeric WhatsApp ids"), value).safeParse(parsed);
    if (!result.success) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must be a JSON object like ${example}` });
      return {} as Record<string, T>;
    }
    return result.data;
  });

const positiveInt = (fallback: number, max: number) => z.coerce.number().int().min(0).max(max).default(fallback);

/**
 * The WHATSAPP_* and OUTBOX_* variables, merged into the environment schema of src/config.ts.
 *
 * - WHATSAPP_ROUTING: `{"<phone_number_id>": "<org slug>/<team name>", …}`
 * - WHATSAPP_DEFAULT_TEAM: `<org slug>/<team name>` for numbers not in WHATSAPP_ROUTING
 * - WHATSAPP_BUSINESS_ACCOUNTS: `{"<WhatsApp Business Account id>": "<org slug>", …}`; template
 *   status updates of an account not listed go to the default team's organization
 */
export const whatsappEnvShape = {
  WHATSAPP_VERIFY_TOKEN: z.string().min(1).optional(),
  WHATSAPP_APP_SECRET: z.string().min(1).optional(),
  WHATSAPP_TOKEN: z.string().min(1).optional(),
  WHATSAPP_PHONE_NUMBER_ID: z.string().regex(/^\d{1,32}$/, "WHATSAPP_PHONE_NUMBER_ID must be the numeric phone number id").optional(),
  WHATSAPP_API_BASE_URL: z.string().url().regex(/^https?:\/\//, "must be an http(s) URL").optional(),
  WHATSAPP_ROUTING: jsonObject(teamRef, '{"106540352242922": "acme/Sales"}').optional(),
  WHATSAPP_DEFAULT_TEAM: teamRef.optional(),
  WHATSAPP_BUSINESS_ACCOUNTS: jsonObject(z.string().regex(/^[a-z0-9][a-z0-9-]*$/), '{"102290129340398": "acme"}').optional(),
  OUTBOX_POLL_MS: positiveInt(1000, 3_600_000),
  OUTBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  OUTBOX_RETRY_BASE_MS: positiveInt(5000, 3_600_000),
  OUTBOX_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
};

type WhatsAppEnv = z.infer<z.ZodObject<typeof whatsappEnvShape>>;

/** The validated variables as the gateway's settings. */
export function whatsappConfigFrom(e: WhatsAppEnv): WhatsAppConfig {
  return {
    verifyToken: e.WHATSAPP_VERIFY_TOKEN ?? null,
    appSecret: e.WHATSAPP_APP_SECRET ?? null,
    token: e.WHATSAPP_TOKEN ?? null,
    phoneNumberId: e.WHATSAPP_PHONE_NUMBER_ID ?? null,
    apiBaseUrl: (e.WHATSAPP_API_BASE_URL ?? DEFAULT_WHATSAPP_API_BASE_URL).replace(/\/+$/, ""),
    routing: e.WHATSAPP_ROUTING ?? {},
    defaultTeam: e.WHATSAPP_DEFAULT_TEAM ?? null,
    businessAccounts: e.WHATSAPP_BUSINESS_ACCOUNTS ?? {},
    outbox: {
      pollIntervalMs: e.OUTBOX_POLL_MS,
      maxAttempts: e.OUTBOX_MAX_ATTEMPTS,
      retryBaseMs: e.OUTBOX_RETRY_BASE_MS,
      requestTimeoutMs: e.OUTBOX_REQUEST_TIMEOUT_MS,
    },
  };
}
