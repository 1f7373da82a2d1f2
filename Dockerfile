# The ZEUES server on Debian bookworm, from Debian's packages only.
# TLS terminates in front of it (Debian's Kore 4.1 cannot do TLS with OpenSSL 3).
FROM debian:bookworm-slim AS build
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y \
        --no-install-recommends kore libhiredis-dev libcurl4-openssl-dev \
        libyajl-dev libssl-dev gcc make ca-certificates \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Makefile ./
COPY app app
COPY lib lib
COPY tests tests
COPY assets assets
RUN make server

FROM debian:bookworm-slim
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y \
        --no-install-recommends kore libhiredis0.14 libcurl4 libyajl2 \
        libssl3 ca-certificates curl tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /srv/zeues --create-home zeues
WORKDIR /srv/zeues
COPY --from=build /src/build/zeues.so build/zeues.so
COPY conf conf
COPY scripts/zeues-server scripts/zeues-server
USER zeues
ENV PORT=8000 WORKERS=2 ZEUES_STATE_DIR=/srv/zeues/run
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=2s --retries=3 \
    CMD curl -fsS "http://127.0.0.1:${PORT}/livez" || exit 1
CMD ["scripts/zeues-server"]
