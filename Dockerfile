# One image for the worker, the API and the Concur simulator (the command picks which).

# The admin console is static files built with the dev dependencies (Vite), which the runtime
# image leaves out; only web/dist is carried over.
FROM node:20-bookworm-slim AS console
WORKDIR /build
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY web ./web
RUN npx vite build web

FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm_config_build_from_source=true npm ci --omit=dev --no-audit --no-fund && npm install --no-save tsx@4
COPY . .
COPY --from=console /build/web/dist ./web/dist
ENV OUTBOUND_DATA_DIR=/data
VOLUME /data
CMD ["npx", "tsx", "src/worker/main.ts"]
