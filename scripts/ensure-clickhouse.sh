#!/usr/bin/env bash
# Installs Debian's ClickHouse (clickhouse-server + clickhouse-client) when it is missing, for the
# ClickHouse conformance tests, which start private servers of their own (the packaged service is
# not started or used). Idempotent and quiet: prints nothing when ClickHouse is already there.
set -euo pipefail

have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ]; }

if [ -n "${MORTAR_CLICKHOUSE_SERVER:-}" ] || have clickhouse-server || have clickhouse; then
  exit 0
fi

echo "installing Debian's clickhouse-server and clickhouse-client for the ClickHouse tests"
if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
$SUDO apt-get update -qq
# policy-rc.d may refuse to start the packaged service; that is fine, the tests never use it.
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
  clickhouse-server clickhouse-client >/dev/null
