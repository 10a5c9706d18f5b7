"""The city simulation of issue 15 (point 1e), run by Benchmarks/city-simulation.

A whole city on one machine, every part the real program: Kota Semarang's 16 kecamatan and 177
kelurahan, BENCH_DEVICES PSM laptops spread over the kelurahan, one TKSK laptop per kecamatan,
and `field-server` on its embedded SQLite store on loopback. The laptops record households
(`field _stress-write`) until the city holds BENCH_CHANGES field changes, then sync over a random
topology for BENCH_ROUNDS rounds: in each round each PSM laptop either syncs with the server,
or trades bundle files with its TKSK (a USB stick: its bundle to the TKSK, the TKSK's answer back),
or stays offline; each TKSK then relays to the server or stays offline. After that, rounds in
which every laptop syncs with the server until one moves nothing: quiescence. The run fails
unless every laptop then holds exactly the records of its scope.

Reported: time to quiescence, sync metadata bytes per record on a PSM and a TKSK laptop, the
largest vector, and the server's store per record; each beside the plain records' own size.
"""
import concurrent.futures
import csv
import json
import math
import os
import random
import re
import sqlite3
import subprocess
import sys
import threading
import time

DEVICES = int(os.environ.get("BENCH_DEVICES", "400"))
CHANGES = int(os.environ.get("BENCH_CHANGES", "1000000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
SEED = int(os.environ.get("BENCH_SEED", str(int(time.time()))))
JOBS = int(os.environ.get("BENCH_JOBS", "2"))
PORT = int(os.environ.get("BENCH_PORT", "8096"))
BIN, REGIONS, DIR = sys.argv[1:4]
CHANGES_PER_HOUSEHOLD = 26  # `_stress-write`: a household and three members, one transaction
RECORDS_PER_HOUSEHOLD = 4
# Where a PSM laptop's round goes: the server, a bundle trade with its TKSK, or nowhere.
CHOICES = [("server", 0.45), ("bundle", 0.35), ("offline", 0.20)]
TKSK_ONLINE = 0.7

rng = random.Random(SEED)
print_lock = threading.Lock()


def log(text):
    with print_lock:
        print(text, file=sys.stderr, flush=True)


def env_for(name):
    return dict(os.environ, FIELD_DB=os.path.join(DIR, name + ".sqlite"), FIELD_PASSPHRASE="bench-city",
                FIELD_STATE_DIR=os.path.join(DIR, "state"), FIELD_BUNDLE_PASSPHRASE="bundel-kota")


def run(args, env=None, json_out=False):
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {' '.join(args)}\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout) if json_out else done.stdout


def field(name, *args, json_out=False):
    return run([os.path.join(BIN, "field"), *args] + (["--json"] if json_out else []), env=env_for(name), json_out=json_out)


def server_admin(*args):
    return run([os.path.join(BIN, "field-server"), *args, "--database", os.path.join(DIR, "server.sqlite")])


def code_of(text):
    return re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", text).group(0)


def parallel(jobs, work):
    with concurrent.futures.ThreadPoolExecutor(JOBS) as pool:
        return list(pool.map(work, jobs))


# The city: kelurahan from the shipped table, grouped by kecamatan (the first three code parts).
with open(REGIONS, newline="") as f:
    kelurahan = [(row["kecamatan"], row["kelurahan"], row["kode"]) for row in csv.DictReader(f)]
kecamatan = sorted({code.rsplit(".", 1)[0] for _, _, code in kelurahan})
# `kelurahan` is the code `field init` starts the laptop in (names repeat: two Purwosari).
psm = [{"name": f"psm{i:03d}", "area": kelurahan[i % len(kelurahan)][2], "kelurahan": kelurahan[i % len(kelurahan)][2]}
       for i in range(DEVICES)]
for device in psm:
    device["kecamatan"] = device["area"].rsplit(".", 1)[0]
tksk = {code: {"name": f"tksk{code.replace('.', '')}", "area": code,
               "kelurahan": next(c for _, _, c in kelurahan if c.startswith(code + "."))} for code in kecamatan}
# Each kecamatan's PSM laptops, in a fixed order.
members = {code: [d for d in psm if d["kecamatan"] == code] for code in kecamatan}
households = math.ceil(CHANGES / CHANGES_PER_HOUSEHOLD / DEVICES)
log(f"city: {len(kecamatan)} kecamatan, {len(kelurahan)} kelurahan, {DEVICES} PSM laptops and {len(tksk)} TKSK, "
    f"{households} households each; seed {SEED}")

# Setting up: the region table, the agents, the server, and every laptop enrolled.
server_admin("region", "import", REGIONS, "--kota-code", "3374", "--kota-name", "Kota Semarang")
for device in psm:
    device["code"] = code_of(server_admin("agent", "add", "--name", device["name"], "--role", "psm", "--area", device["area"]))
for laptop in tksk.values():
    laptop["code"] = code_of(server_admin("agent", "add", "--name", laptop["name"], "--role", "tksk", "--area", laptop["area"]))
server_log = open(os.path.join(DIR, "server.log"), "w")
server = subprocess.Popen([os.path.join(BIN, "field-server"), "serve", "--port", str(PORT),
                           "--database", os.path.join(DIR, "server.sqlite")], stdout=server_log, stderr=server_log)
try:
    for _ in range(100):
        if "http://" in open(os.path.join(DIR, "server.log")).read():
            break
        time.sleep(0.1)
    url = f"http://127.0.0.1:{PORT}"
    laptops = psm + list(tksk.values())

    def enrol(laptop):
        field(laptop["name"], "init", "--name", laptop["name"], "--role", "psm", "--area", laptop["kelurahan"], "--regions", REGIONS,
              "--kota-code", "3374", "--kota-name", "Kota Semarang")
        field(laptop["name"], "enroll", "--server", url, "--code", laptop["code"])
    parallel(laptops, enrol)

    # Capture.
    started = time.time()
    parallel(psm, lambda d: field(d["name"], "_stress-write", "--count", str(households)))
    capture_seconds = time.time() - started
    log(f"captured {households * DEVICES} households in {capture_seconds:.0f} s")

    moved_lock = threading.Lock()
    totals = {"syncs": 0, "bundles": 0, "moved": 0}

    def sync(name):
        report = field(name, "sync", json_out=True)
        with moved_lock:
            totals["syncs"] += 1
            totals["moved"] += report["pushed"] + report["pulled"]
        return report["pushed"] + report["pulled"]

    # The random rounds, kecamatan by kecamatan (laptops of one kecamatan share their TKSK).
    plan = [{code: [(d, rng.choices([c for c, _ in CHOICES], [w for _, w in CHOICES])[0]) for d in rng.sample(members[code], len(members[code]))]
             + [(tksk[code], "relay" if rng.random() < TKSK_ONLINE else "offline")]
             for code in kecamatan} for _ in range(ROUNDS)]
    answers = {}  # the last bundle each PSM laptop received from its TKSK

    def bundle_trade(device, round_number):
        hub = tksk[device["kecamatan"]]
        out = os.path.join(DIR, "bundles", f"r{round_number}-{device['name']}.fsb")
        since = ["--since", answers[device["name"]]] if device["name"] in answers else []
        field(device["name"], "bundle", "export", *since, "--out", out)
        field(hub["name"], "bundle", "import", out)
        back = os.path.join(DIR, "bundles", f"r{round_number}-{hub['name']}-{device['name']}.fsb")
        field(hub["name"], "bundle", "export", "--since", out, "--out", back)
        field(device["name"], "bundle", "import", back)
        answers[device["name"]] = back
        with moved_lock:
            totals["bundles"] += 1

    os.makedirs(os.path.join(DIR, "bundles"), exist_ok=True)
    started = time.time()
    for number, round_plan in enumerate(plan):
        def kecamatan_round(code):
            for laptop, choice in round_plan[code]:
                if choice in ("server", "relay"):
                    sync(laptop["name"])
                elif choice == "bundle":
                    bundle_trade(laptop, number)
        parallel(kecamatan, kecamatan_round)
        log(f"random round {number + 1}: {time.time() - started:.0f} s, {totals['syncs']} syncs and {totals['bundles']} bundle trades so far")

    # Everyone online until a round moves nothing.
    settle = 0
    last_moving_end = time.time()
    while True:
        settle += 1
        moved = sum(parallel(kecamatan, lambda code: sum(sync(l["name"]) for l in members[code] + [tksk[code]])))
        log(f"settling round {settle}: {moved} changes moved, {time.time() - started:.0f} s")
        if moved == 0:
            break
        last_moving_end = time.time()
        if settle >= 8:
            raise SystemExit("no quiescence after 8 rounds with everyone online")
    quiescence = last_moving_end - started

    # Every laptop holds exactly the records of its scope; the server holds all.
    def records(name):
        with sqlite3.connect(os.path.join(DIR, name + ".sqlite")) as db:
            return db.execute("SELECT COUNT(*) FROM record WHERE deleted = 0 AND type IN ('household', 'person')").fetchone()[0]
    per_area = {}
    for device in psm:
        per_area[device["area"]] = per_area.get(device["area"], 0) + households * RECORDS_PER_HOUSEHOLD
    wrong = []
    for device in psm:
        held = records(device["name"])
        if held != per_area[device["area"]]:
            wrong.append(f"{device['name']} holds {held} records, its kelurahan has {per_area[device['area']]}")
    for code, laptop in tksk.items():
        expected = sum(n for area, n in per_area.items() if area.startswith(code + "."))
        if records(laptop["name"]) != expected:
            wrong.append(f"{laptop['name']} holds {records(laptop['name'])} records, its kecamatan has {expected}")
    if wrong:
        raise SystemExit("not converged:\n" + "\n".join(wrong[:20]))

    # Metadata: the sync log (every column but the values), its indexes, seals, certificates and
    # vectors, per record held; against the plain records' own bytes (their current values).
    metadata_tables = ("change_log", "change_log_record", "change_log_area", "change_log_transaction", "superseded",
                       "origin_seal", "replica_certificate", "version_vector", "forgotten")

    def metadata(name):
        with sqlite3.connect(os.path.join(DIR, name + ".sqlite")) as db:
            pages = db.execute(f"SELECT SUM(pgsize) FROM dbstat WHERE name IN ({','.join('?' * len(metadata_tables))})", metadata_tables).fetchone()[0]
            values = db.execute("SELECT SUM(COALESCE(LENGTH(value), 0) + COALESCE(LENGTH(sealed), 0)) FROM change_log").fetchone()[0] or 0
            plain = db.execute("SELECT SUM(COALESCE(LENGTH(value), 0) + COALESCE(LENGTH(sealed), 0) + LENGTH(field)) FROM field_value").fetchone()[0] or 0
            vector = db.execute("SELECT COUNT(*) FROM version_vector").fetchone()[0]
            held = db.execute("SELECT COUNT(*) FROM record WHERE type IN ('household', 'person')").fetchone()[0]
            return {"per_record": (pages - values) / max(held, 1), "plain_per_record": plain / max(held, 1), "vector": vector, "records": held}

    measured = {l["name"]: metadata(l["name"]) for l in laptops}
    psm_meta = measured[psm[0]["name"]]
    tksk_meta = max((measured[l["name"]] for l in tksk.values()), key=lambda m: m["records"])
    vectors = [measured[l["name"]]["vector"] for l in laptops]
    server.terminate()
    server.wait()
    with sqlite3.connect(os.path.join(DIR, "server.sqlite")) as db:
        server_vector = db.execute("SELECT COUNT(*) FROM server_vector").fetchone()[0]
        server_changes = db.execute("SELECT COUNT(*) FROM changes").fetchone()[0]
        server_records = db.execute("SELECT COUNT(*) FROM records").fetchone()[0]
    server_bytes = sum(os.path.getsize(os.path.join(DIR, f)) for f in os.listdir(DIR) if f.startswith("server.sqlite"))

    print()
    print(f"Machine: {os.cpu_count()} cores, {os.uname().machine}, {time.strftime('%Y-%m-%d', time.gmtime())}; seed {SEED}; release builds.")
    print()
    print("| work | FieldSync | baseline in the same run |")
    print("|---|---|---|")
    print(f"| the city | {len(kecamatan)} kecamatan, {len(kelurahan)} kelurahan, {DEVICES} PSM laptops + {len(tksk)} TKSK laptops, "
          f"{server_changes:,} changes = {server_records:,} records on the server | — |")
    print(f"| capture ({households} households of 4 per PSM laptop, {JOBS} at a time) | {capture_seconds:.0f} s | — |")
    print(f"| time to quiescence: {ROUNDS} random rounds ({totals['bundles']} bundle trades with a TKSK, the rest server syncs, "
          f"TKSK relays, offline laptops), then everyone online | {quiescence:.0f} s, {settle - 1} rounds with everyone online, "
          f"{totals['syncs']:,} syncs moving {totals['moved']:,} changes in all | — |")
    print(f"| sync metadata per record, a PSM laptop ({psm_meta['records']:,} records) | {psm_meta['per_record']:.0f} bytes "
          f"| the records' current values: {psm_meta['plain_per_record']:.0f} bytes per record |")
    print(f"| sync metadata per record, the fullest TKSK laptop ({tksk_meta['records']:,} records) | {tksk_meta['per_record']:.0f} bytes "
          f"| the records' current values: {tksk_meta['plain_per_record']:.0f} bytes per record |")
    print(f"| largest vector | a laptop's: {max(vectors)} entries (a PSM laptop's median {sorted(vectors[:DEVICES])[DEVICES // 2]}); "
          f"the server's: {server_vector} | replicas in the city: {len(laptops)} |")
    print(f"| the server's store per record | {server_bytes / server_records:.0f} bytes ({server_bytes // 1048576} MB) | — |")
finally:
    if server.poll() is None:
        server.terminate()
        server.wait()
