# Arclight: build stage compiles TypeScript and the spec bundle; the runtime stage carries
# only production dependencies, the compiled output, the migrations and the vendored specs.
FROM node:20-bookworm-slim AS build
WORKDIR /src
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts && npm rebuild better-sqlite3
COPY tsconfig.json ./
COPY server ./server
COPY agent ./agent
COPY protocol ./protocol
COPY scripts ./scripts
COPY dashboard ./dashboard
COPY specs ./specs
COPY db ./db
COPY test ./test
COPY bench ./bench
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
# ARCLIGHT_TLS_NAMES: names and addresses the generated server certificate adds, for other
# containers that reach this one by its service name (docker run -e ARCLIGHT_TLS_NAMES=arclight).
ARG ARCLIGHT_TLS_NAMES=""
ENV NODE_ENV=production \
    ARCLIGHT_HOST=0.0.0.0 \
    ARCLIGHT_PORT=8443 \
    ARCLIGHT_DATA_DIR=/data \
    ARCLIGHT_TLS_NAMES=${ARCLIGHT_TLS_NAMES}
WORKDIR /app
# A fixed uid, so a bind mount on /data can be given to it: chown 10001 <host dir>.
RUN groupadd --system --gid 10001 arclight && useradd --system --uid 10001 --gid arclight --home /app arclight \
    && mkdir -p /data && chown arclight:arclight /data
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
# What runs (the same list as package.json's "files"): no tests, benchmarks or build scripts.
COPY --from=build /src/dist/server ./dist/server
COPY --from=build /src/dist/agent ./dist/agent
COPY --from=build /src/dist/protocol ./dist/protocol
COPY --from=build /src/dist/specs ./dist/specs
COPY --from=build /src/dist/dashboard ./dist/dashboard
COPY --from=build /src/db ./db
COPY --from=build /src/specs/arclight ./specs/arclight
USER arclight
VOLUME /data
EXPOSE 8443
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD ["node", "dist/server/launch/healthcheck.js"]
ENTRYPOINT ["node", "dist/server/main.js"]
