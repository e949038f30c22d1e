"""Delivery across server processes and through broken connections (DESIGN §6).

Two daphne worker processes share the Redis channel layer. Websocket clients stay on worker 1 while
1,000 leads are sent through worker 2's API by concurrent senders; meanwhile the clients' connections are
killed at random and re-established, each time replaying after the last id it saw. At the end every
client must hold exactly the notifications the database holds for its user — none lost, none foreign.
Needs Redis (``REDIS_URL``); skipped otherwise, failed when ``REQUIRE_REDIS`` is set.
"""

import asyncio
import json
import os
import random
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest

from tests.conftest import require
from tests.live_server import PortalServer, server_database, server_env

LEADS = 1000
SENDERS = 8
RECEIVING_USERS = ["sq_officer", "sq_officer_2", "sq_officer_3", "sq_liaison_2"]

SETUP = """
from alliances.models import Agency
from alliances.services import agency_token_issue
from portal.services import user_create
agency = Agency.objects.get(name="宿迁市市场监督管理局")
for name, role in (("sq_officer_2", "officer"), ("sq_officer_3", "officer"), ("sq_liaison_2", "liaison")):
    user = user_create(username=name, password="demo-portal-2026", full_name=name, role=role, agency=agency)
_token, raw = agency_token_issue(agency=Agency.objects.get(name="徐州市市场监督管理局"), name="burst")
print("TOKEN=" + raw)
print("AGENCY=" + str(agency.pk))
"""


def redis_reachable() -> bool:
    url = os.environ.get("REDIS_URL")
    if not url:
        return False
    import redis

    try:
        return redis.Redis.from_url(url, socket_timeout=2).ping()
    except redis.RedisError:
        return False


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory):
    require("REDIS", redis_reachable(), "REDIS_URL is not set or Redis does not answer")
    tmp_dir = tmp_path_factory.mktemp("two-workers")
    with server_database(tmp_dir) as database_url:
        server = PortalServer(server_env(tmp_dir, database_url), workers=2)
        server.manage("migrate", "--noinput", "-v", "0")
        server.manage("seed_demo", "--quiet-accounts")
        out = server.manage("shell", "-c", SETUP).stdout
        facts = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
        server.start()
        try:
            yield server, facts["TOKEN"], int(facts["AGENCY"])
        finally:
            server.stop()


def session_cookie(base: str, username: str) -> str:
    import http.cookiejar

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
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    assert "sessionid=" in cookie, f"could not sign in as {username}"
    return cookie


def all_notification_ids(base: str, cookie: str) -> set[int]:
    """The database's truth for a user, read page by page through the HTTP feed."""
    ids, after = set(), 0
    while True:
        request = urllib.request.Request(
            f"{base}/notifications/feed?after={after}", headers={"Cookie": cookie}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            data = json.load(response)
        if not data["items"]:
            return ids
        ids |= {item["id"] for item in data["items"]}
        after = data["last_id"]


@dataclass
class Client:
    cookie: str
    received: set[int] = field(default_factory=set)
    received_live: set[int] = field(default_factory=set)  # before the final replay
    last_id: int = 0
    connections: int = 0
    socket: object = None


async def run_client(url: str, origin: str, client: Client, stop: asyncio.Event):
    import websockets

    while not stop.is_set():
        try:
            async with websockets.connect(
                url, additional_headers={"Cookie": client.cookie, "Origin": origin}
            ) as ws:
                client.socket = ws
                client.connections += 1
                await ws.send(json.dumps({"type": "hello", "last_id": client.last_id}))
                # Wait for messages in short steps and look at ``stop`` between them: a client that
                # connected just after the scenario closed the open sockets would otherwise wait on an
                # idle socket for ever (the test hung so, once, in CI).
                while not stop.is_set():
                    try:
                        raw = await asyncio.wait_for(ws.recv(), timeout=0.5)
                    except TimeoutError:
                        continue
                    message = json.loads(raw)
                    if message["type"] == "notification":
                        client.received.add(message["id"])
                        client.received_live.add(message["id"])
                        client.last_id = max(client.last_id, message["id"])
        except (TimeoutError, OSError, websockets.ConnectionClosed):
            pass
        client.socket = None
        await asyncio.sleep(random.uniform(0.05, 0.4))


async def replay_once(url: str, origin: str, client: Client):
    """A final connection: replay after the last id seen, until the server says it replayed all."""
    import websockets

    async with websockets.connect(url, additional_headers={"Cookie": client.cookie, "Origin": origin}) as ws:
        await ws.send(json.dumps({"type": "hello", "last_id": client.last_id}))
        while True:
            message = json.loads(await asyncio.wait_for(ws.recv(), timeout=30))
            if message["type"] == "replayed":
                return
            if message["type"] == "notification":
                client.received.add(message["id"])
                client.last_id = max(client.last_id, message["id"])


def send_leads(base: str, token: str, agency_id: int, count: int) -> list[int]:
    def send(n: int) -> int:
        body = json.dumps(
            {
                "title": f"并发通报线索 {n}",
                "summary": "批量测试",
                "ip_type": "trademark",
                "infringement_type": "counterfeit_trademark",
                "channel": "ecommerce",
                "send": {"distribution": "named", "agency_ids": [agency_id]},
            }
        ).encode()
        request = urllib.request.Request(
            f"{base}/api/v1/leads",
            data=body,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            assert response.status == 201
            return json.load(response)["id"]

    with ThreadPoolExecutor(SENDERS) as pool:
        return list(pool.map(send, range(count)))


@pytest.mark.redis
def test_burst_across_workers_with_broken_connections_loses_nothing(two_workers):
    server, token, agency_id = two_workers
    worker1, worker2 = server.url(0), server.url(1)
    ws_url = worker1.replace("http://", "ws://") + "/ws/notifications/"
    clients = [Client(cookie=session_cookie(worker1, name)) for name in RECEIVING_USERS]

    async def scenario():
        stop = asyncio.Event()
        tasks = [asyncio.create_task(run_client(ws_url, worker1, c, stop)) for c in clients]

        async def chaos():
            while not stop.is_set():
                await asyncio.sleep(random.uniform(0.2, 0.8))
                victim = random.choice(clients)
                if victim.socket is not None:
                    victim.socket.transport.abort()  # the network drops, no close handshake

        chaos_task = asyncio.create_task(chaos())
        await asyncio.sleep(1.0)
        lead_ids = await asyncio.get_running_loop().run_in_executor(
            None, send_leads, worker2, token, agency_id, LEADS
        )
        await asyncio.sleep(1.0)
        stop.set()
        chaos_task.cancel()
        for client in clients:
            if client.socket is not None:
                await client.socket.close()
        await asyncio.gather(*tasks, return_exceptions=True)
        for client in clients:
            await replay_once(ws_url, worker1, client)
        return lead_ids

    lead_ids = asyncio.run(scenario())
    live = [len(c.received_live) for c in clients]
    assert len(set(lead_ids)) == LEADS
    for name, client in zip(RECEIVING_USERS, clients, strict=True):
        truth = all_notification_ids(worker1, client.cookie)
        assert len(truth) >= LEADS, name
        assert client.received == truth, (name, len(truth - client.received), len(client.received - truth))
        assert client.connections > 3, f"{name} was never disconnected: the test did not test reconnection"
    # Most notifications arrived while the burst was running, pushed across processes — not only
    # through the final replay.
    assert min(live) > LEADS // 2, live
