import { Client, createClient } from "graphql-ws";
import WebSocket from "ws";
import type { TestApp } from "./testApp";

type Result = { data?: Record<string, any> | null; errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[] };

/** A live subscription as a test sees it: what arrived, and a way to wait for more. */
export interface Subscription {
  results: Result[];
  /** Resolves when the stream completed (normally or with an error). */
  ended: Promise<{ error?: unknown }>;
  /** Waits until `n` results arrived (or fails after `ms`). */
  waitFor(n: number, ms?: number): Promise<Result[]>;
  stop(): void;
}

/** A graphql-ws client over `ws`, sending `authorization` in connectionParams like a dashboard does. */
export function wsClient(app: TestApp | string, authorization: string | null, onClose?: (code: number, reason: string) => void): Client {
  const url = (typeof app === "string" ? app : app.url).replace(/^http/, "ws") + "/graphql";
  return createClient({
    url,
    webSocketImpl: WebSocket,
    lazy: true,
    retryAttempts: 0,
    connectionParams: authorization === null ? {} : { authorization },
    on: { closed: (e) => onClose?.((e as { code: number }).code, String((e as { reason?: unknown }).reason ?? "")) },
  });
}

/** Subscribes and collects results. */
export function subscribe(client: Client, query: string, variables?: Record<string, unknown>): Subscription {
  const results: Result[] = [];
  const waiters: (() => void)[] = [];
  let resolveEnded!: (v: { error?: unknown }) => void;
  const ended = new Promise<{ error?: unknown }>((r) => (resolveEnded = r));
  const stop = client.subscribe<Record<string, any>>({ query, variables }, {
    next: (value) => { results.push(value as Result); waiters.splice(0).forEach((w) => w()); },
    error: (error) => { resolveEnded({ error }); waiters.splice(0).forEach((w) => w()); },
    complete: () => { resolveEnded({}); waiters.splice(0).forEach((w) => w()); },
  });
  return {
    results,
    ended,
    stop,
    waitFor: (n, ms = 5000) => new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`expected ${n} results, got ${results.length}: ${JSON.stringify(results)}`)), ms);
      const check = () => {
        if (results.length >= n) { clearTimeout(timer); resolve(results); } else waiters.push(check);
      };
      check();
    }),
  };
}

/** Lets in-flight events arrive before asserting that nothing did. */
export const settle = (ms = 300): Promise<void> => new Promise((r) => setTimeout(r, ms));
