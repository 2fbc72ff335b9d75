#!/usr/bin/env python3
"""The HTTP benchmark suite (docs/PERFORMANCE.md).

    python3 bench/run.py --backend sqlite --scale l [--duration 5] [--runs 3] [--only REGEX] [--json FILE]
    python3 bench/run.py --quick [--backend sqlite]

Builds the release binary (`cargo build --release --locked`; `--no-build` uses the one already
built), seeds a database at the scale if it does not exist yet (SQLite under <target dir>/bench/,
PostgreSQL database ao_bench_<scale>), starts the server pinned to core 0 (and PostgreSQL's
processes too, restored at the end), checks that every endpoint answers 2xx or 3xx with the
credentials the suite gives it, and runs `wrk` pinned to core 1 against each endpoint, at
concurrency 8 and 64, several times, alternating endpoints. Reports, per endpoint and concurrency:
requests per second (median and range), the ratio to the calibration endpoint of the same run, p50
and p99 latency, server CPU time per request; and the server's peak memory.

`--quick`: scale M, one run of 2 s per endpoint at concurrency 8 after a one-request warm-up, and
the summary written to bench/results/latest.json (per endpoint: requests/s, ratio to /ping, p99,
CPU per request, peak memory) so a regression shows in minutes.

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


def target_dir():
    """Cargo's target directory, wherever `.cargo/config.toml` or CARGO_TARGET_DIR puts it."""
    out = subprocess.run(["cargo", "metadata", "--format-version", "1", "--no-deps"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)["target_directory"]


BIN = None


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
    cmd = ["taskset", "-c", "1", "wrk", "-t1", f"-c{conc}", f"-d{duration}s", "--timeout", "10s", "--latency", url]
    if script:
        cmd[4:4] = ["-s", script]
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


def get_status(path, headers):
    """The status of one GET with these headers and where it redirects (redirects not followed)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    req = urllib.request.Request(BASE + path, headers=headers)
    try:
        with urllib.request.build_opener(NoRedirect).open(req, timeout=60) as r:
            r.read()
            return r.status, None
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Location")


class Ctx:
    """What the endpoints need: signed-in people, tokens and ids read from the seeded data."""


def prepare(a):
    c = Ctx()
    c.supplier = Session("owner0@entreprise.seed.achat-ouvert.fr")
    c.agent = Session("agent0@seed.achat-ouvert.fr")
    c.chair = Session("committee1@seed.achat-ouvert.fr")
    c.member = Session("committee2@seed.achat-ouvert.fr")
    c.admin = Session("committee5@seed.achat-ouvert.fr")
    # The awarded contract's holder (a member with a known address) and a user of its purchase.
    c.holder = Session("titulaire@entreprise.seed.achat-ouvert.fr")
    c.purchase_user = Session("usager0@seed.achat-ouvert.fr")
    c.chair_token = c.chair.token()
    c.supplier_token = c.supplier.token()
    c.agent_token = c.agent.token()
    c.admin_token = c.admin.token()
    # The suppliers of the first (open) objective deposit their proposals again, in turn, each
    # with a 100 KB attachment: a real proposal has a few deposits, not thousands.
    pdf = b"%PDF-1.4\n" + b" " * 100_000 + b"\n%%EOF\n"
    boundary = "benchboundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"offre.pdf\"\r\n"
            f"Content-Type: application/pdf\r\n\r\n").encode() + pdf + f"\r\n--{boundary}--\r\n".encode()
    c.depositors = []
    for i in range(a.depositors):
        who = c.supplier if i == 0 else Session(f"owner{i}@entreprise.seed.achat-ouvert.fr")
        token = c.supplier_token if i == 0 else who.token()
        mine = api("GET", "/api/v1/proposals", token)
        draft = next((p["id"] for p in mine if p["objective_id"] == 1), None)
        if draft is None:
            continue
        if not api("GET", f"/api/v1/proposals/{draft}", token)["attachments"]:
            api("POST", f"/api/v1/proposals/{draft}/attachments", token, body,
                f"multipart/form-data; boundary={boundary}")
        c.depositors.append((f"/api/v1/proposals/{draft}/deposits", token))
    # The supplier's own proposals: a draft (objective 1, open) and a deposited one with a receipt.
    mine = api("GET", "/api/v1/proposals", c.supplier_token)
    c.draft = next(p["id"] for p in mine if p["objective_id"] == 1)
    deposited = next(p for p in mine if p["deposits"])
    c.deposit = deposited["deposits"][0]["id"]
    # The chair reopens one of their evaluations on objective 2 (500 proposals) to save drafts.
    me = api("GET", "/api/v1/me", c.chair_token)
    ws = api("GET", "/api/v1/objectives/2/evaluation", c.chair_token)
    c.target = ws["proposals"][0]["proposal_id"]
    read = api("GET", f"/api/v1/objectives/2/evaluation/proposals/{c.target}", c.chair_token)
    if read["submitted"]:
        api("POST", f"/api/v1/objectives/2/evaluation/proposals/{c.target}/reopen/{me['id']}", c.chair_token)
    c.scores = {"submit": False, "scores": [{"criterion_id": s["criterion_id"], "score": 3,
                                             "justification": "Appréciation argumentée et assez longue."}
                                            for s in read["scores"]]}
    c.supplier_org = api("GET", "/api/v1/me", c.supplier_token)["organisation_id"]
    c.other_org = c.supplier_org + 1
    c.practice = json.loads(urllib.request.urlopen(BASE + "/api/v1/practices").read())["items"][0]["id"]
    c.admin_user = me["id"]
    home = urllib.request.urlopen(BASE + "/").read().decode()
    c.css = re.search(r'href="(/static/style[^"]*)"', home).group(1).replace("&amp;", "&")
    return c


def endpoints(a, c):
    """Every page and API endpoint a person or a program uses, checked against src/web/routes.rs.
    Each entry: (name, path, kind, headers, method and body for writes). `kind` groups them in the
    report. Left out: downloads of stored files (attachments, documents, evidence, pictures: the
    file system, not the application; the indicator reports' evidence too), links carrying a one-time token (verify, set-password,
    invitations) and the language switch (a redirect setting a cookie). The audit checkpoints' files
    and public key (`/audit/checkpoints/{id}.json`, `/audit/checkpoints/public-key.txt`) answer only where a signing key
    is configured, which the bench's server is not given; the page and the feed are measured.
    `/practice` only reads since issue 16 (a POST creates the supplier's practice proposal). The
    chair's release of a disabled member's seat (`/objectives/{id}/evaluation/members/{user}/release`)
    is left out: the seed disables no committee member (the page answers 409 for an active one); it
    reads the same board as the progress page, which is measured. The change-support writes (plan an
    action, invite a user, record a delivery, rate) change the plan each time: measured through the
    pages that show them, not replayed; the change-support materials (`/support-materials/{id}`) are
    stored files like the evidence. The confirmation page before validating an indicator report (POST
    /indicator-reports/{id}/validation/confirm) is left out: the seed's only report is already
    validated, and a decided report answers 409. The form that puts a draft in consultation
    (`/objectives/{id}/consultation`) is left out: the seed's draft's id changes with the scale; a
    plain form of three fields, measured through the management page's forms."""
    supplier = {"Cookie": c.supplier.cookie()}
    agent = {"Cookie": c.agent.cookie()}
    chair = {"Cookie": c.chair.cookie()}
    member = {"Cookie": c.member.cookie()}
    admin = {"Cookie": c.admin.cookie()}
    holder = {"Cookie": c.holder.cookie()}
    purchase_user = {"Cookie": c.purchase_user.cookie()}
    bearer = lambda t: {"Authorization": f"Bearer {t}"}  # noqa: E731
    awarded = AWARDED[a.scale]
    return [
        ("calibration (/ping)", "/ping", "calibration", {}),
        ("health", "/health", "public", {}),
        ("stylesheet", c.css, "public", {}),
        # Public pages.
        ("home", "/", "public", {}),
        ("objective list, first page", "/objectives", "public", {}),
        ("objective list, deep page", f"/objectives?page={DEEP_PAGE[a.scale]}", "public", {}),
        ("search", "/objectives?q=energie+lycees", "public", {}),
        ("objective list, filters", "/objectives?theme=batiment&status=published", "public", {}),
        ("objective page", "/objectives/5", "public", {}),
        ("objective page, under evaluation", "/objectives/2", "public", {}),
        ("objective page, results published and awarded", f"/objectives/{awarded}", "public", {}),
        ("directory, first page", "/directory", "public", {}),
        ("directory, page 10", "/directory?page=10", "public", {}),
        ("directory search", "/directory?q=toiture+solaire", "public", {}),
        ("directory search with filters", "/directory?q=iso&department=69", "public", {}),
        ("directory search matching nothing", "/directory?q=zzzinconnu", "public", {}),
        ("directory search, a rare word", "/directory?q=entreprise+12345", "public", {}),
        ("directory filters (sector, size, credential)",
         "/directory?sector=b%C3%A2timent&size=sme&credential=1&social_economy=true", "public", {}),
        ("directory profile", f"/directory/{c.supplier_org}", "public", {}),
        ("good practices", "/practices", "public", {}),
        ("good practices, one theme", "/practices?theme=batiment", "public", {}),
        ("a good practice", f"/practices/{c.practice}", "public", {}),
        ("receipt check form", "/receipts/verify", "public", {}),
        ("sign-in form", "/login", "public", {}),
        ("registration form", "/register", "public", {}),
        ("forgotten password form", "/forgot-password", "public", {}),
        ("feed of objectives", "/feeds/objectives.atom", "public", {}),
        ("feed of one theme", "/feeds/themes/batiment", "public", {}),
        ("feed of practices", "/feeds/practices.atom", "public", {}),
        # The audit log's signed checkpoints (issue 16, item 11).
        ("audit checkpoints page", "/audit/checkpoints", "public", {}),
        ("feed of audit checkpoints", "/feeds/audit-checkpoints.atom", "public", {}),
        # The citizens' dashboard (issue 18).
        ("dashboard page, every year", "/chiffres", "public", {}),
        ("dashboard page, English address", "/figures", "public", {}),
        ("dashboard page, one year", f"/chiffres?year={time.gmtime().tm_year}", "public", {}),
        ("dashboard CSV (depositors)", "/chiffres/depositors.csv", "public", {}),
        ("dashboard JSON API", "/api/v1/dashboard", "api", {}),
        # Market consultation before the call (issue 18; the seed's consultation 1, contribution
        # 2 is confidential; docs/CONSULTATION.md).
        ("consultations list", "/consultations", "public", {}),
        ("consultation page", "/consultations/1", "public", {}),
        ("consultation page, a supplier", "/consultations/1", "supplier", supplier),
        ("a public contribution", "/consultations/1/contributions/1", "public", {}),
        ("a confidential contribution, agent", "/consultations/1/contributions/2", "agent", agent),
        ("consultation management (agents)", "/consultations/1/manage", "agent", agent),
        ("open-call confirmation (agents)", "/consultations/1/open-call", "agent", agent),
        ("consultation JSON API", "/api/v1/consultations/1", "api", {}),
        ("a public contribution, JSON API", "/api/v1/consultations/1/contributions/1", "api", {}),
        # What a public site publishes, and help for suppliers (issue 18).
        ("accessibility statement", "/accessibilite", "public", {}),
        ("legal notice", "/mentions-legales", "public", {}),
        ("personal data and cookies", "/donnees-personnelles", "public", {}),
        ("site map", "/plan-du-site", "public", {}),
        ("guide for suppliers", "/aide/repondre", "public", {}),
        ("glossary", "/aide/glossaire", "public", {}),
        ("robots.txt", "/robots.txt", "public", {}),
        ("sitemap.xml (capped per kind)", "/sitemap.xml", "public", {}),
        # Open data and public API.
        ("JSON API list", "/api/v1/objectives", "api", {}),
        ("JSON API objective", "/api/v1/objectives/5", "api", {}),
        ("OCDS package of one objective", "/api/v1/objectives/5/ocds.json", "api", {}),
        ("OCDS package of every objective", "/api/v1/ocds/objectives.json", "api", {}),
        ("published results API", f"/api/v1/objectives/{awarded}/results", "api", {}),
        ("award API", f"/api/v1/objectives/{awarded}/award", "api", {}),
        ("contract API", f"/api/v1/objectives/{awarded}/contract", "api", {}),
        ("DECP of one contract", f"/api/v1/objectives/{awarded}/decp.json", "api", {}),
        ("DECP bulk file", "/api/v1/decp/marches.json", "api", {}),
        ("contract follow-up page (chart and table)", f"/objectives/{awarded}/follow-up", "public", {}),
        ("follow-up Atom feed", f"/objectives/{awarded}/follow-up.atom", "public", {}),
        ("indicators API", f"/api/v1/objectives/{awarded}/indicators", "api", {}),
        ("change-support API (plan and public figures)", f"/api/v1/objectives/{awarded}/change-support", "api", {}),
        ("directory API", "/api/v1/directory?q=iso&department=69", "api", {}),
        ("directory profile API", f"/api/v1/directory/{c.supplier_org}", "api", {}),
        ("credentials catalogue API", "/api/v1/credentials", "api", {}),
        ("practices API", "/api/v1/practices", "api", {}),
        ("a practice API", f"/api/v1/practices/{c.practice}", "api", {}),
        ("OpenAPI document", "/api/v1/openapi.json", "api", {}),
        # A supplier.
        ("supplier's home (/work)", "/work", "supplier", supplier),
        ("practice deposit page", "/practice", "supplier", supplier),
        ("supplier dashboard", "/proposals", "supplier", supplier),
        ("proposal draft form", f"/proposals/{c.draft}/edit", "supplier", supplier),
        ("start a proposal form", "/objectives/5/proposal", "supplier", supplier),
        ("withdraw confirmation page", f"/proposals/{c.draft}/withdraw", "supplier", supplier),
        ("receipt page", f"/receipts/{c.deposit}", "supplier", supplier),
        ("receipt JSON", f"/receipts/{c.deposit}/json", "supplier", supplier),
        ("receipt PDF", f"/receipts/{c.deposit}/pdf", "supplier", supplier),
        ("messages inbox", "/messages", "supplier", supplier),
        ("a message thread", f"/messages/{c.other_org}", "supplier", supplier),
        ("organisation page", "/organisation", "supplier", supplier),
        ("organisation profile form", "/organisation/profile", "supplier", supplier),
        ("organisation data export", "/organisation/export.json", "supplier", supplier),
        ("practice submission form", "/practices/new", "supplier", supplier),
        ("supplier's letters list", "/organisation/letters", "supplier", supplier),
        ("account page", "/account", "supplier", supplier),
        ("password form", "/account/password", "supplier", supplier),
        ("sessions page", "/account/sessions", "supplier", supplier),
        ("API tokens page", "/account/tokens", "supplier", supplier),
        ("subscriptions page", "/account/subscriptions", "supplier", supplier),
        # A person's own data (issue 18, item 5): the page, the download, the erasure's confirmation
        # page (read only: the erasure itself is a one-time write), and the API's export.
        ("my data page", "/account/data", "supplier", supplier),
        ("my data download (JSON)", "/account/data.json", "supplier", supplier),
        ("erasure confirmation page", "/account/erase", "supplier", supplier),
        ("after an erasure (the farewell page)", "/account/erased", "public", {}),
        ("agent's data download (JSON)", "/account/data.json", "agent", agent),
        ("chair's data download (JSON)", "/account/data.json", "committee", chair),
        ("supplier API: me", "/api/v1/me", "supplier", bearer(c.supplier_token)),
        ("supplier API: tokens", "/api/v1/me/tokens", "supplier", bearer(c.supplier_token)),
        ("supplier API: my data export", "/api/v1/me/export", "supplier", bearer(c.supplier_token)),
        ("supplier API: organisation", "/api/v1/organisation", "supplier", bearer(c.supplier_token)),
        ("supplier API: organisation export", "/api/v1/organisation/export", "supplier", bearer(c.supplier_token)),
        ("supplier API: proposals", "/api/v1/proposals", "supplier", bearer(c.supplier_token)),
        ("supplier API: a proposal", f"/api/v1/proposals/{c.draft}", "supplier", bearer(c.supplier_token)),
        ("supplier API: a receipt", f"/api/v1/receipts/{c.deposit}", "supplier", bearer(c.supplier_token)),
        ("supplier API: letters", "/api/v1/organisation/letters", "supplier", bearer(c.supplier_token)),
        # The awarded contract's holder, and a user of its purchase (issue 17, step 5).
        ("holder's home (/work)", "/work", "supplier", holder),
        ("holder's change-support page", f"/objectives/{awarded}/change-support", "supplier", holder),
        ("user of the purchase's home (/work)", "/work", "purchase user", purchase_user),
        ("user of the purchase's change-support page", f"/objectives/{awarded}/change-support", "purchase user",
         purchase_user),
        # An agent.
        ("agent's home (/work)", "/work", "agent", agent),
        ("new objective form", "/objectives/new", "agent", agent),
        ("objective edit form", "/objectives/5/edit", "agent", agent),
        ("cancel confirmation page", "/objectives/5/cancel", "agent", agent),
        ("agent's list of 500 opened proposals", "/objectives/2/proposals", "agent", agent),
        ("an opened proposal (agent)", f"/objectives/2/proposals/{c.target}", "agent", agent),
        ("committee page", "/objectives/2/committee", "agent", agent),
        ("practices to review", "/practices/review", "agent", agent),
        ("agent's award page", f"/objectives/{awarded}/award", "agent", agent),
        ("agent's contract page", f"/objectives/{awarded}/contract", "agent", agent),
        ("agent's indicators page", f"/objectives/{awarded}/indicators", "agent", agent),
        ("agent's change-support page", f"/objectives/{awarded}/change-support", "agent", agent),
        ("a letter (agent)", "/organisation/letters/1", "agent", agent),
        ("a letter as PDF (agent)", "/organisation/letters/1/pdf", "agent", agent),
        ("agent API: an opened proposal", f"/api/v1/objectives/2/proposals/{c.target}", "agent",
         bearer(c.agent_token)),
        ("agent API: committee", "/api/v1/objectives/2/committee", "agent", bearer(c.agent_token)),
        # The committee.
        ("member's home (/work)", "/work", "committee", member),
        ("member's evaluations", "/evaluations", "committee", member),
        ("member's workspace (500 proposals)", "/objectives/2/evaluation", "committee", member),
        ("member's score page", f"/objectives/2/evaluation/{c.target}", "committee", member),
        ("progress matrix (chair)", "/objectives/2/evaluation/progress", "committee", chair),
        ("decision confirmation page (chair, 500 proposals)", "/objectives/2/evaluation/decision", "committee", chair),
        ("ranking of 500 proposals (page, with sensitivity)", "/objectives/2/evaluation/ranking", "committee", chair),
        ("evaluation report", f"/objectives/{awarded}/evaluation/report", "committee", chair),
        ("report CSV", f"/objectives/{awarded}/evaluation/report.csv", "committee", chair),
        ("scores CSV", f"/objectives/{awarded}/evaluation/scores.csv", "committee", chair),
        ("committee API: workspace", "/api/v1/objectives/2/evaluation", "committee", bearer(c.chair_token)),
        ("committee API: ranking", "/api/v1/objectives/2/evaluation/ranking", "committee", bearer(c.chair_token)),
        ("committee API: a score sheet", f"/api/v1/objectives/2/evaluation/proposals/{c.target}", "committee",
         bearer(c.chair_token)),
        # An administrator.
        ("administrator's home (/work)", "/work", "admin", admin),
        ("staff accounts", "/admin/users", "admin", admin),
        ("one account (admin)", f"/admin/users/{c.admin_user}", "admin", admin),
        ("disable confirmation page", f"/admin/users/{c.admin_user}/disable", "admin", admin),
        ("audit log", "/admin/audit", "admin", admin),
        ("criteria catalogue", "/admin/criteria", "admin", admin),
        ("new criterion form", "/admin/criteria/new", "admin", admin),
        ("a criterion form", "/admin/criteria/1", "admin", admin),
        ("credentials catalogue (admin)", "/admin/credentials", "admin", admin),
        ("message reports", "/admin/reports", "admin", admin),
        ("admin API: users", "/api/v1/admin/users", "admin", bearer(c.admin_token)),
        ("admin API: audit log", "/api/v1/admin/audit", "admin", bearer(c.admin_token)),
        # Writes.
        ("deposit (100 KB attachment)", c.depositors[0][0], "write", {},
         rotating("POST", c.depositors, "{}", "application/json")),
        ("score draft saved", f"/api/v1/objectives/2/evaluation/proposals/{c.target}", "write", {},
         lua("PUT", {"Authorization": f"Bearer {c.chair_token}", "Content-Type": "application/json"},
             json.dumps(c.scores))),
    ]


def script_of(ep):
    if len(ep) > 4:
        return ep[4]
    return lua("GET", ep[3], None) if ep[3] else None


def main():
    global BIN
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", choices=["sqlite", "postgres"], help="required unless --quick (default sqlite)")
    ap.add_argument("--scale", choices=["s", "m", "l"], help="required unless --quick (scale m)")
    ap.add_argument("--duration", type=int, default=5)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--depositors", type=int, default=40, help="suppliers depositing in turn")
    ap.add_argument("--quick", action="store_true",
                    help="scale M, one 2 s run per endpoint at concurrency 8, summary in bench/results/latest.json")
    ap.add_argument("--only", help="only the endpoints whose name matches this regular expression (and /ping)")
    ap.add_argument("--concurrency", default=None, help="comma-separated concurrencies (default 8,64; quick 8)")
    ap.add_argument("--json", help="also write the summary as JSON to this file")
    ap.add_argument("--no-build", action="store_true", help="use the release binary already built")
    ap.add_argument("--binary", help="use this binary (not built; its data under <target dir>/bench/<name>-…)")
    a = ap.parse_args()
    if a.quick:
        a.backend = a.backend or "sqlite"
        a.scale = a.scale or "m"
        a.duration, a.runs = 2, 1
        a.json = a.json or os.path.join(ROOT, "bench", "results", "latest.json")
    if not a.backend or not a.scale:
        ap.error("--backend and --scale are required (or --quick)")
    concurrencies = [int(x) for x in (a.concurrency or ("8" if a.quick else "8,64")).split(",")]

    if subprocess.run(["which", "wrk"], capture_output=True).returncode != 0:
        sys.exit("wrk is missing: sudo apt-get install wrk")
    if not a.no_build and not a.binary:
        sh(["cargo", "build", "--release", "--locked", "--quiet"], cwd=ROOT)
    target = target_dir()
    BIN = os.path.abspath(a.binary) if a.binary else os.path.join(target, "release", "achat-ouvert")
    label = f"{os.path.basename(BIN)}-" if a.binary else ""
    work = os.path.join(target, "bench", f"{label}{a.backend}-{a.scale}")
    os.makedirs(work, exist_ok=True)
    env = seed(a.backend, a.scale, work)
    env.update(BIND=f"127.0.0.1:{PORT}", PUBLIC_URL=f"{BASE}/", LOG_FORMAT="json", RUST_LOG="warn")
    # One seeded committee member is also an administrator, for the administration pages.
    sh([BIN, "create-admin", "--email", "committee5@seed.achat-ouvert.fr"], env=env,
       stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    if a.backend == "postgres":
        pin_postgres("0")
    server = subprocess.Popen(["taskset", "-c", "0", BIN, "serve"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    skipped, redirects = [], []
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

        c = prepare(a)
        chosen = endpoints(a, c)
        # Every GET answers 2xx or 3xx with the credentials given, or it is left out and named.
        kept = []
        for ep in chosen:
            if len(ep) == 4:
                status, location = get_status(ep[1], ep[3])
                if status >= 400:
                    skipped.append((ep[0], ep[1], status))
                    continue
                if status >= 300:
                    redirects.append((ep[0], ep[1], status, location))
            kept.append(ep)
        chosen = kept
        if a.only:
            chosen = [e for e in chosen if e[2] == "calibration" or re.search(a.only, e[0])]
        # Warm-up.
        for ep in chosen:
            if a.quick:
                if len(ep) == 4:
                    get_status(ep[1], ep[3])
            else:
                wrk(BASE + ep[1], 8, 1, script_of(ep))
        results = {}
        for conc in concurrencies:
            for _ in range(a.runs):
                calibration = None
                for ep in chosen:
                    name, path = ep[0], ep[1]
                    before = cpu_ticks(server.pid)
                    sampler = RssSampler(server.pid)
                    sampler.start()
                    r = wrk(BASE + path, conc, a.duration, script_of(ep))
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
    for name, path, status in skipped:
        print(f"Left out: {name} ({path}) answered {status}.\n")
    for name, path, status, location in redirects:
        print(f"Measured as a redirect: {name} ({path}) answers {status} to {location}.\n")
    print("| endpoint | c | req/s median (range) | × calibration | p50 ms | p99 ms | CPU ms/req | peak RSS MiB | non-2xx |")
    print("|---|---|---|---|---|---|---|---|---|")
    for (name, conc), rs in results.items():
        print(f"| {name} | {conc} | {span([r['rps'] for r in rs], lambda x: f'{x:,.0f}')} | "
              f"{statistics.median(r['ratio'] for r in rs):.2f} | {statistics.median(r['p50'] for r in rs):.1f} | "
              f"{statistics.median(r['p99'] for r in rs):.1f} | {statistics.median(r['cpu_ms'] for r in rs):.2f} | "
              f"{max(r['rss'] for r in rs) / 1024:.0f} | {sum(r['errors'] for r in rs)} |")

    if a.json:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True).stdout.strip()
        paths = {ep[0]: ep[1] for ep in chosen}
        summary = {
            "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "commit": commit,
            "backend": a.backend,
            "scale": a.scale,
            "runs": a.runs,
            "duration_s": a.duration,
            "ready_s": round(ready, 3),
            "peak_memory_mib": round(peak / 1024, 1),
            "left_out": [{"name": n, "path": p, "status": s} for n, p, s in skipped],
            "redirects": [{"name": n, "path": p, "status": s, "location": l} for n, p, s, l in redirects],
            "endpoints": [
                {
                    "name": name,
                    "path": paths[name],
                    "concurrency": conc,
                    "requests_per_s": round(statistics.median(r["rps"] for r in rs), 1),
                    "ratio_to_ping": round(statistics.median(r["ratio"] for r in rs), 4),
                    "p50_ms": round(statistics.median(r["p50"] for r in rs), 2),
                    "p99_ms": round(statistics.median(r["p99"] for r in rs), 2),
                    "cpu_ms_per_request": round(statistics.median(r["cpu_ms"] for r in rs), 3),
                    "peak_rss_mib": round(max(r["rss"] for r in rs) / 1024, 1),
                    "non_2xx": sum(r["errors"] for r in rs),
                }
                for (name, conc), rs in results.items()
            ],
        }
        os.makedirs(os.path.dirname(os.path.abspath(a.json)), exist_ok=True)
        with open(a.json, "w") as f:
            json.dump(summary, f, indent=1, ensure_ascii=False)
            f.write("\n")
        print(f"\nSummary written to {a.json}")


if __name__ == "__main__":
    main()
