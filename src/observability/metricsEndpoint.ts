import { createHash, timingSafeEqual } from "node:crypto";
import type { Request, RequestHandler, Response } from "express";
import type { Registry } from "prom-client";

const digest = (s: string): Buffer => createHash("sha256").update(s).digest();

/**
 * `GET /metrics` in the Prometheus text format. With a token, a scraper must send
 * `Authorization: Bearer <token>` (compared in constant time); without one the endpoint is open,
 * for a scraper inside the network, and the public proxy must not route it (see README).
 */
export function metricsHandler(registry: Registry, token: string | null): RequestHandler {
  const expected = token ? digest(token) : null;
  return async (req: Request, res: Response) => {
    res.set("cache-control", "no-store");
    if (expected) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get("authorization") ?? "");
      if (!match || !timingSafeEqual(digest(match[1]), expected)) {
        res.status(401).set("www-authenticate", 'Bearer realm="metrics"').type("text/plain").send("Unauthorized\n");
        return;
      }
    }
    const body = await registry.metrics();
    res.set("content-type", registry.contentType).send(body);
  };
}
