# syntax=docker/dockerfile:1
#
# One image for every Taskyard role; the command picks it:
#   docker run IMAGE serve     API server (gRPC h2c, gRPC-Web, Connect on TASKYARD_PORT) + dispatcher
#   docker run IMAGE worker    Temporal worker (TASKYARD_WORKER_QUEUES)
#   docker run IMAGE migrate   apply database migrations, then exit
#
# Debian (glibc) rather than Alpine: the Temporal worker loads a native Rust core
# (@temporalio/core-bridge) that is published for glibc only.
# Pin the base by digest in CI, e.g. --build-arg NODE_IMAGE=node:20-bookworm-slim@sha256:…
ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: all dependencies, compile TypeScript, pre-bundle the workflows --------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: no dependency needs its install script (buf, esbuild, swc and Temporal's
# bundler ship per-platform optional packages), and npm 11 skips them anyway.
# Never --omit=optional: those per-platform packages ARE the binaries.
RUN --mount=type=cache,target=/root/.npm \
    npm ci --ignore-scripts --no-audit --no-fund
COPY . .
# tsc -p tsconfig.build.json → dist/src, dist/workflows; then dist/workflow-bundle.js; then the
# web console (vite build) → dist/console, served at /console
RUN npm run build \
    && test -f dist/workflow-bundle.js \
    && test -f dist/console/index.html

# ---- prod-deps: production node_modules only ------------------------------------------------
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# ---- runtime ----------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="taskyard" \
      org.opencontainers.image.description="Long-running processing tasks over gRPC and Connect" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}"

# A fixed numeric uid/gid so Kubernetes' runAsNonRoot can verify it; the Helm chart runs as the same ids.
RUN groupadd --system --gid 10001 taskyard \
    && useradd --system --uid 10001 --gid taskyard --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin taskyard

ENV NODE_ENV=production \
    TZ=UTC \
    TASKYARD_HOST=0.0.0.0 \
    TASKYARD_PORT=8080 \
    TASKYARD_WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js

WORKDIR /app
# Everything stays root-owned and read-only to the app user: the container may run with a
# read-only root filesystem (the chart mounts an emptyDir on /tmp for scratch space).
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin

USER 10001:10001
EXPOSE 8080
# Node is PID 1: the app handles SIGTERM itself (drains for TASKYARD_SHUTDOWN_GRACE_MS).
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "bin/taskyard.js"]
CMD ["serve"]
