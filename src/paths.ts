// Paths on the Arch host that more than one part of provision needs.

/** Certificates Prosody and nginx use: <domain>.crt/.key and auth.<domain>.crt/.key. */
export const CERT_DIR = "/etc/prosody/certs";
