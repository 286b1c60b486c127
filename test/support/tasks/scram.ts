// Test helper: an accounts/<user>.dat file as Prosody's internal_hashed stores it (SCRAM-SHA-1, RFC 5802) for a password.
import { createHash, createHmac, pbkdf2Sync } from "node:crypto";

/** The Lua table Prosody writes for `password` (fixed salt, few iterations: tests only). */
export function scramFileFor(password: string, salt = "test-salt", iterations = 16): string {
  const salted = pbkdf2Sync(password, salt, iterations, 20, "sha1");
  const stored = createHash("sha1").update(createHmac("sha1", salted).update("Client Key").digest()).digest("hex");
  return `return {\n\t["iteration_count"] = ${iterations};\n\t["salt"] = "${salt}";\n\t["stored_key"] = "${stored}";\n};\n`;
}
