"""Requests per second of `citynet serve` beside the Oxigraph server, on the same query over the
same data, with one client and with eight, in one run (not part of the test suite).

    .venv/bin/python benchmarks/endpoint_overhead.py [--rounds 5] [--seconds 3]

Both servers run at once, on 127.0.0.1, started as ``benchmarks/stacks.py`` starts them: citynet
with its default settings and the shipped graph, ``oxigraph serve-read-only`` on an N-Quads export
of it with ``--union-default-graph``. Each is sent the same text: the stored query
networks-of-place for Rostock, its parameter bound by a VALUES block (as ``citynet query
--endpoint`` sends it), by GET to its SPARQL endpoint, asking for SPARQL JSON results. citynet is
also asked the stored query by name (``/queries/networks-of-place?place=Rostock``). Both are
also sent the text with a numbered comment at its end, new at each request: citynet answers a
query it has seen quickly in its own process (:mod:`citynet.server.inline`), and a new one in a
query worker, so this shows what a query costs the first time.

A client is a process of its own with one keep-alive connection, sending a request as soon as
the answer to the last one is in; eight clients are eight such processes. In each round every
(server, clients) pair runs for ``--seconds`` in turn, the order rotating from round to round;
the figure is the median over the rounds of the requests answered per second (every answer is
checked: status 200 and the same body as the first). Beside it, the processor time the server's
process tree spent per request (user + system, from /proc; for citynet the server and its
query workers): its own work per request, which a machine busy with other work does not change
as much as it changes the rate. Writes benchmarks/RESULTS-endpoint.md, with the load average.
``--before SRC`` also runs the citynet of another checkout's ``src`` folder (an earlier version),
measured in the same rounds.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from stacks import REPO, Stack, available, running, sparql_of
from target_rows import add_summary_option, ratio, target, write_summary

RESULTS = REPO / "benchmarks" / "RESULTS-endpoint.md"
QUERY = ("networks-of-place", (("place", "Rostock"),))
ACCEPT = "application/sparql-results+json"
TARGET = 0.9
#: The endpoints asked a new text each time (see :func:`targets`), and the client's request counter.
NEW_TEXT = ", a new text each time"
COUNTER = "{n}"


def targets(citynet: Stack, oxigraph: Stack | None, earlier: Stack | None = None
            ) -> dict[str, tuple[str, str, Stack]]:
    """Each measured endpoint: the server's base URL, the path with its query string, the server."""
    text = sparql_of(*QUERY)
    same = urlencode({"query": text})
    # The query ends in a comment numbered by the client: a text neither server has seen.
    new = urlencode({"query": text + "\n# request "}) + COUNTER
    found: dict[str, tuple[str, str, Stack]] = {}
    for label, stack in (("citynet", citynet), ("before: citynet", earlier)):
        if stack is not None:
            found[f"{label} /sparql"] = (stack.base_url, "/sparql?" + same, stack)
            found[f"{label} /queries/networks-of-place"] = (
                stack.base_url, "/queries/networks-of-place?place=Rostock", stack)
            found[f"{label} /sparql{NEW_TEXT}"] = (stack.base_url, "/sparql?" + new, stack)
    if oxigraph is not None:
        found["oxigraph /query"] = (oxigraph.base_url, "/query?" + same, oxigraph)
        found[f"oxigraph /query{NEW_TEXT}"] = (oxigraph.base_url, "/query?" + new, oxigraph)
    return found


def client(base_url: str, path: str, seconds: float, start: float, counts: multiprocessing.Queue) -> None:
    """One client: requests on one keep-alive connection from ``start`` for ``seconds``."""
    address = urlsplit(base_url)
    connection = http.client.HTTPConnection(address.hostname or "127.0.0.1", address.port, timeout=30)
    headers = {"Accept": ACCEPT}
    first: bytes | None = None
    answered = bad = 0
    time.sleep(max(0.0, start - time.time()))
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        connection.request("GET", path.replace(COUNTER, f"{os.getpid()}-{answered + bad}"), headers=headers)
        response = connection.getresponse()
        body = response.read()
        if first is None:
            first = body
        if response.status == 200 and body == first:
            answered += 1
        else:
            bad += 1
    connection.close()
    counts.put((answered, bad))


def cpu_seconds(pids: Sequence[int]) -> float:
    """User + system processor time of these processes (those that have ended count nothing)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def requests_per_second(base_url: str, path: str, clients: int, seconds: float,
                        server: Stack) -> tuple[float, int, float]:
    """Answers per second of ``clients`` client processes together, how many answers were wrong,
    and the server's processor seconds per answer."""
    pids = server.process_tree()
    cpu_before = cpu_seconds(pids)
    counts: multiprocessing.Queue = multiprocessing.Queue()
    start = time.time() + 0.3  # all start together, after their processes are up
    processes = [multiprocessing.Process(target=client, args=(base_url, path, seconds, start, counts))
                 for _ in range(clients)]
    for process in processes:
        process.start()
    results = [counts.get(timeout=seconds + 60) for _ in processes]
    for process in processes:
        process.join()
    answered = sum(a for a, _ in results)
    cpu = (cpu_seconds(pids) - cpu_before) / max(1, answered)
    return answered / seconds, sum(b for _, b in results), cpu


def one_answer(base_url: str, path: str) -> tuple[int, bytes]:
    address = urlsplit(base_url)
    connection = http.client.HTTPConnection(address.hostname or "127.0.0.1", address.port, timeout=30)
    connection.request("GET", path, headers={"Accept": ACCEPT})
    response = connection.getresponse()
    return response.status, response.read()


def load_average() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()  # noqa: S607


def measure(rounds: int, seconds: float, client_counts: Sequence[int], before: Path | None) -> tuple[dict, dict]:
    with ExitStack() as stack:
        citynet = stack.enter_context(running("citynet"))
        oxigraph = stack.enter_context(running("oxigraph")) if available("oxigraph") else None
        earlier = (stack.enter_context(running("citynet", env={"PYTHONPATH": str(before.resolve())}))
                   if before is not None else None)
        endpoints = targets(citynet, oxigraph, earlier)
        answers = {name: one_answer(base, path) for name, (base, path, _) in endpoints.items()}
        pairs = [(name, n) for name in endpoints for n in client_counts]
        rates: dict[tuple[str, int], list[float]] = {pair: [] for pair in pairs}
        cpu: dict[tuple[str, int], list[float]] = {pair: [] for pair in pairs}
        wrong = 0
        for round_ in range(rounds):
            shift = round_ % len(pairs)
            for name, n in pairs[shift:] + pairs[:shift]:
                base, path, server = endpoints[name]
                rate, bad, seconds_each = requests_per_second(base, path, n, seconds, server)
                rates[(name, n)].append(rate)
                cpu[(name, n)].append(seconds_each)
                wrong += bad
        return {"rates": rates, "cpu": cpu, "wrong": wrong, "oxigraph": oxigraph is not None}, answers


def report(measured: dict, answers: dict, rounds: int, seconds: float, client_counts: Sequence[int],
           before: str, after: str) -> str:
    rates = measured["rates"]
    lines = [
        "# The endpoint's own overhead",
        "",
        "Written by `benchmarks/endpoint_overhead.py`: `citynet serve` (default settings) and",
        "`oxigraph serve-read-only` (the same graph, `--union-default-graph`) running at once, each sent",
        "the same query text (networks-of-place for Rostock, bound by VALUES) by GET, SPARQL JSON asked",
        "for; also with a numbered comment at the end of the text, new at each request (a new text each",
        "time: citynet answers it in a query worker, where it answers a text it has seen quickly in its own",
        f"process). Clients are processes with one keep-alive connection each. {rounds} rounds of {seconds:g} s",
        "per (endpoint, clients), the order rotating; medians of the requests answered per second.",
        f"Target (issue 16): citynet at one client at least {TARGET}x the Oxigraph server.",
        "",
        f"- load average before: `{before}`",
        f"- load average after: `{after}`",
        f"- {os.cpu_count()} cores; wrong answers (status not 200, or a body unlike the first): {measured['wrong']}",
        "",
        "| endpoint | " + " | ".join(f"{n} client{'s' if n > 1 else ''}, req/s" for n in client_counts) + " |",
        "|---|" + "---:|" * len(client_counts),
    ]
    medians = {pair: statistics.median(values) for pair, values in rates.items()}
    names = list(dict.fromkeys(name for name, _ in rates))
    for name in names:
        lines.append(f"| {name} | " + " | ".join(f"{medians[(name, n)]:.0f}" for n in client_counts) + " |")
    if measured["oxigraph"]:
        lines += ["", "| ratio to the Oxigraph server | " + " | ".join(f"{n} client{'s' if n > 1 else ''}"
                                                                       for n in client_counts) + " |",
                  "|---|" + "---:|" * len(client_counts)]
        for name in names:
            if "citynet" in name:
                peer = "oxigraph /query" + (NEW_TEXT if name.endswith(NEW_TEXT) else "")
                lines.append(f"| {name} | " + " | ".join(
                    f"{medians[(name, n)] / medians[(peer, n)]:.2f}x" for n in client_counts) + " |")
    else:
        lines += ["", "The Oxigraph server is not installed (`pip install oxigraph`): no ratio."]
    cpu = {pair: statistics.median(values) for pair, values in measured["cpu"].items()}
    lines += ["", "The server's processor time per request (its process tree, user + system), median:", "",
              "| endpoint | " + " | ".join(f"{n} client{'s' if n > 1 else ''}" for n in client_counts) + " |",
              "|---|" + "---:|" * len(client_counts)]
    for name in names:
        lines.append(f"| {name} | " + " | ".join(f"{cpu[(name, n)] * 1e6:.0f} µs" for n in client_counts) + " |")
    lines += ["", "Every round, req/s:", ""]
    for (name, n), values in rates.items():
        lines.append(f"- {name}, {n} client{'s' if n > 1 else ''}: " + ", ".join(f"{v:.0f}" for v in values))
    lines += ["", "The answers (status, bytes): " + "; ".join(
        f"{name}: {status}, {len(body)} B" for name, (status, body) in answers.items())]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (at least 3; default 5)")
    parser.add_argument("--seconds", type=float, default=3.0, help="seconds per measurement (default 3)")
    parser.add_argument("--clients", default="1,8", help="client counts, comma-separated (default 1,8)")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--before", type=Path, metavar="SRC",
                        help="also measure the citynet in this src folder (an earlier version)")
    add_summary_option(parser)
    args = parser.parse_args(argv)
    if args.rounds < 3:
        parser.error("--rounds must be at least 3")
    client_counts = [int(n) for n in args.clients.split(",")]
    before = load_average()
    measured, answers = measure(args.rounds, args.seconds, client_counts, args.before)
    text = report(measured, answers, args.rounds, args.seconds, client_counts, before, load_average())
    if args.before is not None:
        text += f"\n\n\"before\" is the citynet of `{args.before}`, served in the same run."
    args.output.write_text(text + "\n", encoding="utf-8")
    write_summary(args.summary, "endpoint", endpoint_targets(measured, client_counts, args.output.name))
    print(text)
    return 0 if measured["wrong"] == 0 else 1


def endpoint_targets(measured: dict, client_counts: Sequence[int], source: str) -> list[dict[str, object]]:
    """Issue 16: the endpoint at one client at least 0.9x the Oxigraph server's requests per
    second on the same query (eight clients shown beside it)."""
    what = "the endpoint at one client at least 0.9× the Oxigraph server's requests/s on the same query"
    if not measured["oxigraph"]:
        return [target(what, "not measured: the Oxigraph server is not installed", None, source)]
    medians = {pair: statistics.median(values) for pair, values in measured["rates"].items()}
    ratios = {n: medians[("citynet /sparql", n)] / medians[("oxigraph /query", n)] for n in client_counts}
    one = ratios.get(1)
    if one is None:
        return [target(what, "not measured: run with one client (--clients 1,8)", None, source)]
    shown, met = ratio(one, TARGET, at_least=True)
    others = "".join(f"; {n} clients {r:.2f}×" for n, r in ratios.items() if n != 1)
    wrong = f"; {measured['wrong']} wrong answers" if measured["wrong"] else ""
    return [target(what, f"{shown} (/sparql{others}){wrong}", met and not measured["wrong"], source)]


if __name__ == "__main__":
    sys.exit(main())
