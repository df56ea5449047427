/* global document, fetch, window, URLSearchParams */
// Renders /openapi.json without any third-party code or network access beyond this server.
"use strict";

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

function resolve(doc, schema) {
  if (schema && typeof schema.$ref === "string" && schema.$ref.startsWith("#/components/schemas/")) {
    const name = schema.$ref.slice("#/components/schemas/".length);
    return { name, schema: doc.components.schemas[name] };
  }
  return { name: null, schema };
}

// Inline component references one level deep so each operation shows its whole shape.
function expand(doc, schema, depth) {
  if (depth > 6 || schema === null || typeof schema !== "object") return schema;
  if (Array.isArray(schema)) return schema.map((item) => expand(doc, item, depth + 1));
  if (typeof schema.$ref === "string") return expand(doc, resolve(doc, schema).schema, depth + 1);
  const out = {};
  for (const [key, value] of Object.entries(schema)) out[key] = expand(doc, value, depth + 1);
  return out;
}

function schemaBlock(doc, label, schema) {
  const { name } = resolve(doc, schema);
  return el(
    "div",
    {},
    el("strong", {}, label + (name ? " (" + name + ")" : "")),
    el("pre", {}, JSON.stringify(expand(doc, schema, 0), null, 2)),
  );
}

function tryIt(path, parameters) {
  const inputs = new Map();
  const form = el("div", { class: "try" });
  for (const p of parameters) {
    const input = el("input", { placeholder: p.name + (p.required ? " *" : ""), "aria-label": p.name });
    inputs.set(p, input);
    form.append(input);
  }
  const output = el("pre", {}, "");
  const button = el("button", { type: "button" }, "Send GET");
  button.addEventListener("click", async () => {
    let url = path;
    const query = new URLSearchParams();
    for (const [p, input] of inputs) {
      if (input.value === "") continue;
      if (p.in === "path") url = url.replace("{" + p.name + "}", encodeURIComponent(input.value));
      else query.set(p.name, input.value);
    }
    const qs = query.toString();
    output.textContent = "…";
    try {
      const response = await fetch(url + (qs ? "?" + qs : ""), { headers: { accept: "application/json" } });
      const text = await response.text();
      let pretty = text;
      try {
        pretty = JSON.stringify(JSON.parse(text), null, 2);
      } catch {
        // Not JSON: show as is.
      }
      output.textContent = response.status + " " + response.statusText + "\n\n" + pretty;
    } catch (error) {
      output.textContent = String(error);
    }
  });
  form.append(button, output);
  return form;
}

function operation(doc, path, method, op) {
  const summary = el(
    "summary",
    {},
    el("span", { class: "method " + method }, method),
    el("span", { class: "path" }, path),
    el("span", {}, op.summary || ""),
    op["x-required-role"] ? el("span", { class: "role" }, "signed · " + op["x-required-role"]) : null,
  );
  const body = el("div", { class: "body" });
  if (op.description) body.append(el("p", {}, op.description));
  const params = op.parameters || [];
  if (params.length) {
    const rows = params.map((p) =>
      el(
        "tr",
        {},
        el("td", {}, el("code", {}, p.name)),
        el("td", {}, p.in),
        el("td", {}, p.required ? "yes" : "no"),
        el("td", {}, p.description || ""),
        el("td", {}, el("code", {}, JSON.stringify(p.schema))),
      ),
    );
    body.append(
      el(
        "table",
        {},
        el(
          "tr",
          {},
          el("th", {}, "parameter"),
          el("th", {}, "in"),
          el("th", {}, "required"),
          el("th", {}, "description"),
          el("th", {}, "schema"),
        ),
        ...rows,
      ),
    );
  }
  const requestSchema = op.requestBody && op.requestBody.content["application/json"];
  if (requestSchema) body.append(schemaBlock(doc, "Request body", requestSchema.schema));
  for (const [status, response] of Object.entries(op.responses || {})) {
    const content = response.content && Object.values(response.content)[0];
    if (content && content.schema)
      body.append(schemaBlock(doc, status + " — " + response.description, content.schema));
    else body.append(el("p", {}, el("strong", {}, status), " — " + response.description));
  }
  if (method === "get") body.append(el("h4", {}, "Try it"), tryIt(path, params));
  const details = el(
    "details",
    { class: "op", "data-search": (method + " " + path + " " + (op.summary || "")).toLowerCase() },
    summary,
    body,
  );
  return details;
}

async function main() {
  const main = document.getElementById("operations");
  const response = await fetch("/openapi.json");
  const doc = await response.json();
  document.getElementById("title").textContent = doc.info.title + " " + doc.info.version;
  document.getElementById("description").textContent = doc.info.description || "";
  const byTag = new Map();
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = (op.tags && op.tags[0]) || "other";
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push(operation(doc, path, method, op));
    }
  }
  main.replaceChildren();
  for (const [tag, ops] of byTag) main.append(el("section", {}, el("h2", {}, tag), ...ops));
  document.getElementById("filter").addEventListener("input", (event) => {
    const needle = event.target.value.toLowerCase();
    for (const details of main.querySelectorAll("details.op"))
      details.hidden = needle !== "" && !details.dataset.search.includes(needle);
  });
}

main().catch((error) => {
  document.getElementById("operations").textContent = "Could not load /openapi.json: " + error;
  window.console.error(error);
});
