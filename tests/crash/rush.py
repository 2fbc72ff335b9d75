#!/usr/bin/python3
"""Deadline rush through crashes (issue 16, item 6; docs/RELIABILITY.md, section 6).

Starts the server binary on one backend (SQLite, or PostgreSQL in a fresh database created and
dropped here), then, round after round, creates with `achat-ouvert rush-setup` a published
objective whose deadline is seconds away and N suppliers with API tokens; one client thread per
supplier drafts its proposal through the API, then uploads attachments and deposits again and
again until just after the deadline, while another thread SIGKILLs the server at random moments
and restarts it (and on PostgreSQL restarts PostgreSQL itself once). Afterwards it checks:

- every deposit answered with a receipt (201) is in the database, with the answered hash, and
  the hash recomputes from the receipt (canonical JSON, as the tests do); a sample passes the
  public check `GET /api/v1/receipts/verify`;
- no deposit was accepted after the deadline: no 201 to a request sent at or after it, and every
  stored deposit not marked late arrived before the deadline and committed within the grace
  (docs/RELIABILITY.md, section 4);
- every file a row references is on disk, whole (size and SHA-256); what interrupted uploads
  left behind (temporary files, files no row references) is counted, then
  `achat-ouvert uploads sweep --min-age 0` must leave none;
- `achat-ouvert audit verify` passes;
- every stored receipt has its mail queued in the outbox (`mail_outbox`).

It prints the figures and exits 1 naming each failed check. Standard library only; run it with
Debian's /usr/bin/python3:

    /usr/bin/python3 tests/crash/rush.py --backend sqlite --binary target/debug/achat-ouvert
    /usr/bin/python3 tests/crash/rush.py --backend postgres --rounds 20 --suppliers 40
"""

import argparse
import datetime
import hashlib
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

GRACE = 60.0  # deposits::DEPOSIT_GRACE
MAX_ATTACHMENTS_KEPT = 8  # below the platform's 20 per proposal
PROTECTED_BEFORE_DEADLINE = 1.0  # no kill in the last second: deposits arrive under contention


RECEIPT_NUMBER = re.compile(r"AO-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")
SHA256_HEX = re.compile(r"\b[0-9a-f]{64}\b")


def log(*parts):
    print(time.strftime("%H:%M:%S"), *parts, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def parse_time(text):
    """A time from the database or a receipt, as seconds since the epoch (UTC)."""
    text = text.strip().replace("T", " ").rstrip("Z")
    return datetime.datetime.fromisoformat(text).replace(tzinfo=datetime.timezone.utc).timestamp()


def canonical(value):
    """JSON with sorted keys and no spaces: what `deposits::canonical_json` hashes."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def pdf(size, label):
    """A small, unique PDF the server recognises by its content."""
    head = b"%PDF-1.4\n% " + label.encode() + b"\n1 0 obj << /Type /Catalog >> endobj\n"
    body = os.urandom(max(0, size - len(head) - 40)).hex().encode()[: max(0, size - len(head) - 40)]
    return head + b"% " + body + b"\ntrailer << /Root 1 0 R >>\n%%EOF\n"


class Database:
    """Reads the platform's database after (or between) the runs: sqlite3 or psql."""

    def __init__(self, backend, sqlite_path=None, pg_url=None):
        self.backend, self.sqlite_path, self.pg_url = backend, sqlite_path, pg_url

    def rows(self, query, params=()):
        if self.backend == "sqlite":
            conn = sqlite3.connect(self.sqlite_path, timeout=30)
            try:
                return [tuple("" if v is None else str(v) for v in r) for r in conn.execute(query, params)]
            finally:
                conn.close()
        if params:
            raise ValueError("no parameters through psql")
        out = subprocess.run(
            ["psql", self.pg_url, "-X", "-q", "-At", "-F", "\x1f", "-R", "\x1e", "-v", "ON_ERROR_STOP=1", "-c", query],
            check=True, capture_output=True, text=True,
        ).stdout
        return [tuple(r.split("\x1f")) for r in out.rstrip("\n").split("\x1e") if r.strip("\n") != ""]


class Server:
    """The binary, serving on a fixed port, killed and restarted at will."""

    def __init__(self, binary, env, port, log_path):
        self.binary, self.env, self.port, self.log_path = binary, env, port, log_path
        self.proc = None
        self.lock = threading.Lock()
        self.starts = 0
        self.kills = 0

    def start(self):
        with open(self.log_path, "ab") as out:
            self.proc = subprocess.Popen([self.binary, "serve"], env=self.env, stdout=out, stderr=out)
        self.starts += 1
        deadline = time.time() + 120
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited with {self.proc.returncode}; see {self.log_path}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/health")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("the server did not answer /health within 120 s")

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.kills += 1

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def request(port, method, path, token=None, body=None, content_type=None, timeout=60):
    """One request; (status, parsed JSON or None), or (None, error) when no answer came."""
    headers = {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if body is not None:
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            content_type = "application/json"
        headers["Content-Type"] = content_type
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        conn.request(method, path, body=body, headers=headers)
        r = conn.getresponse()
        data = r.read()
        conn.close()
    except (OSError, http.client.HTTPException) as e:
        return None, repr(e)
    try:
        return r.status, json.loads(data) if data else None
    except ValueError:
        return r.status, None


def multipart(name, content):
    boundary = "rush" + os.urandom(12).hex()
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
        "Content-Type: application/pdf\r\n\r\n"
    ).encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


class Supplier(threading.Thread):
    """One supplier: a draft, then uploads and deposits until just after the deadline."""

    def __init__(self, port, objective, deadline, supplier, stop_at, rng_seed, results):
        super().__init__(daemon=True)
        self.port, self.objective, self.deadline = port, objective, deadline
        self.token, self.email = supplier["token"], supplier["email"]
        self.stop_at = stop_at
        self.rng = random.Random(rng_seed)
        self.results = results
        self.proposal = None
        self.attachments = []
        self.errors = []

    def call(self, method, path, body=None, content_type=None):
        """Retries while the server is down (no answer) or restarting (503), until stop_at."""
        while time.time() < self.stop_at:
            status, data = request(self.port, method, path, self.token, body, content_type)
            if status is None or status in (500, 502, 503):
                time.sleep(0.05)
                continue
            return status, data
        return None, None

    def prepare(self):
        while time.time() < self.stop_at:
            status, data = self.call("POST", f"/api/v1/objectives/{self.objective}/proposals", {"title": "Ruée"})
            if status == 201:
                self.proposal = data["id"]
            elif status == 409:  # created by a request whose answer was lost
                _, mine = self.call("GET", "/api/v1/proposals")
                found = [p for p in mine or [] if p.get("objective_id", self.objective) == self.objective]
                if found:
                    self.proposal = found[0]["id"]
            elif status is None:
                return False
            else:
                self.errors.append(f"draft: {status} {data}")
                return False
            if self.proposal is None:
                continue
            while time.time() < self.stop_at:
                status, current = self.call("GET", f"/api/v1/proposals/{self.proposal}")
                if status != 200:
                    return False
                if current.get("summary"):
                    self.attachments = [a["id"] for a in current.get("attachments", [])]
                    return True
                content = {
                    "title": f"Offre de {self.email}", "summary": "Des toits solaires.",
                    "solution": "Une coopérative locale.", "change_support": "Des ateliers.",
                    "cost_euros": 1000, "duration_months": 12, "version": current["version"],
                }
                status, _ = self.call("PUT", f"/api/v1/proposals/{self.proposal}", content)
                if status in (200, 409):
                    continue  # 409: a lost answer saved it, or a race; read again
                self.errors.append(f"content: {status}")
                return False
        return False

    def run(self):
        if not self.prepare():
            return
        n = 0
        while time.time() < self.stop_at:
            n += 1
            if len(self.attachments) >= MAX_ATTACHMENTS_KEPT:
                oldest = self.attachments[0]
                status, _ = self.call("DELETE", f"/api/v1/proposals/{self.proposal}/attachments/{oldest}")
                if status in (204, 200, 404):
                    self.attachments.pop(0)
            body, ctype = multipart(f"annexe-{n}.pdf", pdf(self.rng.randint(2_000, 60_000), f"{self.email} {n}"))
            status, data = self.call("POST", f"/api/v1/proposals/{self.proposal}/attachments", body, ctype)
            if status == 201:
                self.attachments = [a["id"] for a in data.get("attachments", [])]
            sent = time.time()
            status, data = request(self.port, "POST", f"/api/v1/proposals/{self.proposal}/deposits", self.token, {})
            answered = time.time()
            code = (data or {}).get("error", {}).get("code") if isinstance(data, dict) else None
            self.results.append({
                "objective": self.objective, "deadline": self.deadline, "sent": sent, "answered": answered,
                "status": status, "code": code, "receipt": data if status == 201 else None,
            })
            if status is None or status >= 500:
                time.sleep(0.05)
            if time.time() > self.deadline + 0.5 and status == 409:
                # Refused after the deadline, as it must be; one more try, then stop.
                if code == "closed" and self.rng.random() < 0.5:
                    break


class Killer(threading.Thread):
    """SIGKILLs and restarts the server at random moments until told to stop."""

    def __init__(self, server, rng, min_up, max_up, protected, pg_restart=None):
        super().__init__(daemon=True)
        self.server, self.rng, self.min_up, self.max_up = server, rng, min_up, max_up
        self.protected = protected  # (start, end) epochs with no kill
        self.pg_restart = pg_restart  # (epoch, command): restart PostgreSQL once at that time
        self.pg_restarted = 0
        self.halt = threading.Event()
        self.failure = None

    def run(self):
        try:
            while not self.halt.is_set():
                if self.halt.wait(self.rng.uniform(self.min_up, self.max_up)):
                    return
                now = time.time()
                start, end = self.protected
                if start <= now < end:
                    self.halt.wait(end - now)
                    continue
                if self.pg_restart and not self.pg_restarted and now >= self.pg_restart[0]:
                    log("restarting PostgreSQL")
                    subprocess.run(self.pg_restart[1], shell=True, check=True, capture_output=True)
                    self.pg_restarted += 1
                    continue
                self.server.kill()
                self.server.start()
        except Exception as e:  # reported by the main thread
            self.failure = repr(e)


def referenced_keys(db):
    keys = set()
    for table, column in [
        ("objective_documents", "storage_key"), ("proposal_attachments", "storage_key"),
        ("deposit_documents", "storage_key"), ("support_materials", "storage_key"),
        ("organisation_credentials", "evidence_key"), ("practices", "picture_key"),
    ]:
        keys.update(r[0] for r in db.rows(f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL"))
    for (evidence,) in db.rows("SELECT evidence FROM indicator_reports WHERE evidence IS NOT NULL"):
        try:
            keys.add(json.loads(evidence)["key"])
        except (ValueError, KeyError, TypeError):
            pass
    return keys


def files_on_disk(uploads):
    found = []
    for root, _, names in os.walk(uploads):
        for name in names:
            found.append(os.path.relpath(os.path.join(root, name), uploads).replace(os.sep, "/"))
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--binary", default="target/release/achat-ouvert")
    parser.add_argument("--rounds", type=int, default=3, help="objectives, each with its own deadline")
    parser.add_argument("--suppliers", type=int, default=16, help="client threads per round")
    parser.add_argument("--lead", type=float, default=3.0, help="seconds to draft before deposits start")
    parser.add_argument("--window", type=float, default=5.0, help="seconds of deposits before the deadline")
    parser.add_argument("--after", type=float, default=1.5, help="seconds of (refused) deposits after it")
    parser.add_argument("--min-up", type=float, default=0.3, help="shortest uptime between two kills")
    parser.add_argument("--max-up", type=float, default=1.2, help="longest uptime between two kills")
    parser.add_argument("--min-kills", type=int, default=10, help="fail with fewer kills than this")
    parser.add_argument("--min-deposits", type=int, default=1, help="fail with fewer receipts than this")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/postgres",
                        help="a PostgreSQL server where a database may be created")
    parser.add_argument("--pg-restart", default="pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main restart",
                        help="the command that restarts PostgreSQL once (empty: never)")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the data directory (and database)")
    args = parser.parse_args()

    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    binary = os.path.abspath(args.binary)
    if not os.access(binary, os.X_OK):
        sys.exit(f"no server binary at {binary} (cargo build --release --locked, or pass --binary)")
    began = time.time()
    workdir = tempfile.mkdtemp(prefix=f"rush-{args.backend}-")
    data_dir = os.path.join(workdir, "data")
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DATA_DIR": data_dir, "BIND": f"127.0.0.1:{port}", "PUBLIC_URL": f"http://127.0.0.1:{port}/",
        "RUST_LOG": "warn", "LOG_FORMAT": "text", "SCHEDULER_TICK": "3600",
    }
    pg_db = None
    if args.backend == "postgres":
        pg_db = "rush_" + os.urandom(5).hex()
        subprocess.run(["psql", args.pg_url, "-X", "-q", "-c", f"CREATE DATABASE {pg_db}"], check=True)
        base = urllib.parse.urlsplit(args.pg_url)
        env["DATABASE_URL"] = urllib.parse.urlunsplit((base.scheme, base.netloc, "/" + pg_db, "", ""))
        db = Database("postgres", pg_url=env["DATABASE_URL"])
    else:
        db = Database("sqlite", sqlite_path=os.path.join(data_dir, "achat-ouvert.sqlite3"))
    log(f"{args.backend}: seed {seed}, {args.rounds} rounds of {args.suppliers} suppliers, data in {workdir}")

    def cli(*command):
        return subprocess.run([binary, *command], env=env, capture_output=True, text=True)

    server = Server(binary, env, port, os.path.join(workdir, "server.log"))
    failures = []
    results = []
    objectives = {}
    pg_restarts = 0
    try:
        migrated = cli("migrate")
        if migrated.returncode != 0:
            raise RuntimeError(f"migrate failed: {migrated.stderr}")
        server.start()
        pg_round = rng.randrange(args.rounds) if args.backend == "postgres" and args.pg_restart else None
        for r in range(args.rounds):
            made = cli("rush-setup", "--suppliers", str(args.suppliers),
                       "--deadline-in", str(int(args.lead + args.window + 1)))
            if made.returncode != 0:
                raise RuntimeError(f"rush-setup failed: {made.stderr}")
            setup = json.loads(made.stdout)
            deadline = float(setup["deadline_epoch"])
            objectives[setup["objective_id"]] = deadline
            stop_at = deadline + args.after
            pg = None
            if r == pg_round:
                pg = (deadline - args.window + rng.uniform(0, args.window - PROTECTED_BEFORE_DEADLINE - 0.5), args.pg_restart)
            killer = Killer(server, rng, args.min_up, args.max_up,
                            (deadline - PROTECTED_BEFORE_DEADLINE, deadline), pg)
            clients = [Supplier(port, setup["objective_id"], deadline, s, stop_at, rng.random(), results)
                       for s in setup["suppliers"]]
            for c in clients:
                c.start()
            killer.start()
            for c in clients:
                c.join(timeout=max(1.0, stop_at - time.time() + 180))
            killer.halt.set()
            killer.join(timeout=180)
            if killer.failure:
                raise RuntimeError(f"the killer failed: {killer.failure}")
            pg_restarts += killer.pg_restarted
            for c in clients:
                failures.extend(f"round {r + 1}: {c.email}: {e}" for e in c.errors[:1])
            answered = sum(1 for x in results if x["status"] == 201 and x["objective"] == setup["objective_id"])
            log(f"round {r + 1}/{args.rounds}: objective {setup['objective_id']}, {answered} receipts, "
                f"{server.kills} kills so far")
        # A last crash, then a clean start for the public checks.
        server.kill()
        server.start()

        receipts = [x for x in results if x["status"] == 201]
        sample = rng.sample(receipts, min(100, len(receipts)))
        public_failed = 0
        for x in sample:
            q = urllib.parse.urlencode({"number": x["receipt"]["receipt_number"], "hash": x["receipt"]["deposit_hash"]})
            status, data = request(port, "GET", f"/api/v1/receipts/verify?{q}")
            if status != 200 or not data or data.get("valid") is not True:
                public_failed += 1
        server.stop()

        # 1. Every receipt answered is stored, with its hash; every hash recomputes.
        ids = ",".join(str(i) for i in objectives)
        stored = {}
        for number, digest, late, started, deposited, objective, receipt in db.rows(
            "SELECT receipt_number, deposit_hash, late, started_at, deposited_at, objective_id, receipt "
            f"FROM deposits WHERE objective_id IN ({ids})"
        ):
            stored[number] = {
                "hash": digest, "late": late in ("1", "t", "true", "True"), "started": parse_time(started),
                "deposited": parse_time(deposited), "objective": int(objective), "receipt": json.loads(receipt),
            }
        lost = bad_hash = 0
        for x in receipts:
            answer = dict(x["receipt"])
            claimed = answer.pop("deposit_hash")
            row = stored.get(answer["receipt_number"])
            if row is None or row["hash"] != claimed:
                lost += 1
            if hashlib.sha256(canonical(answer).encode()).hexdigest() != claimed:
                bad_hash += 1
        bad_stored = sum(1 for row in stored.values()
                         if hashlib.sha256(canonical(row["receipt"]).encode()).hexdigest() != row["hash"])
        if lost:
            failures.append(f"{lost} deposits answered with a receipt are missing or differ in the database")
        if bad_hash or bad_stored:
            failures.append(f"receipt hashes do not recompute: {bad_hash} answered, {bad_stored} stored")
        if public_failed:
            failures.append(f"{public_failed} of {len(sample)} receipts fail the public check")

        # 2. Nothing accepted after the deadline.
        late_answered = sum(1 for x in receipts if x["sent"] >= x["deadline"] or x["receipt"].get("late"))
        late_stored = sum(1 for row in stored.values() if not row["late"] and (
            row["started"] >= objectives[row["objective"]] or row["deposited"] >= objectives[row["objective"]] + GRACE))
        if late_answered or late_stored:
            failures.append(f"accepted after the deadline: {late_answered} answered, {late_stored} stored")
        in_last_second = sum(1 for x in receipts
                             if x["deadline"] - 1.0 <= parse_time(x["receipt"]["upload_started_at"]) < x["deadline"])
        closed_after = sum(1 for x in results if x["code"] == "closed" and x["sent"] >= x["deadline"])
        early = [x["deadline"] - x["sent"] for x in results if x["code"] == "closed" and x["sent"] < x["deadline"]]
        closed_before = len(early)
        unanswered = sum(1 for x in results if x["status"] is None)
        if in_last_second == 0:
            failures.append("no deposit arrived in the last second before a deadline")

        # 3. Files: every referenced one whole; leftovers counted, then swept.
        uploads = os.path.join(data_dir, "uploads")
        missing = damaged = 0
        for table in ("proposal_attachments", "deposit_documents"):
            for key, size, digest in db.rows(f"SELECT storage_key, size_bytes, sha256 FROM {table}"):
                path = os.path.join(uploads, key)
                if not os.path.isfile(path):
                    missing += 1
                    continue
                with open(path, "rb") as f:
                    content = f.read()
                if len(content) != int(size) or hashlib.sha256(content).hexdigest() != digest:
                    damaged += 1
        keys = referenced_keys(db)
        on_disk = files_on_disk(uploads) if os.path.isdir(uploads) else []
        temporary_left = sum(1 for k in on_disk if k.startswith("tmp/"))
        unreferenced_left = sum(1 for k in on_disk if not k.startswith("tmp/") and k not in keys)
        swept = cli("uploads", "sweep", "--min-age", "0")
        if swept.returncode != 0:
            failures.append(f"uploads sweep failed: {swept.stderr.strip()}")
        after = files_on_disk(uploads) if os.path.isdir(uploads) else []
        orphans = sum(1 for k in after if k.startswith("tmp/") or k not in keys)
        still_missing = sum(1 for k in keys if not os.path.isfile(os.path.join(uploads, k)))
        if missing or damaged or still_missing:
            failures.append(f"files referenced by rows: {missing} missing, {damaged} damaged, "
                            f"{still_missing} missing after the sweep")
        if orphans:
            failures.append(f"{orphans} orphan or half-written files remain after the sweep")

        # 4. The audit log.
        audit = cli("audit", "verify")
        if audit.returncode != 0:
            failures.append(f"audit verify failed: {audit.stdout.strip()} {audit.stderr.strip()}")

        # 5. Every stored receipt has its mail queued.
        # (Matched here rather than with LIKE in SQL, which is quadratic on SQLite.)
        mailed = set()
        for (body,) in db.rows("SELECT body_text FROM mail_outbox WHERE body_text LIKE '%AO-%'"):
            for number in RECEIPT_NUMBER.findall(body):
                mailed.update((number, h) for h in SHA256_HEX.findall(body))
        no_mail = [n for n, row in stored.items() if (n, row["hash"]) not in mailed]
        if no_mail:
            failures.append(f"{len(no_mail)} receipts have no mail in the outbox")

        duration = time.time() - began
        print()
        print(f"backend                         {args.backend}")
        print(f"rounds (objectives)             {len(objectives)}")
        print(f"suppliers per round             {args.suppliers}")
        print(f"deposit requests                {len(results)}")
        print(f"deposits answered with receipt  {len(receipts)}")
        print(f"deposits stored                 {len(stored)} (answers lost to kills: {len(stored) - len(receipts) + lost})")
        print(f"  arrived in the last second    {in_last_second}")
        print(f"refused as closed, sent after   {closed_after}")
        print(f"refused as closed, sent before  {closed_before} (arrived at or after the deadline; "
              f"sent at most {max(early, default=0) * 1000:.0f} ms before it)")
        print(f"requests without an answer      {unanswered}")
        print(f"server kills (SIGKILL)          {server.kills}")
        print(f"server starts                   {server.starts}")
        print(f"PostgreSQL restarts             {pg_restarts}")
        print(f"receipts publicly checked       {len(sample)} ({public_failed} failed)")
        print(f"lost (receipt not stored)       {lost}")
        print(f"late accepted                   {late_answered + late_stored}")
        print(f"leftovers of killed uploads     {temporary_left} temporary, {unreferenced_left} unreferenced (swept: {swept.stdout.strip()})")
        print(f"orphans after the sweep         {orphans}")
        print(f"referenced files missing/damaged {missing + still_missing}/{damaged}")
        print(f"audit verify                    {audit.stdout.strip()}")
        print(f"mails lost                      {len(no_mail)}")
        print(f"duration                        {duration:.0f} s")
        if server.kills < args.min_kills:
            failures.append(f"only {server.kills} kills (at least {args.min_kills} wanted)")
        if len(receipts) < args.min_deposits:
            failures.append(f"only {len(receipts)} receipts (at least {args.min_deposits} wanted)")
    except Exception as e:
        failures.append(f"the harness stopped: {e!r}")
    finally:
        server.stop()
        if failures:
            args.keep = True
        if pg_db and not args.keep:
            subprocess.run(["psql", args.pg_url, "-X", "-q", "-c", f"DROP DATABASE IF EXISTS {pg_db} WITH (FORCE)"],
                           check=False)
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    if failures:
        print()
        for f in failures:
            print(f"FAILED: {f}")
        print(f"kept for inspection: {workdir}" + (f" and database {pg_db}" if pg_db else ""))
        sys.exit(1)
    print(f"\nrush on {args.backend}: all checks passed (seed {seed})")


if __name__ == "__main__":
    main()
