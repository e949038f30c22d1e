#!/usr/bin/env python
"""``make bench``: load-test the portal on a real ASGI server and compare each page with the framework floor.

Steps: build (or reuse) a benchmark database at the chosen scale, start the server in a subprocess exactly
as production would run it (DEBUG off, page cache on), warm every URL, then for each concurrency level drive
each scenario with closed-loop keep-alive clients and report requests/s and p50/p95/p99 latency. The floor
is ``/healthz`` — a trivial Django view behind the same middleware on the same server in the same run — so
the ratios hold on any machine even when absolute numbers differ. Results are printed and written to
``var/bench/results-<timestamp>.json``; docs/performance.md records them with machine and date.

    .venv/bin/python bench/run.py                      # default scale, SQLite, daphne
    .venv/bin/python bench/run.py --duration 20 --concurrency 8,32
    DATABASE_URL=postgres://… REDIS_URL=redis://… .venv/bin/python bench/run.py --workers 2   # behind nginx
    .venv/bin/python bench/run.py --search-docs 1000000 --only search   # search at a million documents
"""

import argparse
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from loadgen import LoadResult, run_load  # noqa: E402

VAR = ROOT / "var" / "bench"


@dataclass
class Scenario:
    """One URL to drive. ``path`` may contain ``{name}`` fields filled from the data set's facts."""

    name: str
    path: str
    signed_in_as: str | None = None  # a demo username: the scenario runs with that user's session


SCENARIOS = [
    Scenario("floor", "/healthz"),
    Scenario("home", "/"),
    Scenario("alliance", "/alliances/huaihai/"),
    Scenario("policy", "/policies/xuzhou-ip-demonstration-city-plan/"),
    Scenario("news-list", "/news/?page=2"),
]
#: Run when the data set has leads (``--leads``): an officer's inbox and a lead page, signed in.
LEAD_SCENARIOS = [
    Scenario("inbox", "/leads/", signed_in_as="sq_officer"),
    Scenario("lead", "/leads/{lead_id}/", signed_in_as="sq_officer"),
]

RECIPIENTS_SCRIPT = """
import json
from alliances.models import Alliance, Agency
from portal.models import User
alliance = Alliance.objects.get(code="HH")
agencies = Agency.objects.members_of(alliance).exclude(name="徐州市市场监督管理局")
users = User.objects.filter(agency__in=agencies, role="officer", is_active=True).order_by("pk")
print("RECIPIENTS=" + json.dumps(list(users.values_list("username", flat=True))))
print("ALLIANCE=" + str(alliance.pk))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def machine_description() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} cores {model}{memory}, Python {platform.python_version()}, {platform.system()}"


def bench_env(args) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + "x" * 60,
        "PORTAL_VAR_DIR": str(VAR / args.scale_name),
        "LOG_LEVEL": "WARNING",
        "SIGN_IN_LIMIT_PER_ADDRESS": "1000000",  # the fan-out signs 200 officers in from one address
    }
    if not os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = f"sqlite:///{VAR / args.scale_name / 'bench.sqlite3'}"
    return env


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare_data(args, env) -> dict:
    """Migrate, seed the demo site and generate the scale's extra content; reused when already there."""
    (VAR / args.scale_name).mkdir(parents=True, exist_ok=True)
    marker = VAR / args.scale_name / "prepared.json"
    database = env["DATABASE_URL"]
    manage(env, "migrate", "--noinput", "-v", "0")  # the code may be newer than the database
    if marker.exists() and json.loads(marker.read_text()).get("database") == database and not args.rebuild:
        return json.loads(marker.read_text())
    if marker.exists():
        marker.unlink()
    started = time.monotonic()
    manage(env, "seed_demo", "--quiet-accounts")
    manage(env, "bench_data", "--news", str(args.news), "--policies", str(args.policies))
    facts = {
        "database": database,
        "news": args.news,
        "policies": args.policies,
        "leads": 0,
        "seconds": round(time.monotonic() - started, 1),
    }
    marker.write_text(json.dumps(facts))
    return facts


def prepare_leads(args, env, facts) -> dict:
    """Top the lead data up to ``--leads`` (slow the first time: minutes per million)."""
    marker = VAR / args.scale_name / "prepared.json"
    if facts.get("leads", 0) >= args.leads and facts.get("lead_id"):
        return facts
    out = subprocess.run(
        [sys.executable, "manage.py", "bench_leads", "--leads", str(args.leads)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    for line in out.splitlines():
        if "=" in line and not line.startswith(" "):
            key, value = line.strip().split("=", 1)
            facts[key] = int(value) if value.isdigit() else value
    facts["leads"] = args.leads
    marker.write_text(json.dumps(facts))
    return facts


#: nginx in front of several server processes, as docs/operations.md deploys them: one upstream with each
#: process on a port of its own, requests spread round-robin over kept-alive upstream connections,
#: websocket upgrades passed on.
NGINX_CONF = """
worker_processes 1;
pid {run}/nginx.pid;
error_log {run}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {run}/body;
    proxy_temp_path {run}/proxy;
    fastcgi_temp_path {run}/fastcgi;
    uwsgi_temp_path {run}/uwsgi;
    scgi_temp_path {run}/scgi;
    client_max_body_size 25m;
    map $http_upgrade $connection_upgrade {{ default upgrade; "" ""; }}
    upstream portal {{
{servers}
        keepalive 64;
    }}
    server {{
        listen 127.0.0.1:{port};
        keepalive_requests 1000000;  # nginx closes a client connection after 1,000 requests by default
        location / {{
            proxy_pass http://portal;
            proxy_http_version 1.1;
            proxy_set_header Host $http_host;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_read_timeout 3600s;
        }}
    }}
}}
"""


def _wait_until_up(port: int, log_name: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"server did not start; see {log_name}")


def start_server(args, env) -> tuple[list[subprocess.Popen], int]:
    """The server processes and the port the clients use: one daphne, or with ``--workers N`` N daphne
    processes on ports of their own behind nginx (several processes sharing one listening socket do not
    share the work — every keep-alive connection lands in whichever process accepts first)."""
    log = open(VAR / args.scale_name / "server.log", "w")  # noqa: SIM115 — closed with the process
    daphne = str(Path(sys.executable).with_name("daphne"))
    if args.server == "uvicorn":
        port = free_port()
        command = [
            str(Path(sys.executable).with_name("uvicorn")),
            "--host", "127.0.0.1", "--port", str(port), "--workers", str(args.workers),
            "--no-access-log", "--log-level", "warning", "portal.asgi:application",
        ]  # fmt: skip
        processes = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)]
        _wait_until_up(port, log.name)
        return processes, port
    ports = [free_port() for _ in range(args.workers)]
    processes = [
        subprocess.Popen(
            [
                daphne,
                "-b",
                "127.0.0.1",
                "-p",
                str(p),
                "--access-log",
                os.devnull,
                "-v",
                "0",
                "portal.asgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        for p in ports
    ]
    for p in ports:
        _wait_until_up(p, log.name)
    if args.workers == 1:
        return processes, ports[0]
    nginx = shutil.which("nginx") or shutil.which("/usr/sbin/nginx")  # sbin is not on every PATH
    if nginx is None:
        for process in processes:
            process.terminate()
        raise SystemExit(
            "--workers above 1 runs the processes behind nginx: install it (apt-get install nginx-light)"
        )
    run = VAR / args.scale_name / "nginx"
    run.mkdir(parents=True, exist_ok=True)
    port = free_port()
    servers = "\n".join(f"        server 127.0.0.1:{p};" for p in ports)
    conf = run / "nginx.conf"
    conf.write_text(NGINX_CONF.format(run=run, servers=servers, port=port))
    processes.append(
        subprocess.Popen([nginx, "-c", str(conf), "-g", "daemon off;"], stdout=log, stderr=subprocess.STDOUT)
    )
    _wait_until_up(port, str(run / "nginx-error.log"))
    return processes, port


def session_cookie(port: int, username: str) -> str:
    """Sign in through the real login form and return the session cookie header value."""
    import http.cookiejar

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://127.0.0.1:{port}"
    opener.open(f"{base}/accounts/login/")
    csrf = next(c.value for c in jar if c.name == "csrftoken")
    data = urllib.parse.urlencode(
        {"username": username, "password": "demo-portal-2026", "csrfmiddlewaretoken": csrf}
    ).encode()
    request = urllib.request.Request(
        f"{base}/accounts/login/", data=data, headers={"Referer": f"{base}/accounts/login/"}
    )
    opener.open(request)
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=["small", "default", "large"], default="default")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per scenario and concurrency")
    parser.add_argument("--concurrency", default="8,32")
    parser.add_argument("--server", choices=["daphne", "uvicorn"], default="daphne")
    parser.add_argument(
        "--workers", type=int, default=1, help="server processes (more than one needs REDIS_URL)"
    )
    parser.add_argument("--only", default="", help="comma-separated scenario names")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the benchmark database")
    parser.add_argument("--leads", type=int, default=0, help="generate this many leads (e.g. 1000000)")
    parser.add_argument("--fanout", type=int, default=0, help="websocket clients for the fan-out measurement")
    parser.add_argument(
        "--search-docs",
        type=int,
        default=0,
        help="search section at this many documents (bench/search_bench.py)",
    )
    args = parser.parse_args(argv)
    if args.search_docs:
        run_search(args)
        if args.only == "search":
            return 0
    sizes = {"small": (200, 50), "default": (2000, 500), "large": (20000, 5000)}
    args.news, args.policies = sizes[args.scale]
    # Each database keeps its own data set (and marker), so SQLite and PostgreSQL runs can alternate.
    vendor = (os.environ.get("DATABASE_URL") or "sqlite:").split(":", 1)[0]
    args.scale_name = args.scale if vendor.startswith("sqlite") else f"{args.scale}-{vendor}"
    if args.workers > 1 and not os.environ.get("REDIS_URL"):
        parser.error("--workers above 1 needs REDIS_URL: the processes must share cache and channel layer")

    env = bench_env(args)
    facts = prepare_data(args, env)
    if args.leads:
        facts = prepare_leads(args, env, facts)
    processes, port = start_server(args, env)
    candidates = SCENARIOS + (LEAD_SCENARIOS if args.leads else [])
    scenarios = [
        Scenario(s.name, s.path.format(**facts), s.signed_in_as)
        for s in candidates
        if not args.only or s.name in args.only.split(",") or s.name == "floor"
    ]
    results: list[LoadResult] = []
    try:
        cookies = {}
        for scenario in scenarios:
            if scenario.signed_in_as and scenario.signed_in_as not in cookies:
                cookies[scenario.signed_in_as] = session_cookie(port, scenario.signed_in_as)
        for scenario in scenarios:  # warm-up: templates compiled, caches filled
            headers = {"Cookie": cookies[scenario.signed_in_as]} if scenario.signed_in_as else None
            run_load("127.0.0.1", port, scenario.path, concurrency=2, duration=1.0, headers=headers)
        for concurrency in [int(c) for c in args.concurrency.split(",")]:
            for scenario in scenarios:
                headers = {"Cookie": cookies[scenario.signed_in_as]} if scenario.signed_in_as else None
                result = run_load(
                    "127.0.0.1",
                    port,
                    scenario.path,
                    concurrency=concurrency,
                    duration=args.duration,
                    headers=headers,
                )
                result.name = scenario.name
                results.append(result)
        fanout = run_fanout(args, env, port) if args.fanout else None
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)

    report = render(results, args, facts)
    if args.leads:
        report += "\n\nqueries per page (same on any data size):\n" + query_counts(env, facts)
    if fanout:
        report += (
            f"\n\nwebsocket fan-out: one alliance-wide lead to {fanout['clients']} connected officers: "
            f"request {fanout['request_ms']} ms; push arrival after the request started "
            f"p50 {fanout['p50_ms']} ms, p95 {fanout['p95_ms']} ms, p99 {fanout['p99_ms']} ms, "
            f"max {fanout['max_ms']} ms"
        )
    print(report)
    VAR.mkdir(parents=True, exist_ok=True)
    out = VAR / f"results-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(
        json.dumps(
            {
                "machine": machine_description(),
                "date": datetime.now().isoformat(timespec="seconds"),
                "server": args.server,
                "workers": args.workers,
                "database": env["DATABASE_URL"].split("://")[0],
                "facts": facts,
                "fanout": fanout,
                "results": [
                    {
                        "scenario": r.name,
                        "path": r.path,
                        "concurrency": r.concurrency,
                        "rps": round(r.rps, 1),
                        "p50_ms": round(r.percentile(50), 2),
                        "p95_ms": round(r.percentile(95), 2),
                        "p99_ms": round(r.percentile(99), 2),
                        "errors": r.errors,
                    }
                    for r in results
                ],
            },
            ensure_ascii=False,
            indent=2,
        )
    )
    print(f"\nresults written to {out.relative_to(ROOT)}")
    return 0


def run_search(args) -> None:
    """The search section: ``--search-docs`` documents indexed through the real pipeline, query latency
    in-process and over HTTP at the run's concurrency levels; its own JSON file beside the others."""
    import search_bench

    search_args = argparse.Namespace(
        docs=args.search_docs,
        seed=2026,
        search_workers=2,
        rounds=5,
        http_concurrency=[int(c) for c in args.concurrency.split(",")],
        seconds_per_query=1.0,
        rebuild=args.rebuild,
    )
    result = search_bench.run(search_args)
    print(search_bench.render(result))
    print(f"\nsearch results written to {search_bench.write(result).relative_to(ROOT)}\n")


def query_counts(env, facts) -> str:
    out = subprocess.run(
        [sys.executable, "manage.py", "bench_query_counts", "--lead", str(facts["lead_id"])],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return "\n".join("  " + line for line in out.splitlines())


def run_fanout(args, env, port) -> dict:
    """One alliance-wide lead to ``--fanout`` signed-in officers' websockets (bench/fanout.py)."""
    import asyncio

    from fanout import measure

    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", RECIPIENTS_SCRIPT],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    facts = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    recipients = json.loads(facts["RECIPIENTS"])[: args.fanout]
    token = (
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "agency_token",
                "--agency",
                "徐州市市场监督管理局",
                "--name",
                "bench",
                "--days",
                "1",
            ],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    return asyncio.run(measure(f"http://127.0.0.1:{port}", recipients, token, int(facts["ALLIANCE"])))


def render(results: list[LoadResult], args, facts) -> str:
    lines = [
        f"machine: {machine_description()}",
        f"date: {datetime.now():%Y-%m-%d %H:%M}  server: {args.server} x{args.workers}  "
        f"database: {bench_env(args)['DATABASE_URL'].split('://')[0]}  "
        f"data: +{facts['news']} news, +{facts['policies']} policies, {facts.get('leads', 0)} leads "
        f"({facts.get('recipients', 0)} recipient rows, {facts.get('grants', 0)} permission rows)  "
        f"duration: {args.duration:g}s per row",
        "",
        f"{'scenario':<12} {'conc':>4} {'req/s':>9} {'vs floor':>9} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6}",
    ]
    floors = {r.concurrency: r.rps for r in results if r.name == "floor"}
    for r in results:
        ratio = r.rps / floors[r.concurrency] if floors.get(r.concurrency) else float("nan")
        lines.append(
            f"{r.name:<12} {r.concurrency:>4} {r.rps:>9.1f} {ratio:>8.0%} {r.percentile(50):>8.1f} "
            f"{r.percentile(95):>8.1f} {r.percentile(99):>8.1f} {r.errors:>6}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
