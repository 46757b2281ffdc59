# One Dockerfile for all twelve images (any service, either service set) and the kind lab's e2e runner
# (SERVICE=e2e ENTRY=cli: e2e/dist/cli.js, run as a Job in the cluster), built two ways.
#   docker build --build-arg SERVICE=percentage --build-arg ENTRY=agnostic -t calculator-lab/mesh-percentage:0.1.0 .
# builds the service inside Docker (multi-stage, from the repository). Where a build cannot reach the
# npm registry, SOURCE=host takes the service as the host deployed it (`pnpm deploy --prod`) as the
# build context instead, and NODE_IMAGE may name a base built locally (scripts/base-image.sh).
# `make images` builds them all, choosing the way that works on this machine.
ARG NODE_IMAGE=node:24.21.0-bookworm-slim
ARG SOURCE=build

FROM ${NODE_IMAGE} AS build
WORKDIR /repo
RUN npm install --global --no-audit --no-fund pnpm@12.21.0
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml tsconfig.base.json turbo.json versions.env ./
COPY packages ./packages
COPY services ./services
COPY e2e ./e2e
RUN pnpm install --frozen-lockfile
ARG SERVICE
RUN test -n "${SERVICE}" && { test -d "services/${SERVICE}" || test "${SERVICE}" = e2e; } \
  || { echo "SERVICE must name a folder of services/, or be e2e" >&2; exit 1; }
RUN pnpm turbo run build --filter="@calc/${SERVICE}..." \
  && pnpm --filter="@calc/${SERVICE}" deploy --prod /out

# The context is the service's `pnpm deploy --prod` folder (scripts/build-images.sh --from-host).
FROM scratch AS host
COPY . /out/

FROM ${SOURCE} AS source

FROM ${NODE_IMAGE}
ARG SERVICE
ARG ENTRY
LABEL org.opencontainers.image.title="calculator-lab ${ENTRY} ${SERVICE}"
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080
WORKDIR /app
COPY --from=source --chown=root:root /out ./
RUN test -f "dist/${ENTRY}.js" \
  || { echo "ENTRY must be dapr or agnostic (cli for SERVICE=e2e); got ${ENTRY} for ${SERVICE}" >&2; exit 1; } \
  && printf "import './dist/%s.js';\n" "${ENTRY}" > main.js
# The image's own unprivileged user; the manifests also run it read-only and as non-root.
USER 1000:1000
EXPOSE 8080
STOPSIGNAL SIGTERM
# The flags of SERVICE_NODE_FLAGS (packages/launcher/src/process.ts): a heap sized for the pod's memory limit.
CMD ["node", "--max-semi-space-size=2", "--max-old-space-size=64", "main.js"]
