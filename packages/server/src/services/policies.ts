import type { Address, Hex } from "viem";
import { jsonDiff, type JsonChange, type JsonObject } from "../canonical.ts";
import { ServerError } from "../errors.ts";
import type { PolicyCodec } from "../policy-codec.ts";
import type { PolicyRepository, PolicySummary, PolicyVersionRecord } from "../repositories/policies.ts";

export interface PolicyVersionDto {
  name: string;
  version: number;
  hash: Hex;
  note: string;
  createdBy: Address;
  createdAt: string;
}

export interface PolicyVersionDetailDto extends PolicyVersionDto {
  document: JsonObject;
  canonical: string;
}

const summary = (v: PolicyVersionRecord): PolicyVersionDto => ({
  name: v.name,
  version: v.version,
  hash: v.hash,
  note: v.note,
  createdBy: v.createdBy,
  createdAt: v.createdAt.toISOString(),
});

const detail = (v: PolicyVersionRecord): PolicyVersionDetailDto => ({
  ...summary(v),
  document: v.document,
  canonical: v.canonical,
});

export class PolicyService {
  private schema: JsonObject | undefined;

  constructor(
    private readonly policies: PolicyRepository,
    private readonly codec: PolicyCodec,
  ) {}

  /** JSON Schema of a policy document, generated once from the codec's schema. */
  jsonSchema(): JsonObject {
    return (this.schema ??= this.codec.jsonSchema());
  }

  async createVersion(input: {
    name: string;
    document: JsonObject;
    note: string;
    createdBy: Address;
    expectedLatestVersion?: number;
  }): Promise<PolicyVersionDetailDto> {
    const document = this.codec.parse(input.document);
    const canonical = this.codec.canonicalize(document);
    const record = await this.policies.appendVersion({
      name: input.name,
      canonical,
      hash: this.codec.hash(canonical),
      note: input.note,
      createdBy: input.createdBy,
      ...(input.expectedLatestVersion === undefined ? {} : { expectedLatest: input.expectedLatestVersion }),
    });
    return detail(record);
  }

  async list(): Promise<
    (Omit<PolicySummary, "createdAt" | "updatedAt"> & { createdAt: string; updatedAt: string | null })[]
  > {
    return (await this.policies.listPolicies()).map((p) => ({
      ...p,
      createdAt: p.createdAt.toISOString(),
      updatedAt: p.updatedAt?.toISOString() ?? null,
    }));
  }

  async versions(
    name: string,
    page: { limit: number; after?: number },
  ): Promise<{ versions: PolicyVersionDto[]; nextCursor: string | null }> {
    // One extra row tells whether another page exists without a count query.
    const rows = await this.policies.listVersions(name, {
      limit: page.limit + 1,
      ...(page.after === undefined ? {} : { afterVersion: page.after }),
    });
    if (!rows) throw new ServerError("NOT_FOUND", `no policy named "${name}"`);
    const versions = rows.slice(0, page.limit).map(summary);
    return { versions, nextCursor: rows.length > page.limit ? String(versions.at(-1)?.version) : null };
  }

  async get(name: string, version: number): Promise<PolicyVersionDetailDto> {
    return detail(await this.require(name, version));
  }

  async byHash(hash: Hex): Promise<PolicyVersionDto[]> {
    const rows = await this.policies.findByHash(hash);
    if (rows.length === 0) throw new ServerError("NOT_FOUND", `no policy version has hash ${hash}`);
    return rows.map(summary);
  }

  async diff(
    name: string,
    from: number,
    to: number,
  ): Promise<{
    name: string;
    from: { version: number; hash: Hex };
    to: { version: number; hash: Hex };
    changes: JsonChange[];
  }> {
    const [a, b] = await Promise.all([this.require(name, from), this.require(name, to)]);
    return {
      name,
      from: { version: a.version, hash: a.hash },
      to: { version: b.version, hash: b.hash },
      changes: jsonDiff(a.document, b.document),
    };
  }

  private async require(name: string, version: number): Promise<PolicyVersionRecord> {
    const record = await this.policies.getVersion(name, version);
    if (!record) throw new ServerError("NOT_FOUND", `policy "${name}" has no version ${version}`);
    return record;
  }
}
