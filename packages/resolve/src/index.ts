export { resolveInputs, DEFAULT_BASES } from "./resolve.ts";
export type { ResolveOptions, ResolveResult, ResolveSummary } from "./resolve.ts";
export { HttpClient, rateLimitWait } from "./http.ts";
export type { HttpOptions, HttpResult, HttpStats } from "./http.ts";
export { npmRegistries, parseNpmrc, registryFor, NPM_DEFAULT_REGISTRY } from "./npm-config.ts";
export type { NpmRegistries } from "./npm-config.ts";
