// Where the shared stand-in code (test/sandbox/standins/) is: in the repository, relative to this package; inside
// a sandbox host, where the package files were copied to /usr/lib/jicofo, under the bound repository.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const inRepo = new URL("../../../../../../../standins/", import.meta.url);
export const STANDINS = existsSync(fileURLToPath(inRepo)) ? inRepo.href : "file:///run/sandbox/repo/test/sandbox/standins/";
