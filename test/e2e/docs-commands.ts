/**
 * The shell command blocks of README.md and docs/*.md, so that a test can run them as written.
 *
 * A fenced block whose info string is
 *   - `sh`          is run by test/e2e/start.test.ts against what `npm start` brought up (bash, -e, from
 *                   the repository root; the documented default ports 8080 and 8545 are replaced by
 *                   the ports the test's `npm start` listens on);
 *   - `sh template` is a template: it must name at least one `<placeholder>`, explained in the text;
 *   - `sh manual`   is a command that runs until stopped, runs the whole suite or a benchmark, or
 *                   needs a real network; other tests or CI run it (the text says which).
 * Any other `sh…` info string fails the test, so a block cannot slip out of this scheme.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

export type BlockKind = "run" | "template" | "manual";

export interface CommandBlock {
  /** File and line of the opening fence, e.g. `docs/cli.md:84`. */
  where: string;
  kind: BlockKind;
  text: string;
}

const KINDS: Record<string, BlockKind> = { sh: "run", "sh template": "template", "sh manual": "manual" };

/** README.md and every docs/*.md, in a stable order. */
export function documentationFiles(root: string): string[] {
  const docs = readdirSync(path.join(root, "docs"))
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f) => path.join("docs", f));
  return ["README.md", ...docs];
}

/** Every `sh` block of one Markdown text; throws on an info string outside the scheme above. */
export function commandBlocks(file: string, markdown: string): CommandBlock[] {
  const blocks: CommandBlock[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,})(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const fence = open[1]!;
    const info = open[2]!.trim();
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i]!.startsWith(fence); i++) body.push(lines[i]!);
    if (!/^(sh|bash|shell|console)\b/.test(info)) continue;
    const kind = KINDS[info];
    const where = `${file}:${start + 1}`;
    if (!kind) throw new Error(`${where}: shell block "${info}" must be "sh", "sh template" or "sh manual"`);
    blocks.push({ where, kind, text: body.join("\n") });
  }
  return blocks;
}

export function allCommandBlocks(root: string): CommandBlock[] {
  return documentationFiles(root).flatMap((file) =>
    commandBlocks(file, readFileSync(path.join(root, file), "utf8")),
  );
}

/** A runnable block with the documented default ports moved to the ones actually in use. */
export function withPorts(text: string, ports: { server: number; chain: number }): string {
  return text
    .replaceAll("127.0.0.1:8080", `127.0.0.1:${ports.server}`)
    .replaceAll("127.0.0.1:8545", `127.0.0.1:${ports.chain}`);
}
