/**
 * Funding manifests and package manifests: who stands behind a component, with declared
 * weights and payout addresses where the manifest gives them.
 *
 * - `funding.json` v1 (fundingjson.org): `entity` is the contributor; a `funding.channels[]`
 *   entry whose `address` is an EVM address is its payout address.
 * - `FUNDING.json`: Drips (`{"drips": {"<chain>": {"ownedBy": "0x…"}}}`) and Wellspring's own
 *   `{"wellspring": {"component"?, "contributors": [{identity, weight?, payout?}]}}`.
 * - `package.json`: `author`, `contributors`, `maintainers` (string or object forms),
 *   `funding`, `license`, `repository`.
 */
import type {
  ComponentInfo,
  ContributorEvidence,
  GraphSink,
  InputFile,
  InputParser,
  SourceRef,
} from "./types.ts";
import { parseJson, type JsonHead } from "./json.ts";
import { npmKey, repositoryKey } from "./keys.ts";
import {
  addressIdentity,
  emailIdentity,
  fundingUrlIdentity,
  gitHubOwnerIdentity,
  isAddress,
  parsePersonString,
  personIdentity,
  type Person,
} from "./identity.ts";
import {
  check,
  directContext,
  ROOT_FUNDED_PROJECT,
  ROOT_MANIFEST,
  schemaError,
  z,
  type ParseContext,
} from "./schema.ts";

/** The component a manifest describes, when the caller knows it (e.g. the sibling package.json). */
export interface ManifestContext extends ParseContext {
  subject?: string | undefined;
}

// ---------------------------------------------------------------- funding.json v1

const Url = z.looseObject({ url: z.string().optional() });
const FundingJsonSchema = z.looseObject({
  version: z.string(),
  entity: z.looseObject({
    type: z.string().optional(),
    role: z.string().optional(),
    name: z.string().optional(),
    email: z.string().optional(),
    webpageUrl: Url.optional(),
  }),
  projects: z
    .array(
      z.looseObject({
        guid: z.string().optional(),
        name: z.string().optional(),
        repositoryUrl: Url.optional(),
        licenses: z.array(z.string()).optional(),
      }),
    )
    .optional(),
  funding: z
    .looseObject({
      channels: z
        .array(
          z.looseObject({
            guid: z.string().optional(),
            type: z.string().optional(),
            address: z.string().optional(),
          }),
        )
        .optional(),
    })
    .optional(),
});

function parseFundingJson(file: InputFile, sink: GraphSink, ctx: ManifestContext): void {
  const path = file.path;
  const doc = check(FundingJsonSchema, parseJson(file), path, "");
  if (!doc.version.startsWith("v1"))
    throw schemaError(path, "version", `unsupported funding.json version ${doc.version} (supported: v1.x)`);
  let payout: `0x${string}` | undefined;
  let payoutField: string | undefined;
  doc.funding?.channels?.forEach((channel, i) => {
    const address = channel.address?.trim();
    if (payout === undefined && address !== undefined && isAddress(address)) {
      payout = addressIdentity(address);
      payoutField = `funding.channels[${i}].address`;
    }
  });
  let identity =
    (doc.entity.webpageUrl?.url !== undefined ? gitHubOwnerIdentity(doc.entity.webpageUrl.url) : undefined) ??
    (doc.entity.email !== undefined && doc.entity.email.includes("@")
      ? emailIdentity(doc.entity.email)
      : undefined);
  let identityField = "entity";
  if (identity === undefined && payout !== undefined) {
    identity = payout;
    identityField = payoutField as string;
  }
  if (identity === undefined)
    throw schemaError(
      path,
      "entity",
      "the entity has no e-mail, GitHub page or EVM payout channel to identify it",
    );
  const evidence: ContributorEvidence = { identity, source: "declared" };
  if (payout !== undefined) evidence.payout = payout;

  const targets: Array<{ key: string; field: string; info?: ComponentInfo }> = [];
  if (ctx.subject !== undefined) targets.push({ key: ctx.subject, field: "entity" });
  else {
    doc.projects?.forEach((project, i) => {
      const url = project.repositoryUrl?.url;
      if (url === undefined) return;
      const license = project.licenses?.map((l) => (l.startsWith("spdx:") ? l.slice(5) : l)).join(" AND ");
      const info: ComponentInfo = { kind: "repository", name: project.name ?? url };
      if (license !== undefined && license.length > 0) info.license = license;
      targets.push({ key: repositoryKey(url), field: `projects[${i}].repositoryUrl`, info });
    });
  }
  if (targets.length === 0)
    throw schemaError(
      path,
      "projects",
      "no project with a repositoryUrl, and no component given for this manifest",
    );
  for (const target of targets) {
    if (target.info !== undefined)
      sink.component(target.key, target.info, { file: path, field: target.field });
    sink.contributor(target.key, evidence, { file: path, field: identityField });
  }
  if (ctx.subject === undefined && targets.length === 1) {
    ctx.proposeRoot(
      (targets[0] as { key: string }).key,
      { file: path, field: (targets[0] as { field: string }).field },
      ROOT_FUNDED_PROJECT,
    );
  }
}

// ---------------------------------------------------------------- FUNDING.json

const WellspringContributor = z.looseObject({
  identity: z.string().min(1),
  weight: z.number().positive().finite().optional(),
  payout: z.string().optional(),
});
const FundingVariantsSchema = z.looseObject({
  drips: z.record(z.string(), z.looseObject({ ownedBy: z.string().optional() })).optional(),
  wellspring: z
    .looseObject({
      component: z.string().optional(),
      contributors: z.array(WellspringContributor),
    })
    .optional(),
});

function parseFundingVariants(file: InputFile, sink: GraphSink, ctx: ManifestContext): void {
  const path = file.path;
  const doc = check(FundingVariantsSchema, parseJson(file), path, "");
  const component = doc.wellspring?.component ?? ctx.subject;
  if (component === undefined) {
    throw schemaError(
      path,
      "wellspring.component",
      "cannot tell which component this manifest funds: set wellspring.component or give it next to a package.json",
    );
  }
  const emit = (evidence: ContributorEvidence, source: SourceRef): void =>
    sink.contributor(component, evidence, source);
  if (doc.drips !== undefined) {
    for (const chain of Object.keys(doc.drips).sort()) {
      const owner = doc.drips[chain]?.ownedBy?.trim();
      if (owner === undefined) continue;
      if (!isAddress(owner))
        throw schemaError(path, `drips.${chain}.ownedBy`, `not an EVM address: ${owner}`);
      emit(
        { identity: addressIdentity(owner), source: "declared" },
        { file: path, field: `drips.${chain}.ownedBy` },
      );
    }
  }
  doc.wellspring?.contributors.forEach((c, i) => {
    const field = `wellspring.contributors[${i}]`;
    const identity = c.identity.trim();
    const evidence: ContributorEvidence = {
      identity: isAddress(identity) ? addressIdentity(identity) : identity,
      source: "declared",
    };
    if (!isAddress(identity) && !/^[a-z0-9.-]+:\S+$/.test(identity)) {
      throw schemaError(
        path,
        `${field}.identity`,
        `expected a canonical identity like github:<id> or a 0x address: ${identity}`,
      );
    }
    if (c.weight !== undefined) evidence.weight = c.weight;
    if (c.payout !== undefined) {
      if (!isAddress(c.payout.trim()))
        throw schemaError(path, `${field}.payout`, `not an EVM address: ${c.payout}`);
      evidence.payout = addressIdentity(c.payout.trim());
    }
    emit(evidence, { file: path, field });
  });
}

// ---------------------------------------------------------------- package.json

const PersonSchema = z.union([
  z.string(),
  z.looseObject({ name: z.string().optional(), email: z.string().optional(), url: z.string().optional() }),
]);
const FundingEntry = z.union([z.string(), z.looseObject({ url: z.string(), type: z.string().optional() })]);
const PackageJsonSchema = z.looseObject({
  name: z.string().optional(),
  version: z.string().optional(),
  license: z.union([z.string(), z.looseObject({ type: z.string() })]).optional(),
  author: PersonSchema.optional(),
  contributors: z.array(PersonSchema).optional(),
  maintainers: z.array(PersonSchema).optional(),
  funding: z.union([FundingEntry, z.array(FundingEntry)]).optional(),
  repository: z.union([z.string(), z.looseObject({ url: z.string().optional() })]).optional(),
});

function toPerson(value: z.infer<typeof PersonSchema>): Person {
  return typeof value === "string" ? parsePersonString(value) : value;
}

/** True when the manifest was installed into a node_modules tree (a dependency, not the product). */
function isInstalled(path: string): boolean {
  return path.replaceAll("\\", "/").includes("node_modules/");
}

export function parsePackageJson(
  file: InputFile,
  sink: GraphSink,
  ctx: ManifestContext = directContext(sink),
): string {
  const path = file.path;
  const pkg = check(PackageJsonSchema, parseJson(file), path, "");
  if (pkg.name === undefined)
    throw schemaError(path, "name", "a package.json needs a name to identify its component");
  const key = npmKey(pkg.name, pkg.version);
  const info: ComponentInfo = { kind: "package", name: pkg.name };
  if (pkg.version !== undefined) info.version = pkg.version;
  info.purl = key;
  const license = typeof pkg.license === "string" ? pkg.license : pkg.license?.type;
  if (license !== undefined && license.length > 0) info.license = license;
  sink.component(key, info, { file: path, field: "name" });

  const seen = new Set<string>();
  const add = (identity: string | undefined, field: string, named = false): void => {
    if (identity === undefined || seen.has(identity)) return;
    seen.add(identity);
    sink.contributor(
      key,
      { identity, source: "declared", ...(named ? { named } : {}) },
      { file: path, field },
    );
  };
  // Author and contributors are names (often stale); maintainers and funding say who holds it.
  if (pkg.author !== undefined) add(personIdentity(toPerson(pkg.author)), "author", true);
  pkg.contributors?.forEach((p, i) => add(personIdentity(toPerson(p)), `contributors[${i}]`, true));
  // npm writes registry user names into `maintainers`.
  pkg.maintainers?.forEach((p, i) =>
    add(personIdentity(toPerson(p), { npmUserName: true }), `maintainers[${i}]`),
  );
  if (pkg.funding !== undefined) {
    const list = Array.isArray(pkg.funding) ? pkg.funding : [pkg.funding];
    list.forEach((f, i) =>
      add(
        fundingUrlIdentity(typeof f === "string" ? f : f.url),
        Array.isArray(pkg.funding) ? `funding[${i}]` : "funding",
      ),
    );
  }
  if (seen.size === 0 && pkg.repository !== undefined) {
    const url = typeof pkg.repository === "string" ? pkg.repository : pkg.repository.url;
    // npm's shorthand "owner/repo" means GitHub.
    const full = url !== undefined && /^[\w.-]+\/[\w.-]+$/.test(url) ? `github:${url}` : url;
    if (full !== undefined)
      add(
        gitHubOwnerIdentity(full.startsWith("github:") ? `https://github.com/${full.slice(7)}` : full),
        "repository",
      );
  }
  if (!isInstalled(path)) ctx.proposeRoot(key, { file: path, field: "name" }, ROOT_MANIFEST);
  return key;
}

// ---------------------------------------------------------------- parsers

function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1);
}

export const fundingJsonParser: InputParser & {
  parse(file: InputFile, json: unknown, sink: GraphSink, ctx?: ManifestContext): void;
} = {
  format: "funding-json-v1",
  detect(_file: InputFile, json: unknown): boolean {
    const head = json as JsonHead | undefined;
    return head instanceof Map && typeof head.get("version") === "string" && head.has("entity");
  },
  parse(file: InputFile, _json: unknown, sink: GraphSink, ctx?: ManifestContext): void {
    parseFundingJson(file, sink, ctx ?? directContext(sink));
  },
};

export const fundingVariantsParser: InputParser & {
  parse(file: InputFile, json: unknown, sink: GraphSink, ctx?: ManifestContext): void;
} = {
  format: "funding-manifest",
  detect(_file: InputFile, json: unknown): boolean {
    const head = json as JsonHead | undefined;
    return head instanceof Map && (head.has("drips") || head.has("wellspring")) && !head.has("entity");
  },
  parse(file: InputFile, _json: unknown, sink: GraphSink, ctx?: ManifestContext): void {
    parseFundingVariants(file, sink, ctx ?? directContext(sink));
  },
};

export const packageJsonParser: InputParser & {
  parse(file: InputFile, json: unknown, sink: GraphSink, ctx?: ManifestContext): void;
} = {
  format: "package-json",
  detect(file: InputFile, json: unknown): boolean {
    const head = json as JsonHead | undefined;
    if (
      !(head instanceof Map) ||
      head.has("lockfileVersion") ||
      head.has("bomFormat") ||
      head.has("spdxVersion")
    )
      return false;
    return (
      baseName(file.path) === "package.json" ||
      (typeof head.get("name") === "string" &&
        (head.has("dependencies") || head.has("author") || head.has("version")))
    );
  },
  parse(file: InputFile, _json: unknown, sink: GraphSink, ctx?: ManifestContext): void {
    parsePackageJson(file, sink, ctx ?? directContext(sink));
  },
};
