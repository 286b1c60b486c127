// SASL SCRAM-SHA-1 (RFC 5802) client side for the stand-ins' XMPP client (sandbox test infrastructure).
import { createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";

/** SCRAM-SHA-1 client for one exchange. */
export function scramSha1(username, password) {
  const cnonce = randomBytes(18).toString("base64");
  const user = username.replace(/=/g, "=3D").replace(/,/g, "=2C");
  const clientFirstBare = `n=${user},r=${cnonce}`;
  let expectedServerSig = null;
  return {
    first: () => Buffer.from(`n,,${clientFirstBare}`).toString("base64"),
    challenge: (b64) => {
      const serverFirst = Buffer.from(b64, "base64").toString();
      const attrs = Object.fromEntries(serverFirst.split(",").map((kv) => [kv[0], kv.slice(2)]));
      if (!attrs.r || !attrs.r.startsWith(cnonce)) throw new Error("SCRAM: server nonce mismatch");
      const salted = pbkdf2Sync(password, Buffer.from(attrs.s, "base64"), Number(attrs.i), 20, "sha1");
      const clientKey = createHmac("sha1", salted).update("Client Key").digest();
      const storedKey = createHash("sha1").update(clientKey).digest();
      const withoutProof = `c=biws,r=${attrs.r}`;
      const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
      const clientSig = createHmac("sha1", storedKey).update(authMessage).digest();
      const proof = Buffer.from(clientKey.map((b, i) => b ^ clientSig[i]));
      const serverKey = createHmac("sha1", salted).update("Server Key").digest();
      expectedServerSig = createHmac("sha1", serverKey).update(authMessage).digest("base64");
      return Buffer.from(`${withoutProof},p=${proof.toString("base64")}`).toString("base64");
    },
    verify: (b64) => {
      const final = Buffer.from(b64 || "", "base64").toString();
      return final === `v=${expectedServerSig}`;
    },
  };
}
