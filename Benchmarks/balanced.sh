# Sourced by the benchmarks that run several `field-server` processes behind Debian's haproxy
# on loopback (issue 19). start_balanced BIN PORT COUNT DIR: COUNT servers on the ports after
# PORT, each started with the store in FIELD_SERVER_DB, and haproxy on PORT handing each
# request to the next (round robin); logs in DIR; the pids are added to $server, which the
# caller stops.
start_balanced() {
  local bin=$1 port=$2 count=$3 dir=$4 backends=""
  command -v haproxy >/dev/null || { echo "haproxy is needed: bash scripts/install-deps" >&2; exit 1; }
  for n in $(seq 1 "$count"); do
    "$bin/field-server" serve --port $((port + n)) --trusted-proxy 127.0.0.1 > "$dir/server-$n.log" 2>&1 &
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
