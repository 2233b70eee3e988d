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
COPY specs ./specs
COPY db ./db
COPY test ./test
COPY bench ./bench
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    ARCLIGHT_HOST=0.0.0.0 \
    ARCLIGHT_PORT=8443 \
    ARCLIGHT_DATA_DIR=/data
WORKDIR /app
RUN groupadd --system arclight && useradd --system --gid arclight --home /app arclight \
    && mkdir -p /data && chown arclight:arclight /data
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY --from=build /src/db ./db
COPY --from=build /src/specs ./specs
USER arclight
VOLUME /data
EXPOSE 8443
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD node -e "require('https').get({host:'127.0.0.1',port:process.env.ARCLIGHT_PORT||8443,path:'/_arclight/health',rejectUnauthorized:false},r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"
ENTRYPOINT ["node", "dist/server/main.js"]
