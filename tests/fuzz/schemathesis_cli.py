"""Schemathesis' command line, with one guard around a CPython bug (tests/fuzz/run.sh).

On CPython 3.11 (this project's machines have 3.11.7), `ast.parse` can raise
`SystemError: AST constructor recursion depth mismatch` when called deep in a stack (a CPython bug,
fixed in later releases). Hypothesis calls it only to describe a lambda for its reports, and the
error then stops Schemathesis' run of an operation at random. The guard answers such a description
as unknown, which Hypothesis already does when it cannot find a lambda's source; nothing of the
test data or the checks changes.
"""

import sys

import hypothesis.internal.lambda_sources as lambda_sources
from schemathesis.cli import schemathesis

_describe = lambda_sources._lambda_description


def _guarded(f, *args, **kwargs):
    try:
        return _describe(f, *args, **kwargs)
    except SystemError:
        return "lambda: <unknown>"


lambda_sources._lambda_description = _guarded

if __name__ == "__main__":
    sys.argv[0] = "schemathesis"
    sys.exit(schemathesis())
