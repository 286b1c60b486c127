import { describe, expect, it } from "vitest";
import { parseAccountFile } from "./prosody-account.js";

// Matching a password that the real prosodyctl stored is in prosody-account.local.test.ts.

const SAMPLE = `return {
	["iteration_count"] = 10000;
	["server_key"] = "5a7e6a08949edc4e70287d55226ed41dcd676792";
	["salt"] = "212501b9-ea79-4851-8fdc-46fb6f224549";
	["stored_key"] = "9964d833a21fc181b3252cb251659aceccd915c9";
};
`;

describe("prosody account files", () => {
  it("parses the SCRAM fields and refuses other formats", () => {
    expect(parseAccountFile(SAMPLE)).toEqual({ salt: "212501b9-ea79-4851-8fdc-46fb6f224549", iterations: 10000, storedKey: "9964d833a21fc181b3252cb251659aceccd915c9" });
    expect(parseAccountFile('return { ["password"] = "plain"; };')).toBeUndefined();
  });
});
