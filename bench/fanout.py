"""Websocket fan-out: one alliance-wide lead reaching N connected officers (part of ``make bench``).

Signs N recipient officers in through the real login form, sends a first lead while nobody listens (so the
server is warm, as it is for every lead but the first after a restart), opens their websockets, sends one
lead to the whole alliance through the API, and measures for each client the time from the request leaving
to the push arriving.
"""

import asyncio
import http.cookiejar
import json
import time
import urllib.parse
import urllib.request


def login(base: str, username: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(f"{base}/accounts/login/")
    csrf = next(c.value for c in jar if c.name == "csrftoken")
    data = urllib.parse.urlencode(
        {"username": username, "password": "demo-portal-2026", "csrfmiddlewaretoken": csrf}
    )
    opener.open(
        urllib.request.Request(f"{base}/accounts/login/", data=data.encode(), headers={"Referer": base})
    )
    return "; ".join(f"{c.name}={c.value}" for c in jar)


async def measure(base: str, usernames: list[str], token: str, alliance_id: int) -> dict:
    import websockets

    loop = asyncio.get_running_loop()
    cookies = await loop.run_in_executor(None, lambda: [login(base, name) for name in usernames])
    ws_url = base.replace("http://", "ws://") + "/ws/notifications/"

    def lead_request():
        body = json.dumps(
            {
                "title": "扇出测试：联盟全体通报",
                "summary": "测试一条线索通报到联盟全体成员单位的推送延迟。",
                "ip_type": "trademark",
                "infringement_type": "counterfeit_trademark",
                "channel": "ecommerce",
                "send": {"distribution": "alliance", "alliance_ids": [alliance_id]},
            }
        ).encode()
        return urllib.request.Request(
            f"{base}/api/v1/leads",
            data=body,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )

    arrivals: list[float] = []
    ready = 0
    all_ready = asyncio.Event()
    done = asyncio.Event()

    async def client(cookie):
        nonlocal ready
        async with websockets.connect(ws_url, additional_headers={"Cookie": cookie, "Origin": base}) as ws:
            await ws.send(json.dumps({"type": "hello", "last_id": None}))
            while json.loads(await ws.recv())["type"] != "replayed":
                pass
            ready += 1
            if ready == len(cookies):
                all_ready.set()
            while True:
                message = json.loads(await asyncio.wait_for(ws.recv(), timeout=30))
                if message["type"] == "notification" and message["kind"] == "lead_received":
                    arrivals.append(time.perf_counter())
                    if len(arrivals) == len(cookies):
                        done.set()
                    return

    # One lead first, before anyone listens, so that the measured one meets a warm server (code paths,
    # templates, the search pipeline) as every lead but the first after a restart does.
    await loop.run_in_executor(None, lambda: urllib.request.urlopen(lead_request(), timeout=60).read())
    tasks = [asyncio.create_task(client(c)) for c in cookies]
    await asyncio.wait_for(all_ready.wait(), timeout=60)
    request = lead_request()
    started = time.perf_counter()
    responded = await loop.run_in_executor(
        None, lambda: (urllib.request.urlopen(request, timeout=60).read(), time.perf_counter())[1]
    )
    await asyncio.wait_for(done.wait(), timeout=60)
    await asyncio.gather(*tasks, return_exceptions=True)
    latencies = sorted((t - started) * 1000 for t in arrivals)

    def pct(p):
        return latencies[min(len(latencies) - 1, max(0, round(p / 100 * len(latencies) + 0.5) - 1))]

    return {
        "clients": len(cookies),
        "request_ms": round((responded - started) * 1000, 1),
        "p50_ms": round(pct(50), 1),
        "p95_ms": round(pct(95), 1),
        "p99_ms": round(pct(99), 1),
        "max_ms": round(latencies[-1], 1),
    }
