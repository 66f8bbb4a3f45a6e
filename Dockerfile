# syntax=docker/dockerfile:1
# One Dockerfile, two images:
#   docker build --target hooks   -t ghcr.io/firestoned/bindy-hooks:<version> .
#   docker build --target bindcar -t ghcr.io/firestoned/bindy-bindcar:<version> .
# Node LTS on Debian bookworm-slim (bookworm's bind9-utils is BIND 9.18, the default server version).
ARG NODE_IMAGE=node:24-bookworm-slim

# ---- build: compile TypeScript and bundle each service into one file (scripts/bundle.ts), then drop dev dependencies ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY dns ./dns
COPY hooks ./hooks
COPY bindcar ./bindcar
COPY cli ./cli
COPY local ./local
COPY scripts/bundle.ts ./scripts/bundle.ts
RUN npm run build && npm prune --omit=dev --ignore-scripts

# ---- runtime: compiled JS + production node_modules, non-root ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node

# ---- hooks: the Metacontroller hook service (schemas are compiled in; no crds/ needed at run time) ----
FROM runtime AS hooks
# 8443: TLS for the index-label admission webhook, when HOOKS_TLS_CERT_FILE/HOOKS_TLS_KEY_FILE are set (manifests/overlays/admission)
EXPOSE 8080 8443
CMD ["node", "dist/bundle/hooks.cjs"]

# ---- bindcar: the sidecar next to named; needs rndc, nsupdate and dig ----
FROM runtime AS bindcar
USER root
RUN apt-get update \
 && apt-get install -y --no-install-recommends bind9-utils bind9-dnsutils \
 && rm -rf /var/lib/apt/lists/*
# The pod runs it as the bind user of the ISC image (uid/gid 101) so both containers own the zone directory.
USER node
EXPOSE 8080
# A smaller young generation (8 MB semi-spaces instead of 16) keeps the sidecar under 100 MB after 1,000 zones
# (~113 → ~68 MB RSS) for ~10 % on the 100,000-record create (npm run bench). The build wrote the bundle's code cache
# under these options (SERVICE_NODE_OPTIONS in scripts/bundle.ts); V8 turns it down under others.
ENV NODE_OPTIONS=--max-semi-space-size=8
CMD ["node", "dist/bundle/bindcar.cjs"]
