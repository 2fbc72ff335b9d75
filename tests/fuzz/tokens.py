"""Personal API tokens for each role the fuzzing runs as (tests/fuzz/run.sh).

Signs in to a server loaded with the demo (`achat-ouvert demo`, whose printed accounts are read from
a file) as a person would: the sign-in page, then the tokens page (docs/API.md). The supplier member
is made the way the platform makes one: the demo supplier's owner invites an address through the API,
and the invitation mailed to the outbox directory is accepted on its page. Prints one line per role:
`ROLE TOKEN` (anonymous has no token and is not printed).

Usage: tokens.py BASE_URL DEMO_OUTPUT_FILE OUTBOX_DIR
"""

import email
import email.policy
import glob
import html
import os
import re
import sys
import time

import requests

MEMBER_EMAIL = "membre.fuzz@demo.achat-ouvert.fr"
MEMBER_PASSWORD = "Fuzz-membre-2026-Qx7!"

# The role's name in the fuzz run, and the demo account it signs in as.
ACCOUNTS = [
    ("supplier-owner", "fournisseur@demo.achat-ouvert.fr"),
    ("agent", "agent@demo.achat-ouvert.fr"),
    ("committee-chair", "comite1@demo.achat-ouvert.fr"),
    ("committee-member", "comite2@demo.achat-ouvert.fr"),
    ("administrator", "admin@demo.achat-ouvert.fr"),
]


def fail(message):
    print(f"tokens.py: {message}", file=sys.stderr)
    sys.exit(1)


def csrf(page_html):
    found = re.search(r'name="csrf_token" value="([^"]*)"', page_html)
    if not found:
        fail("no CSRF field in a form")
    return html.unescape(found.group(1))


def sign_in(base, address, password):
    session = requests.Session()
    token = csrf(session.get(f"{base}/login", timeout=30).text)
    answer = session.post(
        f"{base}/login",
        data={"email": address, "password": password, "csrf_token": token},
        allow_redirects=False,
        timeout=60,
    )
    if answer.status_code != 303:
        fail(f"sign-in of {address} answered {answer.status_code}")
    return session


def new_token(base, session):
    page = session.get(f"{base}/account/tokens", timeout=30).text
    answer = session.post(
        f"{base}/account/tokens", data={"name": "fuzz", "csrf_token": csrf(page)}, timeout=30
    )
    found = re.search(r'<code class="token">([^<]+)</code>', answer.text)
    if answer.status_code != 200 or not found:
        fail(f"no token created ({answer.status_code})")
    return html.unescape(found.group(1))


def invitation_link(outbox, address, deadline):
    """The accept link of the invitation mailed to `address`, once the outbox worker wrote it."""
    while time.time() < deadline:
        for path in sorted(glob.glob(os.path.join(outbox, "*.eml"))):
            with open(path, "rb") as f:
                message = email.message_from_binary_file(f, policy=email.policy.default)
            if address not in str(message.get("To", "")):
                continue
            part = message.get_body(preferencelist=("plain", "html"))
            found = re.search(r"(/invitations/accept\?token=[A-Za-z0-9_%=-]+)", part.get_content() if part else "")
            if found:
                return found.group(1)
        time.sleep(0.5)
    fail(f"no invitation mailed to {address} in {outbox}")


def main():
    if len(sys.argv) != 4:
        fail("usage: tokens.py BASE_URL DEMO_OUTPUT_FILE OUTBOX_DIR")
    base, demo_output, outbox = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
    passwords = {}
    with open(demo_output, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2 and "@" in parts[-2]:
                passwords[parts[-2]] = parts[-1]
    tokens = {}
    for role, address in ACCOUNTS:
        if address not in passwords:
            fail(f"the demo printed no password for {address}")
        tokens[role] = new_token(base, sign_in(base, address, passwords[address]))

    # The supplier member: invited by the owner (API), the mailed invitation accepted on its page.
    answer = requests.post(
        f"{base}/api/v1/organisation/invitations",
        json={"email": MEMBER_EMAIL},
        headers={"Authorization": f"Bearer {tokens['supplier-owner']}"},
        timeout=30,
    )
    if answer.status_code != 201:
        fail(f"the invitation answered {answer.status_code}: {answer.text}")
    link = invitation_link(outbox, MEMBER_EMAIL, time.time() + 60)
    invitation_token = re.search(r"token=([^&]+)", link).group(1)
    visitor = requests.Session()
    page = visitor.get(f"{base}{link}", timeout=30).text
    answer = visitor.post(
        f"{base}/invitations/accept",
        data={
            "token": requests.utils.unquote(invitation_token),
            "name": "Membre Fuzz",
            "password": MEMBER_PASSWORD,
            "password_confirm": MEMBER_PASSWORD,
            "csrf_token": csrf(page),
        },
        allow_redirects=False,
        timeout=60,
    )
    if answer.status_code >= 400:
        fail(f"accepting the invitation answered {answer.status_code}")
    tokens["supplier-member"] = new_token(base, sign_in(base, MEMBER_EMAIL, MEMBER_PASSWORD))

    for role in ["supplier-member", "supplier-owner", "committee-member", "committee-chair", "agent", "administrator"]:
        print(role, tokens[role])


if __name__ == "__main__":
    main()
