# syntax=docker/dockerfile:1
# celeb-lookalike: the bot (default command) or a `celeb` command. The build runs the README's own
# install commands (section "Deploy"); the image holds the compiled code, production
# dependencies and the shipped models, and keeps everything it writes in the /data volume.
#   docker build -t celeb-lookalike .
#   docker run -d --env-file .env -v celeb-data:/data -p 8080:8080 celeb-lookalike

FROM node:20-bookworm-slim AS build
# What better-sqlite3 needs to compile its addon when its prebuilt binary cannot be downloaded.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
# npm 11 applies package.json's allowScripts (Node 20 ships npm 10, which ignores it); the
# variable is onnxruntime-node's own switch, for any npm: its CUDA download stays off.
RUN npm install -g npm@11.19.1
ENV ONNXRUNTIME_NODE_INSTALL=skip
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
COPY src ./src
COPY test ./test
COPY bench ./bench
COPY model ./model
RUN npm ci --no-audit --no-fund
RUN npm run build
RUN npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    CELEB_DATA_DIR=/data \
    CELEB_HTTP_PORT=8080 \
    CELEB_HTTP_HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/model ./model
# The data volume belongs to the unprivileged user the program runs as.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=10s --start-period=180s --retries=3 CMD ["node", "dist/src/cli.js", "health"]
CMD ["node", "dist/src/bots/main.js"]
