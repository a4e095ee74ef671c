// Regenerates docs/contract.md and docs/schemas/<entity>.schema.json from the zod contracts.
import { mkdirSync, writeFileSync } from "node:fs";
import { contractMarkdown, entityJsonSchema } from "./contract-docs.ts";
import { CONTRACTS } from "./contracts/index.ts";

const docs = new URL("../docs/", import.meta.url);
mkdirSync(new URL("schemas/", docs), { recursive: true });
writeFileSync(new URL("contract.md", docs), contractMarkdown());
for (const contract of Object.values(CONTRACTS)) {
  writeFileSync(
    new URL(`schemas/${contract.name}.schema.json`, docs),
    `${JSON.stringify(entityJsonSchema(contract), null, 2)}\n`,
  );
}
console.error("wrote docs/contract.md and docs/schemas/*.schema.json");
