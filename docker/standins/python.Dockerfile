# Stand-in for python:3.11.14-slim-bookworm (docker/standins.sh): Debian bookworm's Python 3.11
# with venv and the CA store, `python` on PATH as in the official image.
ARG BASE=xo2-standin/debian:bookworm
FROM ${BASE}
RUN apt-get -o Acquire::Retries=3 update -qq \
 && apt-get -o Acquire::Retries=3 install -y -qq --no-install-recommends python3 python3-venv ca-certificates >/dev/null \
 && rm -rf /var/lib/apt/lists/* \
 && ln -s /usr/bin/python3 /usr/local/bin/python
ENV LANG=C.UTF-8
CMD ["python3"]
