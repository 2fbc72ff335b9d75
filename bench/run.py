#!/usr/bin/env python3
"""The HTTP benchmark suite (docs/PERFORMANCE.md).

    python3 bench/run.py --backend sqlite --scale l [--duration 5] [--runs 3]

Builds the release binary, seeds a database at the scale if it does not exist yet (SQLite under
target/bench/, PostgreSQL database ao_bench_<scale>), starts the server pinned to core 0 (and
PostgreSQL's processes too, restored at the end), and runs `wrk` pinned to core 1 against each
endpoint, at concurrency 8 and 64, several times, alternating endpoints. Reports, per endpoint and
concurrency: requests per second (median and range), the ratio to the calibration endpoint of the
same run, p50 and p99 latency, server CPU time per request; and the server's peak memory.
Everything targets 127.0.0.1, is bounded in time, and stops by itself.
"""

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "achat-ouvert")
PORT = 8090
BASE = f"http://127.0.0.1:{PORT}"
PASSWORD = "mot de passe des données de test"
PG = "postgres://postgres@127.0.0.1:5432"
# A page four fifths into the objective list (20 a page): S 10, M 200, L 2,000 objectives.
DEEP_PAGE = {"s": 1, "m": 8, "l": 80}
# The seed awards its last objective (src/seed.rs, award_one): its id is the number of objectives.
AWARDED = {"s": 10, "m": 200, "l": 2000}


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def seed(backend, scale, work):
    # A buyer SIRET, so that the DECP endpoints answer (docs/AWARD.md).
    env = dict(os.environ, DATA_DIR=work, BUYER_SIRET=os.environ.get("BUYER_SIRET", "23690001200014"))
    if backend == "sqlite":
        path = os.path.join(work, "db.sqlite3")
        env["DATABASE_URL"] = f"sqlite://{path}"
        if not os.path.exists(path):
            sh([BIN, "seed", "--scale", scale], env=env)
    else:
        name = f"ao_bench_{scale}"
        env["DATABASE_URL"] = f"{PG}/{name}"
        exists = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc",
                                 f"SELECT 1 FROM pg_database WHERE datname='{name}'"],
                                capture_output=True, text=True).stdout.strip() == "1"
        if not exists:
            sh(["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", f"CREATE DATABASE {name}"], capture_output=True)
            sh([BIN, "seed", "--scale", scale], env=env)
    return env


def pin_postgres(cpus):
    pids = subprocess.run(["pgrep", "-d", ",", "postgres"], capture_output=True, text=True).stdout.strip()
    for pid in filter(None, pids.split(",")):
        subprocess.run(["taskset", "-a", "-cp", cpus, pid], capture_output=True)


class Session:
    """A signed-in browser: cookies and the CSRF token of its pages."""

    def __init__(self, email):
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        page = self.get("/login")
        self.post("/login", {"email": email, "password": PASSWORD, "csrf_token": csrf(page)})

    def get(self, path):
        return self.opener.open(BASE + path).read().decode()

    def post(self, path, fields):
        data = urllib.parse.urlencode(fields).encode()
        try:
            return self.opener.open(BASE + path, data=data).read().decode()
        except urllib.error.HTTPError as e:
            return e.read().decode()

    def cookie(self):
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)

    def token(self):
        page = self.post("/account/tokens", {"name": "bench", "csrf_token": csrf(self.get("/account/tokens"))})
        return re.search(r'<code class="token">([^<]+)</code>', page).group(1)


def csrf(html):
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def api(method, path, token, body=None, content_type="application/json"):
    req = urllib.request.Request(BASE + path, method=method, data=body,
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": content_type})
    with urllib.request.urlopen(req) as r:
        text = r.read().decode()
        return json.loads(text) if text else None


def lua(method, headers, body):
    f = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    f.write(f'wrk.method = "{method}"\n')
    for k, v in headers.items():
        f.write(f'wrk.headers["{k}"] = {json.dumps(v)}\n')
    if body is not None:
        f.write(f"wrk.body = {json.dumps(body)}\n")
    f.close()
    return f.name


def cpu_ticks(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def status_kib(pid, field):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


class RssSampler(threading.Thread):
    """The server's largest resident size while one endpoint is under load (sampled every 20 ms)."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, 0, threading.Event()

    def run(self):
        while not self.done.is_set():
            self.peak = max(self.peak, status_kib(self.pid, "VmRSS"))
            self.done.wait(0.02)

    def stop(self):
        self.done.set()
        self.join()
        return self.peak


def rotating(method, pairs, body, content_type):
    """A wrk script sending each request to the next (path, bearer token) of `pairs`, in turn."""
    f = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    f.write("local paths = {" + ",".join(json.dumps(p) for p, _ in pairs) + "}\n")
    f.write("local tokens = {" + ",".join(json.dumps(t) for _, t in pairs) + "}\n")
    f.write("local i = 0\n")
    f.write(f"local body = {json.dumps(body)}\n")
    f.write("request = function()\n  i = i % #paths + 1\n")
    f.write(f'  return wrk.format("{method}", paths[i], {{["Authorization"] = "Bearer " .. tokens[i], '
            f'["Content-Type"] = {json.dumps(content_type)}}}, body)\nend\n')
    f.close()
    return f.name


def wrk(url, conc, duration, script):
    cmd = ["taskset", "-c", "1", "wrk", "-t1", f"-c{conc}", f"-d{duration}s", "--latency", url]
    if script:
        cmd[6:6] = ["-s", script]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 30).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    if rps == 0:
        sys.stderr.write(f"no answer from {url}:\n{out}\n")
    total = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)

    def ms(label):
        m = re.search(rf"\s{label}%\s+([\d.]+)(us|ms|s)", out)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    return {"rps": rps, "p50": ms("50"), "p99": ms("99"), "requests": total,
            "errors": int(non2xx.group(1)) if non2xx else 0}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", choices=["sqlite", "postgres"], required=True)
    ap.add_argument("--scale", choices=["s", "m", "l"], required=True)
    ap.add_argument("--duration", type=int, default=5)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--depositors", type=int, default=40, help="suppliers depositing in turn")
    a = ap.parse_args()

    if subprocess.run(["which", "wrk"], capture_output=True).returncode != 0:
        sys.exit("wrk is missing: sudo apt-get install wrk")
    sh(["cargo", "build", "--release", "--quiet"], cwd=ROOT)
    work = os.path.join(ROOT, "target", "bench", f"{a.backend}-{a.scale}")
    os.makedirs(work, exist_ok=True)
    env = seed(a.backend, a.scale, work)
    env.update(BIND=f"127.0.0.1:{PORT}", PUBLIC_URL=f"{BASE}/", LOG_FORMAT="json", RUST_LOG="warn")
    if a.backend == "postgres":
        pin_postgres("0")
    server = subprocess.Popen(["taskset", "-c", "0", BIN, "serve"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        started = time.monotonic()
        while True:
            try:
                if urllib.request.urlopen(BASE + "/health").status == 200:
                    break
            except Exception:
                time.sleep(0.01)
            if time.monotonic() - started > 60:
                sys.exit("the server did not start")
        ready = time.monotonic() - started

        supplier = Session("owner0@entreprise.seed.achat-ouvert.fr")
        agent = Session("agent0@seed.achat-ouvert.fr")
        chair = Session("committee1@seed.achat-ouvert.fr")
        chair_token = chair.token()
        # The suppliers of the first (open) objective deposit their proposals again, in turn, each
        # with a 100 KB attachment: a real proposal has a few deposits, not thousands.
        pdf = b"%PDF-1.4\n" + b" " * 100_000 + b"\n%%EOF\n"
        boundary = "benchboundary"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"offre.pdf\"\r\n"
                f"Content-Type: application/pdf\r\n\r\n").encode() + pdf + f"\r\n--{boundary}--\r\n".encode()
        depositors = []
        for i in range(a.depositors):
            who = supplier if i == 0 else Session(f"owner{i}@entreprise.seed.achat-ouvert.fr")
            token = who.token()
            mine = api("GET", "/api/v1/proposals", token)
            draft = next((p["id"] for p in mine if p["objective_id"] == 1), None)
            if draft is None:
                continue
            if not api("GET", f"/api/v1/proposals/{draft}", token)["attachments"]:
                api("POST", f"/api/v1/proposals/{draft}/attachments", token, body,
                    f"multipart/form-data; boundary={boundary}")
            depositors.append((f"/api/v1/proposals/{draft}/deposits", token))
        # The chair reopens one of their evaluations on objective 2 (500 proposals) to save drafts.
        me = api("GET", "/api/v1/me", chair_token)
        ws = api("GET", "/api/v1/objectives/2/evaluation", chair_token)
        target = ws["proposals"][0]["proposal_id"]
        read = api("GET", f"/api/v1/objectives/2/evaluation/proposals/{target}", chair_token)
        if read["submitted"]:
            api("POST", f"/api/v1/objectives/2/evaluation/proposals/{target}/reopen/{me['id']}", chair_token)
        scores = {"submit": False, "scores": [{"criterion_id": s["criterion_id"], "score": 3,
                                               "justification": "Appréciation argumentée et assez longue."}
                                              for s in read["scores"]]}

        endpoints = [
            ("calibration (/ping)", "/ping", None),
            ("home", "/", None),
            ("objective list, first page", "/objectives", None),
            ("objective list, deep page", f"/objectives?page={DEEP_PAGE[a.scale]}", None),
            ("search", "/objectives?q=energie+lycees", None),
            ("objective page", "/objectives/5", None),
            ("JSON API list", "/api/v1/objectives", None),
            ("directory, first page", "/directory", None),
            ("directory search with filters", "/directory?q=iso&department=69", None),
            ("good practices", "/practices", None),
            ("OCDS package of one objective", "/api/v1/objectives/5/ocds.json", None),
            ("supplier dashboard", "/proposals", lua("GET", {"Cookie": supplier.cookie()}, None)),
            ("deposit (100 KB attachment)", depositors[0][0], rotating("POST", depositors, "{}", "application/json")),
            ("score draft saved", f"/api/v1/objectives/2/evaluation/proposals/{target}",
             lua("PUT", {"Authorization": f"Bearer {chair_token}", "Content-Type": "application/json"},
                 json.dumps(scores))),
            ("ranking of 500 proposals (page, with sensitivity)", "/objectives/2/evaluation/ranking",
             lua("GET", {"Cookie": chair.cookie()}, None)),
            ("awarded objective page", f"/objectives/{AWARDED[a.scale]}", None),
            ("award API", f"/api/v1/objectives/{AWARDED[a.scale]}/award", None),
            ("agent's award page", f"/objectives/{AWARDED[a.scale]}/award", lua("GET", {"Cookie": agent.cookie()}, None)),
            ("a letter (agent)", "/organisation/letters/1", lua("GET", {"Cookie": agent.cookie()}, None)),
            ("supplier's letters list", "/organisation/letters", lua("GET", {"Cookie": supplier.cookie()}, None)),
            ("agent's contract page", f"/objectives/{AWARDED[a.scale]}/contract", lua("GET", {"Cookie": agent.cookie()}, None)),
            ("contract API", f"/api/v1/objectives/{AWARDED[a.scale]}/contract", None),
            ("DECP of one contract", f"/api/v1/objectives/{AWARDED[a.scale]}/decp.json", None),
            ("DECP bulk file", "/api/v1/decp/marches.json", None),
        ]
        # --- s7-dashboard: the citizens' dashboard (issue 18, item 2) ---
        endpoints += [
            ("dashboard page, every year", "/chiffres", None),
            ("dashboard page, one year", f"/chiffres?year={time.gmtime().tm_year}", None),
            ("dashboard CSV (depositors)", "/chiffres/depositors.csv", None),
            ("dashboard JSON API", "/api/v1/dashboard", None),
        ]
        # --- end s7-dashboard ---
        # Warm-up.
        for _, path, script in endpoints:
            wrk(BASE + path, 8, 1, script)
        results = {}
        for conc in (8, 64):
            for _ in range(a.runs):
                calibration = None
                for name, path, script in endpoints:
                    before = cpu_ticks(server.pid)
                    sampler = RssSampler(server.pid)
                    sampler.start()
                    r = wrk(BASE + path, conc, a.duration, script)
                    r["rss"] = sampler.stop()
                    r["cpu_ms"] = (cpu_ticks(server.pid) - before) * 1000 / os.sysconf("SC_CLK_TCK") / max(r["requests"], 1)
                    if calibration is None:
                        calibration = r["rps"]
                    r["ratio"] = r["rps"] / calibration if calibration else 0.0
                    results.setdefault((name, conc), []).append(r)
        peak = status_kib(server.pid, "VmHWM")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=40)
        if a.backend == "postgres":
            pin_postgres("0-%d" % (os.cpu_count() - 1))

    def span(values, fmt):
        m = statistics.median(values)
        return f"{fmt(m)} ({fmt(min(values))}–{fmt(max(values))})"

    print(f"\n### {a.backend}, scale {a.scale.upper()}: {a.runs} runs of {a.duration} s per endpoint and concurrency\n")
    print(f"Start-up to ready: {ready:.2f} s. Peak server memory (VmHWM): {peak / 1024:.0f} MiB.\n")
    print("| endpoint | c | req/s median (range) | × calibration | p50 ms | p99 ms | CPU ms/req | peak RSS MiB | non-2xx |")
    print("|---|---|---|---|---|---|---|---|---|")
    for (name, conc), rs in results.items():
        print(f"| {name} | {conc} | {span([r['rps'] for r in rs], lambda x: f'{x:,.0f}')} | "
              f"{statistics.median(r['ratio'] for r in rs):.2f} | {statistics.median(r['p50'] for r in rs):.1f} | "
              f"{statistics.median(r['p99'] for r in rs):.1f} | {statistics.median(r['cpu_ms'] for r in rs):.2f} | "
              f"{max(r['rss'] for r in rs) / 1024:.0f} | {sum(r['errors'] for r in rs)} |")


if __name__ == "__main__":
    main()
