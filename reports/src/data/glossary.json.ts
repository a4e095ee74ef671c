// Data loader: the glossary — every metric definition of models/metrics.ts, grouped by topic in order.
import { METRIC_TOPICS, METRICS } from "../../../models/metrics.ts";
import { dataLoader } from "./read-mart.ts";

const glossary = METRIC_TOPICS.map((topic) => ({
  topic,
  metrics: METRICS.filter((m) => m.topic === topic).sort((a, b) => a.name.localeCompare(b.name)),
}));
export default dataLoader(import.meta.url, async () => glossary, { readsMarts: false });
