/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Small DOM helpers: elements, status regions, the pool picker, failures, and hand-rolled SVG charts.
import type { Pool } from "./api.ts";
import { describeError } from "./errors.ts";
import { shortHex } from "./format.ts";

type Child = Node | string | number | bigint | null | undefined | false;
type Attrs = Record<string, string | number | boolean | EventListener | undefined>;

/** Creates an element; `on<event>` attributes become listeners, `false`/`undefined` attributes are left out. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

export function append(el: Element, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
}

export function clear(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

export type StatusKind = "info" | "pending" | "success" | "error" | "warning" | "empty";

/**
 * A status line announced to screen readers (role=status, aria-live=polite; errors use
 * role=alert). `data-state` names the state for styles and tests.
 */
export function statusBox(id: string): HTMLDivElement {
  return h("div", { id, class: "status", role: "status", "aria-live": "polite", "data-state": "idle" });
}

export function setStatus(el: HTMLElement, kind: StatusKind, state: string, ...text: Child[]): void {
  el.dataset.state = state;
  el.className = `status status-${kind}`;
  el.setAttribute("role", kind === "error" ? "alert" : "status");
  clear(el, ...text);
}

const SVG = "http://www.w3.org/2000/svg";

function s<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
  ...children: (Node | string)[]
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  el.append(...children);
  return el;
}

export interface Bar {
  label: string;
  /** Signed value; bars grow right for positive and left for negative values. */
  value: number;
  title: string;
  /** The value as printed beside the bar ("12.5 %", "≈ 3.20 USDC"). */
  shown?: string;
}

/**
 * Horizontal bar chart (signed values), scaled to the largest magnitude; accessible by its title and
 * a table beside it. Drawn about a phone's width (360 units) with each label on its own line above
 * its bar and the value at the bar's end, so text stays about 12 px from a phone to a laptop.
 */
export function barChart(bars: readonly Bar[], title: string): SVGSVGElement {
  const rowH = 36;
  const width = 360;
  const pad = 4;
  // Room for the printed values beyond the bars' ends (both sides when values are signed).
  const valueW = bars.some((b) => b.shown) ? 84 : 0;
  const height = Math.max(1, bars.length) * rowH + 6;
  const max = Math.max(1e-30, ...bars.map((b) => Math.abs(b.value)));
  const signed = bars.some((b) => b.value < 0);
  const plotW = width - 2 * pad - (signed ? 2 : 1) * valueW;
  const zero = signed ? width / 2 : pad;
  const scale = (signed ? plotW / 2 : plotW) / max;
  const svg = s("svg", {
    viewBox: `0 0 ${width} ${height}`,
    class: "chart chart-bars",
    role: "img",
    "aria-label": title,
    preserveAspectRatio: "xMinYMin meet",
  });
  svg.append(s("title", {}, title));
  bars.forEach((b, i) => {
    const y = 4 + i * rowH;
    const w = Math.max(1, Math.abs(b.value) * scale);
    const x = b.value < 0 ? zero - w : zero;
    const g = s("g", { class: b.value < 0 ? "bar bar-neg" : "bar" });
    g.append(
      s("title", {}, b.title),
      s("text", { x: pad, y: y + 12, class: "chart-label" }, fitLabel(b.label, 54)),
      s("rect", { x, y: y + 17, width: w, height: 13, rx: 2 }),
    );
    if (b.shown)
      g.append(
        s(
          "text",
          b.value < 0
            ? { x: x - 4, y: y + 28, "text-anchor": "end", class: "chart-value" }
            : { x: x + w + 4, y: y + 28, class: "chart-value" },
          b.shown,
        ),
      );
    svg.append(g);
  });
  svg.append(s("line", { x1: zero, x2: zero, y1: 0, y2: height, class: "axis" }));
  return svg;
}

export interface Point {
  x: number;
  y: number;
  title: string;
}

/** Step line of cumulative values over time with dots at each point. */
export function lineChart(
  points: readonly Point[],
  title: string,
  xLabel: (x: number) => string,
): SVGSVGElement {
  const width = 560;
  const height = 200;
  const pad = { l: 10, r: 10, t: 10, b: 28 };
  const svg = s("svg", {
    viewBox: `0 0 ${width} ${height}`,
    class: "chart",
    role: "img",
    "aria-label": title,
  });
  svg.append(s("title", {}, title));
  if (points.length === 0) return svg;
  const xs = points.map((p) => p.x);
  const minX = Math.min(...xs);
  const maxX = Math.max(...xs);
  const maxY = Math.max(1e-30, ...points.map((p) => p.y));
  const px = (x: number) =>
    pad.l + (maxX === minX ? 0.5 : (x - minX) / (maxX - minX)) * (width - pad.l - pad.r);
  const py = (y: number) => height - pad.b - (y / maxY) * (height - pad.t - pad.b);
  // From zero at the left edge, a step at each point, level to the right edge: one point reads as
  // a rise to its value, not a lone vertical line.
  let d = `M ${pad.l} ${py(0)}`;
  for (const p of points) d += ` H ${px(p.x)} V ${py(p.y)}`;
  d += ` H ${width - pad.r}`;
  svg.append(
    s("line", { x1: pad.l, x2: width - pad.r, y1: height - pad.b, y2: height - pad.b, class: "axis" }),
    s("path", { d, class: "line" }),
  );
  for (const p of points) {
    svg.append(s("circle", { cx: px(p.x), cy: py(p.y), r: 3.5, class: "dot" }, s("title", {}, p.title)));
  }
  svg.append(
    s("text", { x: pad.l, y: height - 8, class: "chart-label" }, xLabel(minX)),
    s("text", { x: width - pad.r, y: height - 8, "text-anchor": "end", class: "chart-label" }, xLabel(maxX)),
  );
  return svg;
}

/**
 * A label cut to `n` characters keeping both ends, so names sharing a long prefix
 * ("component:pkg:npm/@scope/…") stay apart.
 */
export function fitLabel(text: string, n: number): string {
  if (text.length <= n) return text;
  const tail = Math.floor((n - 1) / 2);
  return `${text.slice(0, n - 1 - tail)}…${text.slice(-tail)}`;
}

/**
 * A table from headers and rows of cells, in a focusable region that scrolls sideways on a narrow
 * screen (the first column stays put; shadows at the edges show there is more).
 */
export function table(caption: string, headers: string[], rows: Child[][], cls = ""): HTMLDivElement {
  return h(
    "div",
    { class: "table-scroll", role: "region", "aria-label": caption, tabindex: 0 },
    h(
      "table",
      { class: cls },
      h("caption", {}, caption),
      h("thead", {}, h("tr", {}, ...headers.map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, ...rows.map((r) => h("tr", {}, ...r.map((c) => h("td", {}, c))))),
    ),
  );
}

/** A long hex value (hash, address, root) shortened, in full on hover, with a button that copies it. */
export function copyable(value: string, chars = 6): HTMLSpanElement {
  const short = shortHex(value, chars);
  const button = h("button", { type: "button", class: "copy", "aria-label": `Copy ${value}` }, "Copy");
  button.addEventListener("click", () => {
    // Without clipboard permission the button says so instead of failing silently.
    void navigator.clipboard?.writeText(value).then(
      () => (button.textContent = "Copied"),
      () => (button.textContent = "Select to copy"),
    );
  });
  return h("span", { class: "copyable" }, h("code", { title: value }, short), button);
}

/** Shows (or clears) a field's error under it; the control is marked invalid and described by it. */
export function setFieldError(control: HTMLElement, message: string | undefined): void {
  const id = `${control.id}-error`;
  let el = document.getElementById(id);
  if (!el) {
    el = h("p", { class: "field-error", id, role: "alert" });
    (control.closest(".field, fieldset") ?? control.parentElement)?.append(el);
  }
  el.textContent = message ?? "";
  const described = (control.getAttribute("aria-describedby") ?? "").split(" ").filter((x) => x && x !== id);
  if (message) {
    control.setAttribute("aria-invalid", "true");
    described.push(id);
  } else control.removeAttribute("aria-invalid");
  if (described.length) control.setAttribute("aria-describedby", described.join(" "));
  else control.removeAttribute("aria-describedby");
}

/** A labelled form field; the label is a real <label for>. */
export function field(label: string, control: HTMLElement, hint?: string): HTMLDivElement {
  const id = control.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  control.id = id;
  const hintEl = hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute("aria-describedby", `${id}-hint`);
  return h("div", { class: "field" }, h("label", { for: id }, label), control, hintEl);
}

export function poolSelect(pools: readonly Pool[], id: string): HTMLSelectElement {
  const select = h("select", { id, name: "pool" });
  for (const p of pools)
    select.append(h("option", { value: p.address }, `${p.name} (${p.address.slice(0, 10)}…)`));
  if (pools.length === 0) select.append(h("option", { value: "" }, "No pools registered on this server"));
  return select;
}

/** The empty state of a server without pools: what is missing and the next step. */
export function noPools(id: string, consequence: string): HTMLParagraphElement {
  return h(
    "p",
    { class: "empty-next", id, "data-state": "no-pools" },
    `No pools are registered on this server, so ${consequence}. `,
    "Deploy a pool, then register it with a request signed by an admin key: ",
    h("code", {}, 'npm run admin -- register-pool --name "My pool"'),
    " (see the README's quick start); this page lists it once the server knows it.",
  );
}

/** Shows a failure in a status box in plain words, with the state the tests and styles key on. */
export function showError(box: HTMLElement, error: unknown): void {
  const problem = describeError(error);
  setStatus(box, problem.kind, problem.state, problem.message);
}
