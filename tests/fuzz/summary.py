"""Figures of Schemathesis runs, from their NDJSON reports (tests/fuzz/run.sh).

Prints one line: operations tested, requests sent, answers by status class, responses of status 500
or above, and failed checks by name. Usage: summary.py REPORT.ndjson [REPORT.ndjson ...]
"""

import collections
import json
import sys


def main():
    operations = set()
    requests = 0
    classes = collections.Counter()
    failed = collections.Counter()
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8") as f:
            for line in f:
                event = json.loads(line).get("ScenarioFinished")
                if not event:
                    continue
                recorder = event.get("recorder", {})
                interactions = recorder.get("interactions", {})
                if interactions:
                    operations.add(recorder.get("label"))
                for interaction in interactions.values():
                    response = interaction.get("response")
                    if response is None:
                        classes["no answer"] += 1
                        continue
                    requests += 1
                    classes[f"{response['status_code'] // 100}xx"] += 1
                for checks in recorder.get("checks", {}).values():
                    for check in checks:
                        if check.get("status") == "failure":
                            failed[check["name"]] += 1
    by_class = ", ".join(f"{k} {v}" for k, v in sorted(classes.items()))
    failures = ", ".join(f"{k} {v}" for k, v in sorted(failed.items())) or "none"
    print(
        f"{len(operations)} operations, {requests} requests ({by_class}), "
        f"5xx {classes.get('5xx', 0)}, failed checks: {failures}"
    )


if __name__ == "__main__":
    main()
