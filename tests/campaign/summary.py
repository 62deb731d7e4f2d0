#!/usr/bin/env python3
"""The fault campaign's results as docs/reliability.md's tables: the
totals, the alert blackout per fault kind, and a row per trial.

    python3 tests/campaign/summary.py build/campaign-results.jsonl

Reads the JSON lines campaign.py appends with --results (ops/campaign.sh
writes build/campaign-results.jsonl); prints Markdown. A trial that broke
an invariant is counted and listed with its reason.
"""

import argparse
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import campaign  # noqa: E402  (markdown_row: one format for the campaign's output and the docs)


def fault_kind(during):
    """"broker-down broker-2" -> "broker-down": a blackout_during entry's kind."""
    return during.split(" ", 1)[0]


def totals(results):
    passed = [r for r in results if r["result"] == "pass"]
    lines = ["- %d trials, %d passed, %d failed." % (len(results), len(passed), len(results) - len(passed))]
    if passed:
        calls = sum(r["calls"] for r in passed)
        expected = sum(r["alerts_expected"] for r in passed)
        delivered = sum(r["alerts_delivered"] for r in passed)
        duplicated = sum(r["alerts_duplicated"] for r in passed)
        over_bound = [r["seed"] for r in passed
                      if any(r["duplicates"][c] > r["duplicate_bound"][c] for c in r["duplicates"])]
        journal_expected = sum(r["journal_expected"] for r in passed)
        journal_written = sum(r["journal_written"] for r in passed)
        blackouts = [r["blackout_s"] for r in passed]
        lines.append("- Passing trials: %s emergency calls; %s alerts expected, %s delivered, %s duplicated "
                     "(%s); %s journal entries expected, %s written." % (
                         f"{calls:,}", f"{expected:,}", f"{delivered:,}", f"{duplicated:,}",
                         "each trial within its bound" if not over_bound else
                         "over the bound in seeds " + ", ".join(map(str, over_bound)),
                         f"{journal_expected:,}", f"{journal_written:,}"))
        lines.append("- Blackout: median %.1f s, 90th percentile %.1f s, longest %.1f s (seed %d)." % (
            statistics.median(blackouts), sorted(blackouts)[int(0.9 * (len(blackouts) - 1))], max(blackouts),
            max(passed, key=lambda r: r["blackout_s"])["seed"]))
        skipped = sum(1 for r in passed for f in r["faults"] if f.get("skipped"))
        if skipped:
            lines.append("- Faults skipped (the machine refused them; reason in the trial's log): %d." % skipped)
    for r in results:
        if r["result"] != "pass":
            lines.append("- Seed %d FAILED: %s" % (r["seed"], r.get("reason", "")[:300].replace("\n", " ")))
    return "\n".join(lines) + "\n"


def per_fault(results):
    """Per fault kind: how often it was injected, in how many trials the
    slowest call's wait overlapped it, and the blackout of those trials."""
    passed = [r for r in results if r["result"] == "pass"]
    kinds = sorted({f["fault"] for r in results for f in r["faults"]})
    rows = ["| fault | injected (trials) | in force during the trial's longest wait | blackout of those trials: "
            "median / longest |",
            "|---|---|---|---|"]
    for kind in kinds:
        injected = sum(1 for r in results for f in r["faults"] if f["fault"] == kind)
        trials = sum(1 for r in results if any(f["fault"] == kind for f in r["faults"]))
        hit = [r["blackout_s"] for r in passed if kind in {fault_kind(d) for d in r["blackout_during"]}]
        rows.append("| `%s` | %d (%d) | %d | %s |" % (
            kind, injected, trials, len(hit),
            "%.1f s / %.1f s" % (statistics.median(hit), max(hit)) if hit else "-"))
    none = [r["blackout_s"] for r in passed if not r["blackout_during"]]
    if none:
        rows.append("| no fault in force | | %d | %.1f s / %.1f s |" % (len(none), statistics.median(none), max(none)))
    return "\n".join(rows) + "\n"


def per_trial(results):
    rows = ["| seed | faults (start order, duration) | emergency calls | alerts expected / delivered / duplicated "
            "| journal expected / written | blackout | result |",
            "|---|---|---|---|---|---|---|"]
    for r in results:
        if r["result"] == "pass":
            rows.append(campaign.markdown_row(r))
        else:
            rows.append("| %d | %s | | | | | FAIL |" % (r["seed"], ", ".join(f["fault"] for f in r["faults"])))
    return "\n".join(rows) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("results", help="JSON lines written by campaign.py --results")
    args = ap.parse_args()
    with open(args.results) as f:
        results = [json.loads(line) for line in f if line.strip()]
    if not results:
        ap.error("no results in " + args.results)
    print(totals(results))
    print(per_fault(results))
    print(per_trial(results), end="")


if __name__ == "__main__":
    main()
