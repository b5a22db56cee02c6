import { randomBytes } from "node:crypto";

/** 32 random bytes (256 bits), base64url: URL-safe, 43 characters, no padding. */
export function generateSigningKey(): string {
  return randomBytes(32).toString("base64url");
}
