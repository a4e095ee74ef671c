// Data loader: when the data ends (the warehouse's as-of time) and which policy built the marts.
import { readMart } from "./read-mart.ts";

await readMart(`SELECT as_of, policy_version, reporting_time_zone FROM build_info`, { single: true });
