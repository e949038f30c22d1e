#!/usr/bin/env python
"""Search at scale (``make bench BENCH_ARGS="--search-docs 1000000"``, or this module on its own).

1. **Data**: ``--docs`` realistic Chinese documents, generated deterministically (``--seed``) from the
   sentences of ``shared/search-eval/corpus.jsonl`` and ``shared/seeds/`` with varied cities, entity
   names, years and identifiers: policy documents, news, GI products, key brands, high-value patents,
   service agencies, typical cases, and leads visible only to agencies. They go into a database of their
   own: ``var/bench/search-<N>/search.sqlite3``, or, when ``DATABASE_URL`` points at PostgreSQL, the
   database ``ipp_search_bench`` on the same server.
2. **Indexing** through the real pipeline and the configured backend (``search.registry.get_backend``),
   in ``--workers`` processes that each analyse and write their share (SQLite serialises the writes; the
   analysis, which dominates, runs in parallel). Throughput in documents per second; index size from the
   SQLite file (and ``dbstat`` per table) or PostgreSQL's relation sizes.
3. **Queries**: a mix of the kinds people type — terms, several words, pinyin, abbreviations, traditional
   characters, identifiers pasted from a record, natural questions (the development queries of
   ``shared/search-eval`` plus identifiers of generated records) — timed in-process through
   ``backend.search()`` with facets, as the search page asks, and over HTTP (``GET /search/?q=``) against
   a real daphne server with concurrent keep-alive clients (``bench/loadgen.py``).

Results go to ``var/bench/search-<timestamp>.json``; docs/performance.md ("Search") records them.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VAR = ROOT / "var" / "bench"
SHARED = ROOT.parent / "shared"
PG_DATABASE = "ipp_search_bench"

# --- deterministic documents ----------------------------------------------------------------------------

CITIES = {
    "HH": ["徐州", "宿迁", "连云港", "淮安", "商丘", "枣庄", "济宁", "临沂", "菏泽", "宿州", "淮北", "亳州"],
    "CY": ["成都", "重庆", "绵阳", "德阳", "乐山", "宜宾", "泸州", "南充", "达州", "遂宁"],
    "": ["合肥", "晋中", "洛阳", "太原", "郑州", "南京", "苏州", "芜湖", "开封", "大同"],
}
TRADE_NAMES = list("汉风彭城云龙淮海楚韵金鼎华瑞恒达天府蜀源锦江巴渝嘉禾鼎盛宏图明德瑞丰长城")
INDUSTRIES = [
    "重工",
    "机械",
    "食品",
    "酿造",
    "茶业",
    "生物",
    "科技",
    "电子",
    "纺织",
    "新材料",
    "医药",
    "农业",
]
PRODUCTS = ["豆瓣", "大米", "茶叶", "山药", "大蒜", "酥梨", "牛肉", "香醋", "黄酒", "板栗", "花椒", "银杏"]
DEVICES = ["起重机臂架结构", "液压控制系统", "食品发酵装置", "茶叶揉捻机", "新能源电池极片", "纺织染色工艺"]
TOPICS = [
    "知识产权保护", "地理标志保护", "专利导航", "商标品牌建设", "知识产权质押融资", "维权援助",
    "线索通报", "联合执法", "侵权假冒治理", "知识产权运营", "高价值专利培育", "贯标",
]  # fmt: skip
IP_TYPES = ["专利", "商标", "地理标志", "著作权", "商业秘密"]
OFFENCES = ["销售假冒注册商标商品", "专利侵权", "冒用地理标志", "侵犯商业秘密", "网络售假"]
KINDS = [  # (kind, share)
    ("policy_document", 18), ("news", 30), ("gi_product", 5), ("key_brand", 6),
    ("high_value_patent", 10), ("service_agency", 6), ("typical_case", 10), ("lead", 15),
]  # fmt: skip
AGENCIES = 60


def _sentences() -> list[str]:
    texts = []
    corpus = SHARED / "search-eval" / "corpus.jsonl"
    for line in corpus.read_text(encoding="utf-8").splitlines():
        texts.append(json.loads(line)["body"])
    for seed in sorted((SHARED / "seeds").glob("*.txt")):
        texts.append(seed.read_text(encoding="utf-8"))
    out = []
    for text in texts:
        for sentence in re.split(r"(?<=[。；！？])|\n", text):
            sentence = sentence.strip()
            if (
                12 <= len(sentence) <= 220
                and sum("\u4e00" <= c <= "\u9fff" for c in sentence) > len(sentence) / 2
            ):
                out.append(sentence)
    return sorted(set(out))


def _patent_number(rng: random.Random, year: int) -> tuple[str, str]:
    from portal.identifiers import patent_check_digit

    twelve = f"{year}{rng.choice('12')}{rng.randrange(10**7):07d}"
    return f"ZL{twelve[:12]}.{patent_check_digit(twelve)}", twelve


def _credit_code(rng: random.Random) -> str:
    from portal.identifiers import credit_code_check_character

    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    first = "91" + f"{rng.randrange(110000, 660000)}" + "".join(rng.choice(alphabet) for _ in range(9))
    return first + credit_code_check_character(first)


def generate(count: int, *, seed: int = 2026, part: int = 0, parts: int = 1):
    """Yield ``IndexDocument`` number ``i`` for every ``i < count`` with ``i % parts == part``; the same
    ``i`` always gives the same document, whichever process makes it."""
    from search.base import PUBLIC, IndexDocument, agency_key

    sentences = _sentences()
    kinds = [kind for kind, share in KINDS for _ in range(share)]
    cities = [(alliance, city) for alliance, names in CITIES.items() for city in names]
    first_day = date(2015, 1, 1)
    for i in range(part, count, parts):
        rng = random.Random(seed * 1_000_003 + i)
        kind = kinds[i % len(kinds)]
        alliance, city = rng.choice(cities)
        day = first_day + timedelta(days=rng.randrange(4300))
        trade = rng.choice(TRADE_NAMES) + rng.choice(TRADE_NAMES)
        industry = rng.choice(INDUSTRIES)
        company = f"{city}{trade}{industry}有限公司"
        topic = rng.choice(TOPICS)
        ip_type = rng.choice(IP_TYPES)
        body = rng.sample(sentences, rng.randint(2, 4))
        names: tuple[str, ...] = ()
        identifiers: tuple[str, ...] = ()
        access = (PUBLIC,)
        if kind == "policy_document":
            genre = rng.choice(["工作方案", "实施意见", "三年行动计划", "管理办法"])
            title = f"{city}市{day.year}年{topic}{genre}"
        elif kind == "news":
            verb = rng.choice(["召开", "开展", "推进", "发布"])
            title = f"{city}{verb}{topic}{rng.choice(['工作会议', '专项行动', '典型案例', '新举措'])}"
        elif kind == "gi_product":
            title = f"{city}{rng.choice(PRODUCTS)}"
            names = (title,)
            ip_type = "地理标志"
            body.insert(0, f"{title}，产地{city}，地理标志保护产品，列入联盟成员城市互认保护名录。")
        elif kind == "key_brand":
            title = f"{trade}{industry}"
            names = (title,)
            number = f"{rng.randrange(10**7, 10**8)}"
            identifiers = (number,)
            ip_type = "商标"
            body.insert(0, f"“{title}”注册商标，注册人{company}，商标注册号第{number}号，所在城市{city}市。")
        elif kind == "high_value_patent":
            title = f"一种{rng.choice(['高效', '节能', '智能', '大吨位', '低成本'])}{rng.choice(DEVICES)}"
            number, _ = _patent_number(rng, day.year)
            identifiers = (number,)
            ip_type = "专利"
            body.insert(0, f"发明专利《{title}》，专利号{number}，专利权人{company}，已实现产业化。")
        elif kind == "service_agency":
            form = rng.choice(["专利代理事务所(普通合伙)", "知识产权代理有限公司", "商标事务所"])
            title = f"{city}{trade}{form}"
            names = (title,)
            code = _credit_code(rng)
            identifiers = (code,)
            body.insert(
                0, f"{title}，统一社会信用代码{code}，所在城市：{city}市，信用等级：{rng.choice('ABC')}。"
            )
        elif kind == "typical_case":
            title = f"{city}查处{company}{rng.choice(OFFENCES)}案"
            names = (company,)
        else:  # lead: only the agencies it was sent to may find it
            title = f"关于{company}涉嫌{rng.choice(OFFENCES)}的线索"
            names = (company,)
            access = tuple(
                sorted({agency_key(rng.randrange(1, AGENCIES + 1)) for _ in range(rng.randint(1, 3))})
            )
        facets = {"city": (city,), "ip_type": (ip_type,), "year": (str(day.year),)}
        if alliance:
            facets["alliance"] = (alliance,)
        yield IndexDocument(
            key=f"{kind}:{i}",
            kind=kind,
            title=title,
            body="".join(body),
            url=f"/bench/{kind}/{i}/",
            access=access,
            date=day,
            names=names,
            identifiers=identifiers,
            facets=facets,
        )


def queries(count: int, seed: int = 2026) -> list[tuple[str, str]]:
    """``(type, text)`` pairs: the development queries of shared/search-eval and identifiers pasted from
    generated records, in the forms people paste them."""
    out = []
    for line in (SHARED / "search-eval" / "dev" / "queries.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        out.append((item["type"], item["query"]))
    # Eight records spread over the collection, taking the kinds with identifiers in turn (the kind of
    # record i is kinds[i % 100], so a fixed stride would keep landing on the same kind).
    kinds = [k for k, share in KINDS for _ in range(share)]
    wanted = ("high_value_patent", "key_brand", "service_agency")
    for n in range(8):
        start = n * count // 8
        i = next(j for j in range(start, start + len(kinds)) if kinds[j % len(kinds)] == wanted[n % 3])
        if i >= count:
            break
        doc = next(generate(i + 1, seed=seed, part=i, parts=i + 1))
        value = doc.identifiers[0]
        text = {"high_value_patent": value.replace("ZL", "").replace(".", ""), "key_brand": f"注册号{value}"}
        out.append(("identifier", text.get(wanted[n % 3], value)))
    return out


# --- measurements in a Django process ---------------------------------------------------------------------


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def rank(p):
        return ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))] * 1000

    return {
        "p50_ms": round(rank(50), 2),
        "p95_ms": round(rank(95), 2),
        "p99_ms": round(rank(99), 2),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 2),
        "n": len(ordered),
    }


def _django():
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()


def command_index(args) -> None:
    """Child process: index this process's share of the documents; print the count."""
    _django()
    from search.registry import get_backend

    backend = get_backend()
    written = backend.index(generate(args.docs, seed=args.seed, part=args.part, parts=args.parts))
    print(json.dumps({"written": written}))


def command_optimize(args) -> None:
    """Child process: compact the index after the bulk load, as ``search_reindex`` does."""
    _django()
    from search.registry import get_backend

    get_backend().optimize()


def command_measure(args) -> None:
    """Child process: index size, and latency of ``backend.search()`` over the query mix."""
    _django()
    from django.db import connection

    from search import native
    from search.base import PUBLIC, SearchQuery, agency_key
    from search.registry import get_backend

    backend = get_backend()
    mix = queries(args.docs, args.seed)
    officer = frozenset({PUBLIC, agency_key(7), agency_key(12)})
    facets = ("kind", "city", "ip_type", "year")
    for _, text in mix:  # warm the page cache and jieba
        backend.search(SearchQuery(text=text, facets=facets))
    timings: dict[str, list[float]] = {}
    totals = {}
    for round_ in range(args.rounds):
        for qtype, text in mix:
            access = officer if round_ % 2 else frozenset({PUBLIC})
            started = time.perf_counter()
            results = backend.search(SearchQuery(text=text, access=access, facets=facets))
            elapsed = time.perf_counter() - started
            timings.setdefault(qtype, []).append(elapsed)
            timings.setdefault("all", []).append(elapsed)
            totals[text] = results.total
    slowest = sorted(((statistics.fmean(v), k) for k, v in _by_text(mix, timings).items()), reverse=True)[:5]
    out = {
        "search": {k: _percentiles(v) for k, v in timings.items()},
        "slowest": [{"query": q, "mean_ms": round(t * 1000, 1), "total": totals.get(q)} for t, q in slowest],
        "size": _index_size(connection),
        "vendor": connection.vendor,
        # SQLite: which function ranked (search/native.py)
        "ranking": "ipp_bm25()" if native.available(connection) else "bm25()",
    }
    print(json.dumps(out, ensure_ascii=False))


def _by_text(mix, timings):
    """Per-query timings, from the interleaved ``all`` list."""
    per: dict[str, list[float]] = {}
    for n, elapsed in enumerate(timings["all"]):
        per.setdefault(mix[n % len(mix)][1], []).append(elapsed)
    return per


def _index_size(connection) -> dict:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            path = Path(connection.settings_dict["NAME"])
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            tables = {}
            try:
                cursor.execute(
                    "SELECT name, SUM(pgsize) FROM dbstat WHERE name LIKE 'search%' "
                    "GROUP BY name ORDER BY 2 DESC"
                )
                tables = {name: int(size) for name, size in cursor.fetchall()}
            except Exception:  # dbstat is compiled into most builds, not all
                tables = {}
            return {"file_bytes": path.stat().st_size, "tables": tables}
        cursor.execute(
            "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c "
            "WHERE c.relkind = 'r' AND c.relname LIKE 'search_%' ORDER BY 2 DESC"
        )
        tables = {name: int(size) for name, size in cursor.fetchall()}
        cursor.execute("SELECT pg_database_size(current_database())")
        return {"database_bytes": int(cursor.fetchone()[0]), "tables": tables}


def command_explain(args) -> None:
    """Child process: the plans of the statements behind one query (for the performance notes)."""
    _django()
    from django.db import connection

    from search.base import SearchQuery
    from search.registry import get_backend

    with connection.execute_wrapper(_Plans(connection)) as _:
        get_backend().search(SearchQuery(text=args.query, facets=("kind", "city", "ip_type", "year")))


class _Plans:
    def __init__(self, connection):
        self.connection = connection

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        result = execute(sql, params, many, context)
        elapsed = (time.perf_counter() - started) * 1000
        if sql.lstrip().upper().startswith("SELECT") and not many:
            prefix = "EXPLAIN QUERY PLAN " if self.connection.vendor == "sqlite" else "EXPLAIN "
            with self.connection.cursor() as cursor:
                cursor.execute(prefix + sql, params)
                plan = [" | ".join(str(c) for c in row) for row in cursor.fetchall()]
            print(f"-- {elapsed:.1f} ms: {sql[:300]}\n   " + "\n   ".join(plan))
        return result


# --- orchestration (the parent process has no Django) ------------------------------------------------------


def bench_env(docs: int) -> dict:
    folder = VAR / f"search-{docs}"
    folder.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + "x" * 60,
        "PORTAL_VAR_DIR": str(folder),
        "LOG_LEVEL": "WARNING",
    }
    env.pop("ELASTICSEARCH_URL", None)  # the database backend is what this measures
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        parts = urllib.parse.urlsplit(url)
        env["DATABASE_URL"] = urllib.parse.urlunsplit(parts._replace(path="/" + PG_DATABASE))
        _create_pg_database(url)
    else:
        env["DATABASE_URL"] = f"sqlite:///{folder / 'search.sqlite3'}"
    return env


def _create_pg_database(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [PG_DATABASE]).fetchone():
            conn.execute(f'CREATE DATABASE "{PG_DATABASE}"')


def _child(env, *argv, capture=True) -> str:
    result = subprocess.run(
        [sys.executable, str(Path(__file__)), *argv],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=capture,
        text=True,
    )
    return result.stdout if capture else ""


def prepare(args, env) -> dict:
    """Migrate, seed the demo site (the search page needs its pages), then index ``--docs`` documents;
    reused when the marker says this many are already indexed in this database."""
    marker = (
        VAR
        / f"search-{args.docs}"
        / ("prepared-pg.json" if "postgres" in env["DATABASE_URL"] else "prepared.json")
    )
    if marker.exists() and not args.rebuild:
        return json.loads(marker.read_text())
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    subprocess.run(
        [sys.executable, "manage.py", "seed_demo", "--quiet-accounts"], cwd=ROOT, env=env, check=True
    )
    print(f"indexing {args.docs} documents in {args.search_workers} processes …", flush=True)
    started = time.monotonic()
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                str(Path(__file__)),
                "_index",
                "--docs",
                str(args.docs),
                "--seed",
                str(args.seed),
                "--part",
                str(part),
                "--parts",
                str(args.search_workers),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for part in range(args.search_workers)
    ]
    written = 0
    for worker in workers:
        out, _ = worker.communicate()
        if worker.returncode:
            raise SystemExit(f"indexing worker failed ({worker.returncode})")
        written += json.loads(out.strip().splitlines()[-1])["written"]
    seconds = time.monotonic() - started
    print("optimising the index …", flush=True)
    optimised = time.monotonic()
    _child(env, "_optimize", "--docs", str(args.docs))
    facts = {
        "docs": written,
        "index_seconds": round(seconds, 1),
        "docs_per_second": round(written / seconds, 1),
        "optimize_seconds": round(time.monotonic() - optimised, 1),
        "workers": args.search_workers,
        "database": env["DATABASE_URL"].split("://")[0],
    }
    marker.write_text(json.dumps(facts))
    return facts


def http_latency(env, mix, concurrency: int, seconds_per_query: float) -> dict:
    sys.path.insert(0, str(ROOT / "bench"))
    from loadgen import run_load
    from run import free_port

    port = free_port()
    log = open(VAR / "search-server.log", "w")  # noqa: SIM115 — closed with the process
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("daphne")), "-b", "127.0.0.1", "-p", str(port),
         "--access-log", os.devnull, "-v", "0", "portal.asgi:application"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        import urllib.request

        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("server did not start; see var/bench/search-server.log") from None
                time.sleep(0.3)
        try:
            urllib.request.urlopen(
                f"http://127.0.0.1:{port}/search/?q=%E4%B8%93%E5%88%A9", timeout=30
            ).close()
        except OSError as exc:  # the search page is not there (yet): say so instead of timing errors
            return {"concurrency": concurrency, "skipped": f"GET /search/ failed: {exc}"}
        latencies: list[float] = []
        errors = 0
        requests = 0
        elapsed = 0.0
        paths = [f"/search/?q={urllib.parse.quote(text)}" for _, text in mix]
        for path in paths:  # warm-up
            run_load("127.0.0.1", port, path, concurrency=1, duration=0.2)
        medians = []  # one per query: a fast query makes many requests in its second, a slow one few
        for path in paths:
            result = run_load("127.0.0.1", port, path, concurrency=concurrency, duration=seconds_per_query)
            latencies.extend(result.latencies)
            medians.append(statistics.median(result.latencies) if result.latencies else float("inf"))
            errors += result.errors
            requests += result.requests
            elapsed += result.duration
        summary = {"concurrency": concurrency, "rps": round(requests / elapsed, 1), "errors": errors}
        per_query = _percentiles(medians)
        return {
            **summary,
            **_percentiles(latencies),
            "per_query": {"p50_ms": per_query["p50_ms"], "p95_ms": per_query["p95_ms"], "n": len(medians)},
        }
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def run(args) -> dict:
    """The whole search section; returns what is written to JSON."""
    env = bench_env(args.docs)
    facts = prepare(args, env)
    measured = json.loads(
        _child(
            env, "_measure", "--docs", str(args.docs), "--seed", str(args.seed), "--rounds", str(args.rounds)
        )
        .strip()
        .splitlines()[-1]
    )
    mix = queries(args.docs, args.seed)
    http = [http_latency(env, mix, c, args.seconds_per_query) for c in args.http_concurrency]
    return {"facts": facts, **measured, "http": http, "queries": len(mix)}


def render(result: dict) -> str:
    facts, size = result["facts"], result["size"]
    size_mb = (size.get("file_bytes") or size.get("database_bytes")) / 1024 / 1024
    lines = [
        f"search: {facts['docs']} documents on {result['vendor']}, "
        f"indexed at {facts['docs_per_second']} docs/s "
        f"({facts['workers']} processes, {facts['index_seconds']} s), optimised in "
        f"{facts.get('optimize_seconds', '?')} s; database {size_mb:.0f} MiB"
        + (f"; ranked by {result['ranking']}" if result.get("vendor") == "sqlite" else ""),
        f"{'backend.search()':<22} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'n':>6}",
    ]
    for name, p in sorted(result["search"].items()):
        lines.append(f"  {name:<20} {p['p50_ms']:>8.1f} {p['p95_ms']:>8.1f} {p['p99_ms']:>8.1f} {p['n']:>6}")
    for h in result["http"]:
        if "skipped" in h:
            lines.append(f"  GET /search/?q= c={h['concurrency']}: {h['skipped']}")
            continue
        lines.append(
            f"  GET /search/?q= c={h['concurrency']:<3} "
            f"{h['p50_ms']:>8.1f} {h['p95_ms']:>8.1f} {h['p99_ms']:>8.1f} "
            f"{h['n']:>6}  {h['rps']} req/s, {h['errors']} errors; "
            f"per query (its median): p50 {h['per_query']['p50_ms']:.1f}, "
            f"p95 {h['per_query']['p95_ms']:.1f}"
        )
    lines.append(
        "slowest: " + "; ".join(f"{s['query']} {s['mean_ms']} ms ({s['total']})" for s in result["slowest"])
    )
    return "\n".join(lines)


def write(result: dict) -> Path:
    sys.path.insert(0, str(ROOT / "bench"))
    from run import machine_description

    VAR.mkdir(parents=True, exist_ok=True)
    out = VAR / f"search-{datetime.now():%Y%m%d-%H%M%S}.json"
    payload = {
        "machine": machine_description(),
        "date": datetime.now().isoformat(timespec="seconds"),
        **result,
    }
    out.write_text(json.dumps(payload, ensure_ascii=False, indent=2))
    return out


def add_arguments(parser: argparse.ArgumentParser, prefix: str = "") -> None:
    parser.add_argument(f"--{prefix}docs", type=int, default=1_000_000, dest="docs")
    parser.add_argument(f"--{prefix}seed", type=int, default=2026, dest="seed")
    parser.add_argument(f"--{prefix}workers", type=int, default=2, dest="search_workers")
    parser.add_argument(
        f"--{prefix}rounds", type=int, default=5, dest="rounds", help="passes over the query mix"
    )
    parser.add_argument(f"--{prefix}http-concurrency", default="1,8", dest="http_concurrency_text")
    parser.add_argument(f"--{prefix}seconds-per-query", type=float, default=1.0, dest="seconds_per_query")


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("_index", "_optimize", "_measure", "_explain"):
        child = argparse.ArgumentParser()
        child.add_argument("--docs", type=int, required=True)
        child.add_argument("--seed", type=int, default=2026)
        child.add_argument("--part", type=int, default=0)
        child.add_argument("--parts", type=int, default=1)
        child.add_argument("--rounds", type=int, default=5)
        child.add_argument("--query", default="")
        args = child.parse_args(argv[1:])
        commands = {
            "_index": command_index,
            "_optimize": command_optimize,
            "_measure": command_measure,
            "_explain": command_explain,
        }
        commands[argv[0]](args)
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_arguments(parser)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--explain", default="", help="print the query plans behind one query and stop")
    args = parser.parse_args(argv)
    finish(args)
    if args.explain:
        print(_child(bench_env(args.docs), "_explain", "--docs", str(args.docs), "--query", args.explain))
        return 0
    result = run(args)
    print(render(result))
    print(f"\nresults written to {write(result).relative_to(ROOT)}")
    return 0


def finish(args) -> None:
    """Normalise parsed options (shared with bench/run.py)."""
    args.http_concurrency = [int(c) for c in args.http_concurrency_text.split(",") if c]


if __name__ == "__main__":
    sys.exit(main())
