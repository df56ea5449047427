/**
 * The royalty-pool defaults (docs/policy.md): the product and its workspaces keep nothing,
 * contributors are weighted by sustained work, package.json names get a bounded part, a
 * history beside a lockfile is the product's, and what stays held is explained.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { attribute, type AttributeResult } from "../src/attribute.ts";
import { accountIdOf } from "../src/account.ts";
import { accountIdHexAt } from "../src/table.ts";
import { inputFile } from "../src/inputs/index.ts";
import { NAMED_SHARE } from "../src/contributors.ts";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const file = (path: string, text: string) => inputFile(path, enc(text));
const T = 1_000_000_000n;

function fractionOf(r: AttributeResult, identity: string): number {
  const id = accountIdOf(identity);
  for (let i = 0; i < r.table.rows.length; i++)
    if (accountIdHexAt(r.table.rows, i) === id) return Number(r.table.rows.shares[i]!) / Number(T);
  return 0;
}

function sum(r: AttributeResult): bigint {
  return r.table.rows.shares.reduce((a, b) => a + b, 0n);
}

const LOCKFILE = JSON.stringify({
  name: "app",
  version: "1.0.0",
  lockfileVersion: 3,
  packages: {
    "": { name: "app", version: "1.0.0", workspaces: ["packages/core"], dependencies: { lib: "^1" } },
    "packages/core": { name: "@app/core", version: "0.1.0", dependencies: { leaf: "^2" } },
    "node_modules/@app/core": { resolved: "packages/core", link: true },
    "node_modules/lib": { version: "1.0.0", funding: "https://github.com/sponsors/libdev" },
    "node_modules/leaf": { version: "2.0.0" },
  },
});

const hex = (i: number): string => i.toString(16).padStart(40, "0");
let commitNo = 0;
/** Git log records (the CLI's format), `count` commits of `lines` each spread evenly over [from, to]. */
function commits(
  name: string,
  email: string,
  count: number,
  lines: number,
  from: string,
  to: string,
): string {
  const a = Date.parse(from) / 1000;
  const b = Date.parse(to) / 1000;
  let out = "";
  for (let i = 0; i < count; i++) {
    const t = Math.round(count === 1 ? a : a + ((b - a) * i) / (count - 1));
    out += `\x1e${hex(++commitNo)}\x1f${t}\x1f${name}\x1f${email}\n\n${lines}\t0\tsrc/f${i % 7}.ts\n`;
  }
  return out;
}

const HISTORY =
  "# repository: https://github.com/acme/app\n" +
  commits("Ann", "ann@example.org", 30, 20, "2024-01-01", "2025-06-01");

describe("royalty-pool defaults", () => {
  it("the product and its workspace keep nothing; the workspace passes its value on and stays on the path", () => {
    const r = attribute({
      files: [file("package-lock.json", LOCKFILE)],
      policy: { version: 1, totalShares: T.toString() },
    });
    assert.equal(sum(r), T);
    // Root: half to lib (runtime), half into the workspace (contains), which passes it to leaf.
    assert.equal(fractionOf(r, "github:libdev"), 0.5);
    assert.equal(fractionOf(r, "component:pkg:npm/app@1.0.0"), 0);
    assert.equal(fractionOf(r, "component:pkg:npm/%40app/core@0.1.0"), 0);
    assert.equal(fractionOf(r, "component:pkg:npm/leaf@2.0.0"), 0.5);
    assert.deepEqual(r.report.productParts, ["pkg:npm/%40app/core@0.1.0"]);
    const leafLine = [...r.explanation()]
      .join("")
      .split("\n")
      .find((l) => l.includes("component:pkg:npm/leaf"))!;
    const source = (JSON.parse(leafLine) as { sources: { path: string[]; keep: number }[] }).sources[0]!;
    assert.deepEqual(source.path, ["pkg:npm/app@1.0.0", "pkg:npm/%40app/core@0.1.0", "pkg:npm/leaf@2.0.0"]);
    // What is held is explained in the report (and so in the explanation's summary line).
    assert.equal(r.report.heldFraction, 0.5);
    assert.deepEqual(r.report.held, {
      count: 1,
      largest: [{ component: "pkg:npm/leaf@2.0.0", fraction: 0.5, why: "no-contributors" }],
    });
    const summary = JSON.parse([...r.explanation()][0]!) as { report: { held: unknown } };
    assert.deepEqual(summary.report.held, r.report.held);
  });

  it("a policy funding a library sets keep.root: then the product's workspaces keep it too", () => {
    const library = JSON.parse(
      readFileSync(new URL("../policies/library.json", import.meta.url), "utf8"),
    ) as Record<string, unknown>;
    const r = attribute({
      files: [file("package-lock.json", LOCKFILE)],
      policy: { ...library, totalShares: T.toString() },
    });
    assert.equal(sum(r), T);
    // The product keeps half (held: nobody named); the workspace keeps half of its 0.25.
    assert.equal(fractionOf(r, "component:pkg:npm/app@1.0.0"), 0.5);
    assert.equal(fractionOf(r, "component:pkg:npm/%40app/core@0.1.0"), 0.125);
    assert.deepEqual(r.report.held.largest.map((h) => [h.component, h.why]).sort(), [
      ["pkg:npm/%40app/core@0.1.0", "product-part"],
      ["pkg:npm/app@1.0.0", "product-part"],
      ["pkg:npm/leaf@2.0.0", "no-contributors"],
    ]);
  });

  it("components nested in a CycloneDX BOM's subject are the product's own parts", () => {
    const bom = JSON.stringify({
      bomFormat: "CycloneDX",
      specVersion: "1.6",
      metadata: {
        component: {
          type: "application",
          "bom-ref": "app",
          name: "app",
          version: "1.0.0",
          purl: "pkg:npm/app@1.0.0",
          components: [
            { type: "library", "bom-ref": "ui", name: "ui", version: "1.0.0", purl: "pkg:npm/ui@1.0.0" },
          ],
        },
      },
      components: [
        { type: "library", "bom-ref": "lib", name: "lib", version: "1.0.0", purl: "pkg:npm/lib@1.0.0" },
      ],
      dependencies: [
        { ref: "app", dependsOn: ["lib"] },
        { ref: "ui", dependsOn: ["lib"] },
      ],
    });
    const r = attribute({
      files: [file("bom.json", bom)],
      policy: { version: 1, totalShares: T.toString() },
    });
    assert.deepEqual(r.report.productParts, ["pkg:npm/ui@1.0.0"]);
    // ui passes everything on, like the product: lib (nobody named) holds the whole table.
    assert.equal(fractionOf(r, "component:pkg:npm/ui@1.0.0"), 0);
    assert.equal(fractionOf(r, "component:pkg:npm/lib@1.0.0"), 1);
  });

  it("a git history given beside a lockfile belongs to the product, not to a sibling dependency", () => {
    const files = [file("package-lock.json", LOCKFILE), file("app.gitlog", HISTORY)];
    const pool = attribute({ files, policy: { version: 1, totalShares: T.toString() } });
    // No repository component: the product's own people, who get what the product keeps (0).
    assert.equal(pool.report.components, 4);
    assert.equal(fractionOf(pool, "github:libdev"), 0.5);
    assert.equal(fractionOf(pool, "email-sha256:" + "0".repeat(64)), 0);
    const library = attribute({
      files,
      policy: { version: 1, totalShares: T.toString(), keep: { root: 0.5 } },
    });
    const ann = library.table.rows.identities.find((i) => i.startsWith("email-sha256:"))!;
    assert.equal(fractionOf(library, ann), 0.5);
  });

  it("sustained work outranks one recent commit, and 1,161 commits outrank 44 (the issue's cases)", () => {
    const log =
      "# repository: https://github.com/acme/lib\n" +
      commits("Veteran", "vet@example.org", 3500, 50, "2010-01-01", "2013-12-31") +
      commits("Newcomer", "new@example.org", 1, 52, "2025-06-01", "2025-06-01") +
      commits("Steady", "steady@example.org", 1161, 30, "2015-01-01", "2019-06-30") +
      commits("Burst", "burst@example.org", 44, 30, "2025-03-01", "2025-04-30");
    const files = [file("lib.gitlog", log)];
    const policy = { version: 1, totalShares: T.toString(), keep: { root: 1 } };
    const run = (contributors?: object): Record<string, number> => {
      const r = attribute({
        files,
        policy: contributors === undefined ? policy : { ...policy, contributors },
      });
      assert.equal(sum(r), T);
      return Object.fromEntries(
        r.table.rows.identities.map((identity) => [identity, fractionOf(r, identity)]),
      );
    };
    const id = (email: string): string => {
      const r = attribute({
        files: [file("x.gitlog", commits("X", email, 1, 1, "2020-01-01", "2020-01-01"))],
        policy,
      });
      return r.table.rows.identities[0]!;
    };
    const [vet, newcomer, steady, burst] = ["vet", "new", "steady", "burst"].map((n) =>
      id(`${n}@example.org`),
    );
    const sustained = run();
    assert.ok(sustained[vet!]! > 5 * sustained[newcomer!]!);
    assert.ok(sustained[steady!]! > 2 * sustained[burst!]!);
    // The old default (commits with a one-year half-life) reproduces the complaint.
    const old = run({ source: "commits", halfLifeDays: 365 });
    assert.ok(old[newcomer!]! > old[vet!]!);
    assert.ok(old[burst!]! > old[steady!]!);
  });

  it("people a package.json only names, absent from the history, share a bounded part", () => {
    const manifest = JSON.stringify({
      name: "lib",
      version: "1.0.0",
      author: "Old Author <old@example.org>",
      contributors: ["Once <once@example.org>", "Ann <ann@example.org>"],
    });
    const files = [
      file("lib/package.json", manifest),
      file(
        "lib.gitlog",
        "# source-of: pkg:npm/lib@1.0.0\n" +
          HISTORY.split("\n").slice(1).join("\n") +
          commits("Bo", "bo@example.org", 5, 10, "2025-01-01", "2025-05-01"),
      ),
    ];
    const r = attribute({ files, policy: { version: 1, totalShares: T.toString(), keep: { root: 1 } } });
    assert.equal(sum(r), T);
    const rows = r.table.rows.identities.map((identity) => fractionOf(r, identity)).sort((a, b) => b - a);
    // Ann (named and in the history) and Bo by their work; Old Author and Once share NAMED_SHARE.
    assert.equal(rows.length, 4);
    assert.ok(Math.abs(rows[2]! - NAMED_SHARE / 2) < 1e-9 && Math.abs(rows[3]! - NAMED_SHARE / 2) < 1e-9);
    assert.ok(Math.abs(rows[0]! + rows[1]! - (1 - NAMED_SHARE)) < 1e-9);
  });

  it("an existing policy that spells out the old fields gives the old table, byte for byte", () => {
    // Hashes computed by the engine before these defaults changed (same inputs and policy).
    const policy = {
      version: 1,
      keep: { default: 0.5, root: 0.5 },
      contributors: { source: "auto", halfLifeDays: 365 },
    };
    let log = "# repository: https://github.com/acme/old\n";
    const authors = [
      ["Ann", "ann@example.org"],
      ["Ben", "1234+ben@users.noreply.github.com"],
      ["Cy", "cy@example.org"],
    ] as const;
    for (let i = 0; i < 40; i++) {
      const [n, e] = authors[i % 3]!;
      log += `\x1e${hex(i + 1)}\x1f${1_600_000_000 + i * 900_000 * ((i % 3) + 1)}\x1f${n}\x1f${e}\n\n${(i * 7) % 50}\t${i % 5}\tf${i}.ts\n`;
    }
    const sbom = readFileSync(new URL("fixtures/samples/sbom-juice-shop-npm-1.4.json", import.meta.url));
    const history = attribute({ files: [inputFile("old.gitlog", enc(log))], policy });
    assert.equal(
      history.table.tableHash,
      "0x539b07b5a1dd703f79ab68deb24d0e534214a21e6cfbb36a8a604411adf76e6a",
    );
    assert.equal(
      history.table.policyHash,
      "0x9a7e8830927be0dcd4432e3ebf30cfffca38f51b2f2f82e3b93a360ebcd1bbd4",
    );
    const bom = attribute({ files: [inputFile("sbom.json", sbom)], policy });
    assert.equal(bom.table.root, "0x98293135b18706a0e9a273fcc1a7dfd3545d8010c79f2dfbdb6892519192149f");
    assert.equal(bom.table.tableHash, "0x36bca8a8d91531b168b9a9d31ff890be12ebb2351e7263e0c437e172a77f4d3b");
  });
});
