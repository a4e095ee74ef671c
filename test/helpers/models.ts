/**
 * The registered models a test needs, so a model's tests build only its own lineage (faster, and
 * independent of unrelated models' work in progress).
 */
import type { Model } from "../../models/model.ts";
import { MODELS } from "../../models/registry.ts";

/** The named models and every model they read, each once, in the order first reached. */
export function lineageOf(...names: string[]): Model[] {
  const byName = new Map(MODELS.map((model) => [model.name as string, model]));
  const needed = new Map<string, Model>();
  const visit = (name: string) => {
    if (needed.has(name)) return;
    const model = byName.get(name);
    if (!model) throw new Error(`no registered model ${name}`);
    needed.set(name, model);
    for (const dependency of model.dependsOn) visit(dependency);
  };
  for (const name of names) visit(name);
  return [...needed.values()];
}

/** The named models' lineage and every staging model (their data tests check references across entities). */
export function modelsFor(...names: string[]): Model[] {
  const staging = MODELS.filter((model) => model.layer === "staging").map((model) => model.name as string);
  return lineageOf(...staging, ...names);
}
