// The data's freshness and the policy version, shown on every page.
export function freshness(info) {
  const p = document.createElement("p");
  p.className = "freshness";
  p.setAttribute("role", "note");
  p.dataset.testid = "freshness";
  const asOf = new Date(info.as_of);
  p.textContent = `Data as of ${asOf.toISOString().slice(0, 16).replace("T", " ")} UTC · policy ${info.policy_version} · days in ${info.reporting_time_zone}`;
  return p;
}
