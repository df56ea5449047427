# The Wellspring server (packages/server) with its web pages, run from the built JavaScript with plain Node: no tsx,
# no TypeScript sources, no development dependencies. docs/deployment.md, "Running the server in production", lists
# the environment; nothing secret is baked in. Docker is not available where this repository is developed and CI
# does not build this image: it has not been built. test/e2e/production.test.ts rehearses the runtime stage without
# Docker (its COPY lines from `npm run build`'s output, its `npm ci --omit=dev`, its CMD) and checks every COPY source.
#
#   docker build -t wellspring-server .
#   docker run --rm -p 8080:8080 -v wellspring-data:/data -e CHAIN_ID -e RPC_URL -e INDEXER_ENABLED=true wellspring-server

# --- build: every dependency, then `npm run build` (tsc for the packages and the server, esbuild for the pages) ---
FROM node:22-bookworm-slim AS build
WORKDIR /app
# Every workspace's package.json first, so the dependency layer is rebuilt only when they change.
# .npmrc: npm scripts resolve @wellspring/* to the TypeScript sources (the wellspring-source condition), which the
# pages' bundle is built from.
COPY package.json package-lock.json .npmrc ./
COPY scripts/ensure-edr.cjs scripts/ensure-edr.cjs
COPY packages/protocol/package.json packages/protocol/
COPY packages/attribution/package.json packages/attribution/
COPY packages/sdk/package.json packages/sdk/
COPY packages/cli/package.json packages/cli/
COPY packages/resolve/package.json packages/resolve/
COPY packages/server/package.json packages/server/
COPY packages/web/package.json packages/web/
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.package.json tsconfig.build.json ./
COPY packages packages
RUN npm run build
# The deployment records (deploy/addresses/<chainId>.json) the repository holds when the image is built; the
# directory exists even before the first deployment is committed.
COPY deploy deploy
RUN mkdir -p deploy/addresses

# --- runtime: production dependencies and the built output only ---
FROM node:22-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    PGLITE_DIR=/data/pglite \
    DEPLOYMENTS_DIR=/app/deploy/addresses
# No .npmrc here: without the source condition, @wellspring/* resolve to their dist/. ensure-edr.cjs (the root
# postinstall) does nothing without Hardhat, a development dependency.
COPY package.json package-lock.json ./
COPY scripts/ensure-edr.cjs scripts/ensure-edr.cjs
COPY packages/protocol/package.json packages/protocol/
COPY packages/attribution/package.json packages/attribution/
COPY packages/sdk/package.json packages/sdk/
COPY packages/cli/package.json packages/cli/
COPY packages/resolve/package.json packages/resolve/
COPY packages/server/package.json packages/server/
COPY packages/web/package.json packages/web/
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
# What the server loads at run time: the dist/ of itself and of the packages it imports (the engine reads its own
# package.json, copied above, for the version it writes into tables), and the pages' bundle in web/dist/pages.
COPY --from=build /app/packages/protocol/dist packages/protocol/dist
COPY --from=build /app/packages/attribution/dist packages/attribution/dist
COPY --from=build /app/packages/sdk/dist packages/sdk/dist
COPY --from=build /app/packages/web/dist packages/web/dist
COPY --from=build /app/packages/server/dist packages/server/dist
# The deployment records as they were at build time (mount another directory and set DEPLOYMENTS_DIR to change them).
COPY --from=build /app/deploy/addresses deploy/addresses
RUN mkdir -p /data && chown node:node /data

USER node
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=10s --start-period=60s \
  CMD node -e "fetch('http://127.0.0.1:' + process.env.PORT + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["node", "packages/server/dist/main.js"]
