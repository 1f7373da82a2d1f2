#!/bin/sh
# Starts the Google Sheets API v4 emulator in the foreground: renders a Kore
# configuration into the state directory and execs kore with one worker.
# Every flag has an environment twin (see README.md); flags win.
set -eu

usage() {
	cat <<USAGE
usage: run-emulator.sh --workbook FILE --service-account FILE [options]
  --port N                  listen port on 127.0.0.1 (EMULATOR_PORT, 8090)
  --bind ADDR               loopback address (EMULATOR_BIND, 127.0.0.1)
  --state-dir DIR           where kore.conf goes (EMULATOR_STATE_DIR)
  --module FILE             sheets_emulator.so (EMULATOR_MODULE)
  --token-ttl S             access token lifetime (EMULATOR_TOKEN_TTL)
  --quota-reads N           reads per minute, 0 = unlimited
  --quota-writes N          writes per minute, 0 = unlimited
  --latency-ms N            added to every Google call
  --latency-jitter-ms N     plus a uniform 0..N
  --error-rate X            share of calls answered with --error-status
  --error-status N          status of injected errors (503)
  --hang-rate X             share of calls never answered
  --hang-max-ms N           a hung call is answered 504 after this (180000)
  --storm-429-seconds N     every Sheets call gets 429 for N seconds
  --fail-all-seconds N      every Google call fails for N seconds
  --seed N                  seed for the fault coin flips
USAGE
	exit "$1"
}

die() {
	echo "run-emulator.sh: $*" >&2
	exit 2
}

abspath() {
	case "$1" in
	/*) printf '%s\n' "$1" ;;
	*) printf '%s/%s\n' "$(pwd)" "$1" ;;
	esac
}

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

port=${EMULATOR_PORT:-8090}
bind=${EMULATOR_BIND:-127.0.0.1}
workbook=${EMULATOR_WORKBOOK:-}
account=${EMULATOR_SERVICE_ACCOUNT:-}
state=${EMULATOR_STATE_DIR:-}
module=${EMULATOR_MODULE:-$root/build/tests/emulator/sheets_emulator.so}

while [ $# -gt 0 ]; do
	case "$1" in
	-h|--help) usage 0 ;;
	esac
	[ $# -ge 2 ] || die "$1 needs a value"
	case "$1" in
	--port) port=$2 ;;
	--bind) bind=$2 ;;
	--workbook) workbook=$2 ;;
	--service-account) account=$2 ;;
	--state-dir) state=$2 ;;
	--module) module=$2 ;;
	--token-ttl) EMULATOR_TOKEN_TTL=$2; export EMULATOR_TOKEN_TTL ;;
	--quota-reads) EMULATOR_QUOTA_READS=$2; export EMULATOR_QUOTA_READS ;;
	--quota-writes)
		EMULATOR_QUOTA_WRITES=$2
		export EMULATOR_QUOTA_WRITES ;;
	--latency-ms) EMULATOR_LATENCY_MS=$2; export EMULATOR_LATENCY_MS ;;
	--latency-jitter-ms)
		EMULATOR_LATENCY_JITTER_MS=$2
		export EMULATOR_LATENCY_JITTER_MS ;;
	--error-rate) EMULATOR_ERROR_RATE=$2; export EMULATOR_ERROR_RATE ;;
	--error-status)
		EMULATOR_ERROR_STATUS=$2
		export EMULATOR_ERROR_STATUS ;;
	--hang-rate) EMULATOR_HANG_RATE=$2; export EMULATOR_HANG_RATE ;;
	--hang-max-ms) EMULATOR_HANG_MAX_MS=$2; export EMULATOR_HANG_MAX_MS ;;
	--storm-429-seconds)
		EMULATOR_STORM_429_SECONDS=$2
		export EMULATOR_STORM_429_SECONDS ;;
	--fail-all-seconds)
		EMULATOR_FAIL_ALL_SECONDS=$2
		export EMULATOR_FAIL_ALL_SECONDS ;;
	--seed) EMULATOR_SEED=$2; export EMULATOR_SEED ;;
	*) echo "run-emulator.sh: unknown option $1" >&2; usage 2 ;;
	esac
	shift 2
done

case "$port" in
''|*[!0-9]*) die "port must be a number" ;;
esac
if [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then
	die "port out of range"
fi
# Only loopback: the admin endpoints have no authentication.
case "$bind" in
127.*|::1) ;;
*) die "bind address must be loopback (127.x.x.x or ::1)" ;;
esac
[ -n "$workbook" ] || die "no workbook (--workbook or EMULATOR_WORKBOOK)"
[ -n "$account" ] ||
	die "no key (--service-account or EMULATOR_SERVICE_ACCOUNT)"
[ -f "$workbook" ] || die "$workbook: no such file"
[ -f "$account" ] || die "$account: no such file"
[ -f "$module" ] || die "$module: not built (make emulator)"
[ -n "$state" ] || state=$root/var/emulator-$port

mkdir -p "$state"
state=$(cd "$state" && pwd)
EMULATOR_WORKBOOK=$(abspath "$workbook")
EMULATOR_SERVICE_ACCOUNT=$(abspath "$account")
EMULATOR_PORT=$port
export EMULATOR_WORKBOOK EMULATOR_SERVICE_ACCOUNT EMULATOR_PORT
module=$(abspath "$module")

conf=$state/kore.conf
tracing=
if [ "${EMULATOR_SECCOMP_TRACING:-0}" = 1 ]; then
	tracing="seccomp_tracing yes"
fi
cat >"$conf.tmp" <<CONF
# Written by run-emulator.sh; rewritten on every start.
server emulator {
	bind $bind $port
	tls no
}

load $module

# One worker: the workbook lives in that worker's memory.
workers 1
worker_death_policy terminate
pidfile $state/kore.pid
http_server_version ESF
http_hsts_enable 0
http_body_max 67108864
$tracing

domain * {
	attach emulator
	route ^/ emu_handle
}
CONF
mv "$conf.tmp" "$conf"

# Sanitizer builds: kore is not instrumented, so the module's runtime has
# to come first in the process (EMULATOR_PRELOAD=path/to/libasan.so).
if [ -n "${EMULATOR_PRELOAD:-}" ]; then
	LD_PRELOAD=$EMULATOR_PRELOAD
	ASAN_OPTIONS=${EMULATOR_ASAN_OPTIONS:-detect_leaks=0}
	export LD_PRELOAD ASAN_OPTIONS
fi

# In its state folder, where `make test` looks for what a run left behind
# (every path above is absolute).
cd "$state"
exec stdbuf -oL "${EMULATOR_KORE:-kore}" -f -n -r -c "$conf"
