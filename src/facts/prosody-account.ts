// Does an XMPP password match what Prosody's internal_hashed storage holds (SCRAM-SHA-1 stored_key)?
import { createHash, createHmac, pbkdf2Sync } from "node:crypto";

export interface ScramRecord {
  salt: string;
  iterations: number;
  /** Hex SHA-1 of the client key. */
  storedKey: string;
}

/** The SCRAM fields of an accounts/<user>.dat file (a Lua table); undefined when the format is not recognised. */
export function parseAccountFile(text: string): ScramRecord | undefined {
  const field = (name: string) => new RegExp(`\\["${name}"\\]\\s*=\\s*("([^"]*)"|(\\d+))`).exec(text);
  const salt = field("salt")?.[2];
  const iterations = Number(field("iteration_count")?.[3]);
  const storedKey = field("stored_key")?.[2];
  if (salt === undefined || !Number.isInteger(iterations) || iterations < 1 || !storedKey || !/^[0-9a-f]{40}$/i.test(storedKey)) return undefined;
  return { salt, iterations, storedKey: storedKey.toLowerCase() };
}

/** True when `password` is the one the record was made from (RFC 5802: StoredKey = SHA1(HMAC(SaltedPassword, "Client Key"))). */
export function passwordMatches(password: string, rec: ScramRecord): boolean {
  const salted = pbkdf2Sync(password, rec.salt, rec.iterations, 20, "sha1");
  const clientKey = createHmac("sha1", salted).update("Client Key").digest();
  return createHash("sha1").update(clientKey).digest("hex") === rec.storedKey;
}
