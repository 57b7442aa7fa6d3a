import type { CloudApiMessage, SendResult, WhatsAppTransport } from "./transport";

/**
 * Cloud API error codes worth another attempt later: throttling and WhatsApp-side outages.
 * Everything else (bad parameters, a paused template, a closed window, an invalid token) fails
 * the message at once: repeating a request WhatsApp refused is how numbers lose their quality rating.
 */
const RETRYABLE_CODES = new Set([1, 2, 4, 17, 80007, 130429, 131000, 131016, 131048, 131056, 133004]);

interface GraphError { error?: { message?: string; code?: number; error_data?: { details?: string } } }

const clip = (s: string): string => (s.length > 500 ? `${s.slice(0, 497)}...` : s);

/** Delivers through the WhatsApp Cloud API with the configured phone number id and access token. */
export class CloudApiTransport implements WhatsAppTransport {
  readonly name = "cloud-api";
  private readonly url: string;

  constructor(baseUrl: string, phoneNumberId: string, private readonly token: string, private readonly timeoutMs: number) {
    this.url = `${baseUrl.replace(/\/+$/, "")}/${phoneNumberId}/messages`;
  }

  async send(message: CloudApiMessage): Promise<SendResult> {
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: "POST",
        headers: { Authorization: `Bearer ${this.token}`, "Content-Type": "application/json" },
        body: JSON.stringify(message),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      const what = e.name === "TimeoutError" ? `no answer within ${this.timeoutMs} ms` : e.cause?.code ?? e.message;
      return { ok: false, retryable: true, reason: clip(`Cloud API unreachable: ${what}`) };
    }
    const text = await res.text().catch(() => "");
    let json: unknown = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = null; }
    if (res.ok) {
      const id = (json as { messages?: { id?: unknown }[] } | null)?.messages?.[0]?.id;
      if (typeof id === "string" && id.length > 0 && id.length <= 128) return { ok: true, externalId: id };
      return { ok: false, retryable: false, reason: `Cloud API answered ${res.status} without a message id` };
    }
    const error = (json as GraphError | null)?.error;
    const code = typeof error?.code === "number" ? error.code : null;
    const details = error?.error_data?.details;
    const reason = clip(`Cloud API ${res.status}${code !== null ? ` (#${code})` : ""}: ${error?.message ?? (text.slice(0, 200) || res.statusText)}`
      + (details ? ` (${details})` : ""));
    const retryable = res.status >= 500 || res.status === 429 || res.status === 408 || (code !== null && RETRYABLE_CODES.has(code));
    return { ok: false, retryable, reason };
  }
}
