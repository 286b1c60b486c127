// The text of any thrown value in the one error format (ProvisionError's format, else the message).
import { ProvisionError } from "../errors.js";

/** The text of any error, in the one format. */
export function errorText(e: unknown): string {
  if (e instanceof ProvisionError) return e.format();
  if (e instanceof Error) return e.message;
  return String(e);
}
