/**
 * The registered models a test needs: every staging model (their data tests check references across
 * entities), the named ones and every model they read, so a model's tests build only its own lineage
 * (faster, and independent of unrelated models).
 */
import type { Model } from "../../models/model.ts";
import { MODELS } from "../../models/registry.ts";

export function modelsFor(...names: string[]): Model[] {
  const byName = new Map(MODELS.map((model) => [model.name as string, model]));
  const needed = new Map<string, Model>();
  const visit = (name: string) => {
    if (needed.has(name)) return;
    const model = byName.get(name);
    if (!model) throw new Error(`no registered model ${name}`);
    needed.set(name, model);
    for (const dependency of model.dependsOn) visit(dependency);
  };
  for (const model of MODELS) if (model.layer === "staging") visit(model.name);
  for (const name of names) visit(name);
  return [...needed.values()];
}
