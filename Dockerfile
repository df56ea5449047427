# The Wellspring server (packages/server) with its web pages, run from the TypeScript sources with tsx as
# `npm start` does (no dist/ build). docs/deployment.md, "Running the server in production", lists the
# environment; nothing secret is baked in.
#
#   docker build -t wellspring-server .
#   docker run --rm -p 8080:8080 -v wellspring-data:/data -e CHAIN_ID -e RPC_URL -e INDEXER_ENABLED=true wellspring-server
FROM node:22-bookworm-slim

WORKDIR /app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    PGLITE_DIR=/data/pglite \
    DEPLOYMENTS_DIR=/app/deploy/addresses

# Every workspace's package.json first, so the dependency layer is rebuilt only when they change. tsx, which runs
# the sources, is a development dependency: install all of them.
# .npmrc: npm scripts resolve @wellspring/* to the TypeScript sources (the wellspring-source condition).
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

COPY tsconfig.json ./
COPY packages packages
COPY deploy deploy
RUN npm run build:web && mkdir -p /data && chown node:node /data

USER node
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=10s --start-period=60s \
  CMD node -e "fetch('http://127.0.0.1:' + process.env.PORT + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["node", "--conditions=wellspring-source", "--import", "tsx", "packages/server/src/main.ts"]
