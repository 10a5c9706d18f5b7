# Sourced by the benchmarks that run several `field-server` processes behind Debian's haproxy
# on loopback (issue 19). start_balanced BIN PORT COUNT DIR: COUNT servers on the ports after
# PORT, each started with the store in FIELD_SERVER_DB, and haproxy on PORT handing each
# request to the next (round robin); logs in DIR; the pids are added to $server, which the
# caller stops. With BENCH_SERVER_CPU, each server is capped at that many cores (its cgroup
# added to $groups, which stop_balanced_groups removes once the servers have ended).
start_balanced() {
  local bin=$1 port=$2 count=$3 dir=$4 backends=""
  command -v haproxy >/dev/null || { echo "haproxy is needed: bash scripts/install-deps" >&2; exit 1; }
  for n in $(seq 1 "$count"); do
    if [ -n "${BENCH_SERVER_CPU:-}" ]; then
      # Each server in a CPU cgroup of its own, capped at BENCH_SERVER_CPU cores: a server on a
      # machine of its own, whose capacity a second server adds to (cgroup v1 `cpu` here).
      local group=/sys/fs/cgroup/cpu/fieldsync-bench-$$-$n
      [ -d /sys/fs/cgroup/cpu ] || { echo "BENCH_SERVER_CPU needs the cgroup v1 cpu controller at /sys/fs/cgroup/cpu" >&2; exit 1; }
      mkdir -p "$group"
      echo 100000 > "$group/cpu.cfs_period_us"
      awk -v cores="$BENCH_SERVER_CPU" 'BEGIN { printf "%d\n", cores * 100000 }' > "$group/cpu.cfs_quota_us"
      groups="${groups:-} $group"
      sh -c 'echo $$ > "$1/cgroup.procs"; shift; exec "$@"' sh "$group" \
        "$bin/field-server" serve --port $((port + n)) --trusted-proxy 127.0.0.1 > "$dir/server-$n.log" 2>&1 &
    else
      "$bin/field-server" serve --port $((port + n)) --trusted-proxy 127.0.0.1 > "$dir/server-$n.log" 2>&1 &
    fi
    server="$server $!"
    backends="$backends  server s$n 127.0.0.1:$((port + n))"$'\n'
  done
  printf 'global\n  maxconn 4000\ndefaults\n  mode http\n  timeout connect 5s\n  timeout client 300s\n  timeout server 300s\n  option http-server-close\n  option forwardfor\nfrontend sync\n  bind 127.0.0.1:%s\n  default_backend servers\nbackend servers\n  balance roundrobin\n%s' \
    "$port" "$backends" > "$dir/haproxy.cfg"
  haproxy -f "$dir/haproxy.cfg" > "$dir/haproxy.log" 2>&1 &
  server="$server $!"
  for n in $(seq 1 "$count"); do
    for _ in $(seq 1 100); do grep -q 'http://' "$dir/server-$n.log" && break; sleep 0.1; done
  done
}

# Removes the CPU cgroups start_balanced made (their servers ended).
stop_balanced_groups() {
  for group in ${groups:-}; do rmdir "$group" 2>/dev/null || true; done
  groups=""
}
