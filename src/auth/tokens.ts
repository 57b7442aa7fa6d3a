import { SignJWT, jwtVerify } from "jose";

/** Signs a short-lived HS256 JWT whose subject is a user id (demo tokens, `npm run token`). */
export async function signUserToken(secret: Uint8Array, userId: string, expiresIn = "12h"): Promise<string> {
  return new SignJWT({}).setProtectedHeader({ alg: "HS256", typ: "JWT" }).setSubject(userId)
    .setIssuedAt().setExpirationTime(expiresIn).sign(secret);
}

/** Verifies a JWT (HS256 only, so `alg: none` and key confusion fail) and returns `sub`, or null. */
export async function verifyUserToken(secret: Uint8Array, token: string): Promise<{ userId: string; expiresAt: number | null } | null> {
  try {
    const { payload } = await jwtVerify(token, secret, { algorithms: ["HS256"] });
    if (typeof payload.sub !== "string") return null;
    return { userId: payload.sub, expiresAt: typeof payload.exp === "number" ? payload.exp * 1000 : null };
  } catch {
    return null;
  }
}
