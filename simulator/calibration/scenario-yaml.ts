/**
 * A scenario as YAML a planner can read and edit: lists of numbers and small maps (distributions,
 * skills, hours) on one line, repeated objects (a queue's profile shared by its segments) written once
 * with an anchor and referred to by alias.
 */
import { Document, isMap, isScalar, isSeq, visit } from "yaml";
import type { ScenarioInput } from "../scenario.ts";

export function scenarioYaml(spec: ScenarioInput, header: readonly string[] = []): string {
  const document = new Document(spec, { aliasDuplicateObjects: true });
  visit(document, {
    Seq(_, node) {
      if (node.items.every((item) => isScalar(item))) node.flow = true;
    },
    Map(_, node) {
      // Distributions, spans and skills: small maps of scalars (a list of numbers counts as small).
      const small = node.items.every(
        (pair) => isScalar(pair.value) || (isSeq(pair.value) && pair.value.items.length <= 8),
      );
      if (small && node.items.length <= 4 && !node.items.some((pair) => isMap(pair.value))) node.flow = true;
    },
  });
  if (header.length > 0) document.commentBefore = header.map((line) => ` ${line}`).join("\n");
  // lineWidth 0: a flow list stays on one line however long (168 profile weights), never one per line.
  return document.toString({ lineWidth: 0, flowCollectionPadding: false });
}
