/** The npm registry is taken from the npm configuration as npm reads it. */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NPM_DEFAULT_REGISTRY, npmRegistries, parseNpmrc, registryFor } from "../src/index.ts";

const dir = mkdtempSync(join(tmpdir(), "ws-npmrc-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("project .npmrc (found from a subdirectory) beats the user's, the environment beats both", () => {
  const home = join(dir, "home");
  const project = join(dir, "project");
  mkdirSync(home);
  mkdirSync(join(project, "packages", "a"), { recursive: true });
  writeFileSync(
    join(home, ".npmrc"),
    "registry=https://user.example/npm\n@corp:registry=https://corp.example/\n",
  );
  writeFileSync(join(project, ".npmrc"), "; comment\nregistry = https://project.example/npm/\n");
  const cwd = join(project, "packages", "a");
  const env = { HOME: home };

  assert.equal(npmRegistries({ cwd: home, env, home }).registry, "https://user.example/npm/");
  const fromProject = npmRegistries({ cwd, env, home });
  assert.equal(fromProject.registry, "https://project.example/npm/");
  assert.equal(fromProject.from, join(project, ".npmrc"));
  assert.equal(registryFor(fromProject, "@corp/tool"), "https://corp.example/");
  assert.equal(registryFor(fromProject, "@other/tool"), "https://project.example/npm/");
  assert.equal(
    npmRegistries({ cwd, env: { ...env, npm_config_registry: "https://env.example" }, home }).registry,
    "https://env.example/",
  );
  assert.equal(
    npmRegistries({ cwd: dir, env: {}, home: join(dir, "nowhere") }).registry,
    NPM_DEFAULT_REGISTRY,
  );
});

test(".npmrc values expand ${VAR} and lose their quotes", () => {
  const config = parseNpmrc('registry="https://${HOST}/r/"\n# x=y\nbad line\n', { HOST: "mirror.example" });
  assert.deepEqual([...config], [["registry", "https://mirror.example/r/"]]);
});
