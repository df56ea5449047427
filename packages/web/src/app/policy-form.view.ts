/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// A form generated from a JSON Schema, drawn: objects as fieldsets (the top-level ones fold away),
// numbers, strings, choices and switches as labelled controls with the schema's description as
// help, arrays and records as rows to add and remove. It edits one document and reports each edit;
// the logic is in policy-form.ts.
import type { FieldIssue } from "./api.ts";
import { InputError } from "./errors.ts";
import {
  type JsonSchema,
  type Node,
  type Path,
  fits,
  initialValue,
  isObject,
  label,
  nodeOf,
  pathKey,
  readText,
  valueAt,
  withRenamedKey,
  withValue,
  withoutItem,
} from "./policy-form.ts";
import { clear, h, setFieldError } from "./ui.ts";

export interface SchemaForm {
  el: HTMLElement;
  /** Draws `doc` (after the JSON beside it changed). */
  show(doc: unknown): void;
  /** Shows the server's field errors at their fields (those no field holds stay in the page's list). */
  markIssues(issues: readonly FieldIssue[], toPath: (serverPath: string) => Path): void;
  clearIssues(): void;
}

/** Ids and data-paths of a field: `policy-field-keep-default`, `keep.default`. */
const idOf = (prefix: string, path: Path) =>
  `${prefix}-${path.map((p) => String(p).replace(/[^A-Za-z0-9_-]/g, "_")).join("-") || "root"}`;

export function schemaForm(schema: JsonSchema, prefix: string, onEdit: (doc: unknown) => void): SchemaForm {
  const el = h("div", { class: "schema-form", id: prefix });
  let doc: unknown = {};
  /** The sections a reader opened stay open when the form is drawn again. */
  const open = new Set<string>();

  const edit = (next: unknown, redraw: boolean, focusId?: string) => {
    doc = next;
    onEdit(doc);
    if (redraw) {
      draw();
      if (focusId) document.getElementById(focusId)?.focus();
    }
  };

  /** A control's error under it; cleared by the next good value. */
  const attempt = (control: HTMLElement, fn: () => unknown) => {
    try {
      fn();
      setFieldError(control, undefined);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      setFieldError(control, error.message);
    }
  };

  function scalar(path: Path, node: ReturnType<typeof nodeOf>, required: boolean, name: string): HTMLElement {
    const id = idOf(prefix, path);
    const value = valueAt(doc, path);
    const help = node.schema.description;
    const fallback = node.schema.default;
    const hintText = [
      help,
      fallback !== undefined && value === undefined ? `Not set: ${JSON.stringify(fallback)}.` : "",
      node.nullable ? "Leave empty for none." : "",
    ]
      .filter(Boolean)
      .join(" ");
    let control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
    if (node.kind === "choice") {
      const select = h("select", { id, "data-path": pathKey(path) });
      const unset = !required || node.nullable;
      if (unset)
        select.append(
          h(
            "option",
            { value: "" },
            node.nullable ? "none" : fallback !== undefined ? `not set (${String(fallback)})` : "not set",
          ),
        );
      node.options.forEach((o, i) => select.append(h("option", { value: String(i) }, String(o))));
      const at = node.options.indexOf(value as string);
      select.value = at >= 0 ? String(at) : "";
      select.addEventListener("change", () =>
        edit(
          withValue(
            doc,
            path,
            select.value === "" ? (node.nullable ? null : undefined) : node.options[Number(select.value)],
          ),
          false,
        ),
      );
      control = select;
    } else if (node.kind === "boolean") {
      const box = h("input", { id, type: "checkbox", "data-path": pathKey(path) });
      box.checked = typeof value === "boolean" ? value : fallback === true;
      box.addEventListener("change", () => edit(withValue(doc, path, box.checked), false));
      return h(
        "div",
        { class: "field inline pf-field" },
        box,
        h("label", { for: id }, name),
        hintText ? h("p", { class: "hint", id: `${id}-hint` }, hintText) : null,
      );
    } else if (node.kind === "json") {
      const area = h("textarea", {
        id,
        rows: 3,
        class: "code",
        spellcheck: "false",
        "data-path": pathKey(path),
      });
      area.value = value === undefined ? "" : JSON.stringify(value, null, 2);
      area.addEventListener("change", () =>
        attempt(area, () =>
          edit(withValue(doc, path, readText(area.value, node, { required, field: id, label: name })), false),
        ),
      );
      control = area;
    } else {
      const input = h("input", {
        id,
        type: "text",
        autocomplete: "off",
        spellcheck: "false",
        "data-path": pathKey(path),
        ...(node.kind === "number" ? { inputmode: "decimal" } : {}),
      });
      input.value = value === undefined || value === null ? "" : String(value);
      input.addEventListener("change", () =>
        attempt(input, () =>
          edit(
            withValue(doc, path, readText(input.value, node, { required, field: id, label: name })),
            false,
          ),
        ),
      );
      control = input;
    }
    const wrap = h("div", { class: "field pf-field" }, h("label", { for: id }, name), control);
    if (hintText) {
      wrap.append(h("p", { class: "hint", id: `${id}-hint` }, hintText));
      control.setAttribute("aria-describedby", `${id}-hint`);
    }
    return wrap;
  }

  /** Rows of an array or a record, each removable, and a button adding one. */
  function rows(path: Path, node: Node & { kind: "array" | "record" }, name: string): HTMLElement[] {
    const value = valueAt(doc, path);
    const out: HTMLElement[] = [];
    const addId = `${idOf(prefix, path)}-add`;
    if (node.kind === "array") {
      const list = Array.isArray(value) ? value : [];
      list.forEach((_, i) => {
        const item = [...path, i];
        const remove = h(
          "button",
          {
            type: "button",
            class: "pf-remove",
            "aria-label": `Remove ${name} item ${i + 1}`,
            onclick: () => edit(withoutItem(doc, item), true, addId),
          },
          "Remove",
        );
        out.push(
          h("div", { class: "pf-row" }, render(item, node.items, true, `${name} item ${i + 1}`), remove),
        );
      });
      out.push(
        h(
          "button",
          {
            type: "button",
            id: addId,
            class: "pf-add",
            onclick: () =>
              edit(withValue(doc, [...path, list.length], initialValue(node.items) ?? null), true, addId),
          },
          `Add to ${name.toLowerCase()}`,
        ),
      );
      return out;
    }
    const record = isObject(value) ? value : {};
    Object.keys(record).forEach((key, i) => {
      const keyId = `${idOf(prefix, path)}-key-${i}`;
      const keyInput = h("input", {
        id: keyId,
        type: "text",
        "aria-label": `${name}: name of entry ${i + 1}`,
      });
      keyInput.value = key;
      keyInput.addEventListener("change", () =>
        attempt(keyInput, () =>
          edit(withRenamedKey(doc, path, key, keyInput.value.trim(), keyId), true, keyId),
        ),
      );
      const remove = h(
        "button",
        {
          type: "button",
          class: "pf-remove",
          "aria-label": `Remove ${name} entry ${key}`,
          onclick: () => edit(withValue(doc, [...path, key], undefined), true, addId),
        },
        "Remove",
      );
      out.push(
        h(
          "div",
          { class: "pf-row" },
          h("div", { class: "pf-entry" }, keyInput, render([...path, key], node.values, true, key)),
          remove,
        ),
      );
    });
    out.push(
      h(
        "button",
        {
          type: "button",
          id: addId,
          class: "pf-add",
          onclick: () => {
            let n = Object.keys(record).length + 1;
            while (`entry${n}` in record) n++;
            edit(withValue(doc, [...path, `entry${n}`], initialValue(node.values) ?? null), true, addId);
          },
        },
        `Add to ${name.toLowerCase()}`,
      ),
    );
    return out;
  }

  /** One node at `path`: a container (fieldset, or a section that folds at the top level) or a field. */
  function render(path: Path, schema: JsonSchema, required: boolean, name: string): HTMLElement {
    const node = nodeOf(schema);
    const value = valueAt(doc, path);
    // A value of another type than the schema's (typed in the JSON): shown as JSON to fix.
    const shown = fits(node, value) ? node : { ...node, kind: "json" as const };
    if (shown.kind !== "object" && shown.kind !== "array" && shown.kind !== "record")
      return scalar(path, shown, required, name);
    const key = pathKey(path);
    const help = schema.description ? h("p", { class: "hint" }, schema.description) : null;
    const body: (HTMLElement | null)[] = [];
    const absentList =
      !required && value === undefined && schema.default === undefined && shown.kind !== "object";
    if (absentList) {
      // Absent differs from empty here (licenses.allow absent allows every license).
      body.push(
        h(
          "button",
          {
            type: "button",
            id: `${idOf(prefix, path)}-use`,
            class: "pf-add",
            onclick: () =>
              edit(withValue(doc, path, initialValue(schema) ?? []), true, `${idOf(prefix, path)}-add`),
          },
          `Set ${name.toLowerCase()}`,
        ),
      );
    } else if (shown.kind === "object") {
      for (const [k, s] of shown.properties)
        body.push(render([...path, k], s, shown.required.has(k), label(k)));
      // Fields the schema does not know (the server refuses them): shown so the error has a place.
      if (isObject(value))
        for (const k of Object.keys(value).filter((k) => !shown.properties.some(([p]) => p === k)))
          body.push(render([...path, k], {}, false, `${k} (not in the schema)`));
    } else {
      body.push(...rows(path, shown, name));
      if (!required && schema.default === undefined)
        body.push(
          h(
            "button",
            {
              type: "button",
              class: "pf-remove",
              onclick: () => edit(withValue(doc, path, undefined), true, `${idOf(prefix, path)}-use`),
            },
            `Unset ${name.toLowerCase()}`,
          ),
        );
    }
    const fieldset = h(
      "fieldset",
      { class: `pf-${shown.kind}`, id: idOf(prefix, path), "data-path": key },
      h("legend", {}, name),
      help,
      ...body,
    );
    if (path.length !== 1) return fieldset;
    // Top-level sections fold away, so the form stays as short as the JSON beside it.
    const details = h("details", { class: "pf-section" }, h("summary", {}, name), fieldset);
    details.open = open.has(key);
    details.addEventListener("toggle", () => (details.open ? open.add(key) : open.delete(key)));
    return details;
  }

  function draw(): void {
    const node = nodeOf(schema);
    if (node.kind !== "object" || !isObject(doc)) {
      clear(el, h("p", { class: "hint" }, "The document is not a JSON object: edit it as JSON."));
      return;
    }
    const fields: HTMLElement[] = [];
    for (const [k, s] of node.properties) fields.push(render([k], s, node.required.has(k), label(k)));
    for (const k of Object.keys(doc).filter((k) => !node.properties.some(([p]) => p === k)))
      fields.push(render([k], {}, false, `${k} (not in the schema)`));
    clear(el, ...fields);
  }

  function clearIssues(): void {
    for (const c of el.querySelectorAll("[aria-invalid]")) setFieldError(c as HTMLElement, undefined);
    for (const p of el.querySelectorAll(".field-error")) p.remove();
  }

  function markIssues(issues: readonly FieldIssue[], toPath: (serverPath: string) => Path): void {
    clearIssues();
    const messages = new Map<HTMLElement, string[]>();
    for (const issue of issues) {
      // The field itself, else the nearest container that is drawn (an index past the rows, a
      // check across fields such as caps).
      let path = toPath(issue.path);
      let target: HTMLElement | null = null;
      while (path.length > 0 && !target) {
        target = el.querySelector<HTMLElement>(`[data-path="${CSS.escape(pathKey(path))}"]`);
        path = path.slice(0, -1);
      }
      if (target) messages.set(target, [...(messages.get(target) ?? []), issue.message]);
    }
    for (const [target, list] of messages) {
      for (let d = target.closest("details"); d; d = d.parentElement?.closest("details") ?? null)
        d.open = true;
      const text = list.join(" ");
      if (target.tagName === "FIELDSET") {
        // A group has no invalid state of its own: the message goes under its legend.
        target.querySelector(":scope > legend")?.after(h("p", { class: "field-error", role: "alert" }, text));
      } else setFieldError(target, text);
    }
  }

  return {
    el,
    show(next) {
      doc = next;
      draw();
    },
    markIssues,
    clearIssues,
  };
}
