// DOM building without HTML strings: text is always set as text, so free text from the exports (a
// defect reference, an owner team) can never become markup.
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "className") node.className = value;
    else if (name === "testid") node.dataset.testid = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** A headline number: label, value, and an optional note below (a state colours the value). */
export function tile({ label, value, testid, note, state, href }) {
  const valueNode = el("span", { className: `big${state ? ` state-${state}` : ""}`, testid }, value);
  return el(
    "div",
    { className: "card tile" },
    el("h2", {}, href ? el("a", { href }, label) : label),
    valueNode,
    note ? el("p", { className: "tile-note" }, note) : null,
  );
}

/** A list of short items (owners, reasons), or a line saying there is none. */
export function list(items, { empty = "None.", testid } = {}) {
  if (!items.length) return el("p", { className: "muted", testid }, empty);
  return el("ul", { className: "plain-list", testid }, ...items.map((item) => el("li", {}, item)));
}

/** A coloured control-state badge (green / amber / red). */
export function stateBadge(state) {
  return el("span", { className: `badge state-${state}` }, state);
}

/**
 * Resolves after the next frame: the monthly review draws its newest month first and the others once it
 * is on screen. (Cells below a page's main chart wait for Framework's `visibility()` instead, which
 * resolves when they scroll into view.)
 */
export function nextFrame() {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}
