# Pieces `make run` (scripts/run-stack) and `make run-cluster`
# (scripts/run-cluster) share; sourced, with $here the checkout and the
# working directory, $build the build directory.  Everything started is
# remembered in pids and stopped, in reverse, on exit.
pids=()
stop_all() {
	local i
	trap - INT TERM EXIT
	for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
		kill -TERM "${pids[i]}" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
}
trap stop_all INT TERM EXIT

wait_port() {
	local port=$1 name=$2 i
	for i in $(seq 1 100); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	echo "$name did not start on port $port; see var/log/" >&2
	exit 1
}

# The Sheets emulator with the demo data in var/demo, unless GOOGLE_SHEET_ID
# is set; exports what the server needs and sets sheets_line for the banner.
start_sheets() {
	if [ -n "${GOOGLE_SHEET_ID:-}" ]; then
		sheets_line="Sheets      spreadsheet $GOOGLE_SHEET_ID at ${SHEETS_API_BASE_URL:-https://sheets.googleapis.com}"
		return 0
	fi
	local emu_port=${SHEETS_EMULATOR_PORT:-8085} demo=$here/var/demo
	# The key file names the token endpoint's port: a new port, a new demo.
	if ! grep -qs "127.0.0.1:$emu_port/token" "$demo/service-account.json"; then
		rm -rf "$demo"
		"$build/tests/emulator/zeues-demo-gen" --out "$demo" \
		    --port "$emu_port" >var/log/demo-gen.log 2>&1
	fi
	cat >"$demo/env" <<ENV
export GOOGLE_SHEET_ID=$(cat "$demo/spreadsheet-id")
export SHEETS_API_BASE_URL=http://127.0.0.1:$emu_port
export GOOGLE_APPLICATION_CREDENTIALS=$demo/service-account.json
ENV
	tests/emulator/run-emulator.sh --port "$emu_port" \
	    --workbook "$demo/workbook.json" \
	    --service-account "$demo/service-account.json" \
	    --state-dir "$here/var/run/emulator" \
	    --module "$build/tests/emulator/sheets_emulator.so" \
	    --quota-reads 60 --quota-writes 60 >var/log/emulator.log 2>&1 &
	pids+=($!)
	wait_port "$emu_port" "the Sheets emulator"
	# shellcheck disable=SC1091
	. "$demo/env"
	sheets_line="Sheets      emulator at $SHEETS_API_BASE_URL (demo data in var/demo; 'source var/demo/env' to use it)"
}
