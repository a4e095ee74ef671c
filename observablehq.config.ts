// Observable Framework configuration for the orderops site (built by `orderops site`).
//
// The site must build and run with no network:
// - libraries are imported by bare specifier from node_modules (never `npm:`), which Framework bundles;
// - `globalStylesheets: []` drops the default Google Fonts stylesheet (the theme falls back to system fonts);
// - data loaders are TypeScript run by this project's own tsx, and read the warehouse named by ORDEROPS_DB.
export default {
  root: "reports/src",
  output: process.env.ORDEROPS_SITE_OUT ?? "dist",
  title: "orderops",
  // style.css imports the air (light) and near-midnight (dark) themes by the reader's colour scheme.
  style: "style.css",
  globalStylesheets: [],
  search: false,
  // Pages have no front matter (Biome's Markdown formatter would fold it into a heading): each page's
  // title is its first heading, and no page has a table of contents.
  toc: false,
  linkify: false,
  // An empty inline icon, so browsers do not ask the server for /favicon.ico.
  head: '<link rel="icon" href="data:,">',
  footer: "orderops — order operations governance. Built from the warehouse's marts.",
  interpreters: { ".ts": [process.execPath, "--import", import.meta.resolve("tsx/esm")] },
  // The executive summary is the home page; each page answers one reader's question, then drills in.
  pages: [
    { name: "Executive summary", path: "/" },
    { name: "Backlog and aging", path: "/backlog" },
    { name: "Throughput", path: "/throughput" },
    { name: "SLA", path: "/sla" },
    { name: "Exceptions", path: "/exceptions" },
    { name: "Defects and corrective actions", path: "/defects" },
    { name: "Quality", path: "/quality" },
    { name: "Controls", path: "/controls" },
    { name: "Staffing scenarios", path: "/staffing" },
    { name: "Monthly business review", path: "/mbr" },
    { name: "Glossary", path: "/glossary" },
  ],
};
