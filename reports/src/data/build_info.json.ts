// Data loader: when the data ends (the warehouse's as-of time) and which policy built the marts.
import { dataLoader, martRows } from "./read-mart.ts";

export default dataLoader(
  import.meta.url,
  martRows(`SELECT as_of, policy_version, reporting_time_zone FROM build_info`, { single: true }),
);
