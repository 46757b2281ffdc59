# One Dockerfile for all twelve images: any service, either variant.
#   docker build --build-arg SERVICE=percentage --build-arg VARIANT=mesh -t calculator-lab/mesh-percentage:0.1.0 .
# `make images` builds them all.
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /repo
RUN npm install --global --no-audit --no-fund pnpm@12.21.0
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml tsconfig.base.json turbo.json ./
COPY packages ./packages
COPY services ./services
RUN pnpm install --frozen-lockfile
ARG SERVICE
ARG VARIANT
RUN test -n "${SERVICE}" && test -f "services/${SERVICE}/src/${VARIANT}.ts" \
  || { echo "SERVICE must name a folder of services/ and VARIANT be dapr or mesh" >&2; exit 1; }
RUN pnpm turbo run build --filter="@calc/${SERVICE}..." \
  && pnpm --filter="@calc/${SERVICE}" deploy --prod /out \
  && printf "import './dist/%s.js';\n" "${VARIANT}" > /out/main.js

FROM ${NODE_IMAGE}
ARG SERVICE
ARG VARIANT
LABEL org.opencontainers.image.title="calculator-lab ${VARIANT} ${SERVICE}"
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080
WORKDIR /app
COPY --from=build --chown=root:root /out ./
# The image's own unprivileged user; the manifests also run it read-only and as non-root.
USER 1000:1000
EXPOSE 8080
STOPSIGNAL SIGTERM
# The flags of SERVICE_NODE_FLAGS (packages/launcher/src/process.ts): a heap sized for the pod's memory limit.
CMD ["node", "--max-semi-space-size=2", "--max-old-space-size=64", "main.js"]
