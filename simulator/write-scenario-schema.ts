// Regenerates docs/schemas/scenario.schema.json from the zod scenario schema (a test fails when stale).
import { mkdirSync, writeFileSync } from "node:fs";
import { scenarioJsonSchema } from "./scenario.ts";

const schemas = new URL("../docs/schemas/", import.meta.url);
mkdirSync(schemas, { recursive: true });
writeFileSync(new URL("scenario.schema.json", schemas), `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
console.error("wrote docs/schemas/scenario.schema.json");
