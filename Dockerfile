# syntax=docker/dockerfile:1
# Container image of the TypeScript api-syncagent: a drop-in for ghcr.io/kcp-dev/api-syncagent.
# Contract: ENTRYPOINT ["api-syncagent"], deployments pass only flags, runs as nobody (uid 65534),
# needs no writable root filesystem. Runtime base: distroless Node 24 (no shell, no package manager);
# the build stages use the Debian Node image of the same major version. Multi-arch (amd64, arm64):
# every stage is plain JavaScript (no native modules), `docker buildx build --platform ...` works
# without emulation-specific steps (.github/workflows/release.yml).
#
#   docker build -t api-syncagent:dev .
#
# e2e/shipping/image.e2e.ts replays the install steps below in a staging folder (no Docker engine
# runs in CI), so keep the layout (/opt/api-syncagent/{bin,dist,crds,node_modules}) in sync with it.
# hack/release/build-image.sh is how the release workflow calls this.

ARG NODE_IMAGE=node:24-bookworm-slim
ARG RUNTIME_IMAGE=gcr.io/distroless/nodejs24-debian12

# ---- build: compile TypeScript to dist/ (dev dependencies only live here) ----
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# `npm ci`: exactly the locked tree (it fails if package.json and package-lock.json disagree). No
# install scripts: tsc needs none (and the `node` devDependency would fetch a second Node).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY operator ./operator
# = `npm run build`, with the image's Node.
RUN node node_modules/typescript/bin/tsc -p tsconfig.build.json

# ---- deps: production dependencies only (no `node` npm package, no TypeScript, no jest) ----
FROM ${NODE_IMAGE} AS deps
WORKDIR /opt/api-syncagent
COPY package.json package-lock.json ./
# `npm ci --omit=dev`: the production part of the locked tree, versions exactly those of
# package-lock.json. No production dependency has install scripts or native code. Source maps and type
# declarations are dead weight at runtime.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && find node_modules -type f \( -name '*.map' -o -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' \) -delete \
 && rm package-lock.json \
 && npm cache clean --force
# The whole install root is assembled here (the runtime image has no shell to run commands in).
COPY --from=build /src/dist ./dist
COPY crds ./crds
COPY hack/image/api-syncagent hack/image/pubres-toolkit ./bin/
RUN chmod 0755 bin/api-syncagent bin/pubres-toolkit && chmod -R a+rX,go-w /opt/api-syncagent

# ---- runtime: distroless Node 24, no shell ----
FROM ${RUNTIME_IMAGE}
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="api-syncagent" \
      org.opencontainers.image.description="Publishes CRD-based APIs from a service cluster to kcp and syncs objects both ways (TypeScript drop-in for kcp-dev/api-syncagent)" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.base.name="gcr.io/distroless/nodejs24-debian12"

COPY --from=deps /opt/api-syncagent /opt/api-syncagent
# ENTRYPOINT ["api-syncagent"] resolves through PATH; the scripts in bin/ start /nodejs/bin/node (the
# distroless node) through their shebang.
ENV PATH=/opt/api-syncagent/bin:/nodejs/bin:/usr/local/bin:/usr/bin:/bin \
    NODE_ENV=production
WORKDIR /opt/api-syncagent
# Nothing is written at runtime: logs go to stderr, state lives in Secrets.
USER 65534:65534
ENTRYPOINT ["api-syncagent"]
