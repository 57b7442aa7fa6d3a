# syntax=docker/dockerfile:1
# Switchboard gateway: compiled TypeScript on Node 20, production dependencies only, non-root.
#   docker build -t switchboard .
#   docker run -e JWT_SECRET=… -e DATABASE_URL=mysql://… -p 4000:4000 switchboard

ARG NODE_IMAGE=node:20-bookworm-slim

# Toolchain for native modules (better-sqlite3 falls back to node-gyp when no prebuilt binary fits).
FROM ${NODE_IMAGE} AS toolchain
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app

# Compile: every dependency, then `npm run build` (tsc -p tsconfig.build.json → dist/).
FROM toolchain AS build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ormconfig.ts ./
COPY src ./src
RUN npm run build

# Production dependencies only, compiled against the same Node as the runtime.
FROM toolchain AS prod-deps
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# Runtime: no compiler, no dev dependencies, no sources; runs as the image's `node` user.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=4000 \
    SEED_DEMO=false
WORKDIR /app
COPY --chown=node:node package.json ./
COPY --from=prod-deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
# `npm run token | audit:verify | create-organization` run the compiled scripts here.
COPY --chown=node:node scripts ./scripts
# ./data is only used if someone runs it on the embedded SQLite file (DATABASE_URL unset).
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 4000
# Liveness: the process answers HTTP (it listens only after migrations ran). Readiness
# (database reachable) is /readyz, for the proxy or orchestrator to route by.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself is PID 1 and handles SIGTERM (drains, closes sockets with 1001, exits).
CMD ["node", "dist/src/main.js"]
