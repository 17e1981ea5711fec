# The app's image: one image, its role chosen by ROLE (api, worker or all). See docker-compose.yml.
FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Native modules (better-sqlite3, argon2) use their prebuilt binaries, or build here if need be.
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY projections ./projections
COPY bench ./bench
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
CMD ["node", "dist/src/main.js"]
