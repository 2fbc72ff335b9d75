# Multi-stage build: compile in the Rust image, run in a slim Debian as a non-root user.
FROM rust:1.95-bookworm AS build
WORKDIR /src
# Dependencies first, so source edits do not rebuild them.
COPY Cargo.toml Cargo.lock build.rs ./
RUN mkdir -p src tests/api && echo 'fn main() {}' > src/main.rs && touch src/lib.rs tests/api/main.rs \
    && mkdir -p migrations/sqlite migrations/postgres locales/fr locales/en assets \
    && cargo build --release --locked --bin achat-ouvert || true
COPY src ./src
COPY migrations ./migrations
COPY locales ./locales
COPY assets ./assets
RUN touch src/main.rs src/lib.rs && cargo build --release --locked --bin achat-ouvert

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/achat-ouvert --create-home achat
COPY --from=build /src/target/release/achat-ouvert /usr/local/bin/achat-ouvert
USER achat
WORKDIR /var/lib/achat-ouvert
ENV BIND=0.0.0.0:8080 \
    DATA_DIR=/var/lib/achat-ouvert/data \
    LOG_FORMAT=json
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s CMD curl -fsS http://127.0.0.1:8080/health || exit 1
ENTRYPOINT ["achat-ouvert"]
CMD ["serve"]
