"""A small closed-loop HTTP/1.1 load generator: N keep-alive connections, each sending one request
after the previous answer, for a fixed duration. Records every latency.

Written for the benchmark rather than using wrk so that ``make bench`` needs nothing beyond Python and
reports p95 (wrk prints p50/p75/p90/p99 only). It parses just enough HTTP to find where each response
ends (Content-Length or chunked) and treats anything but 200 as an error.
"""

import asyncio
import time
from dataclasses import dataclass, field


@dataclass
class LoadResult:
    path: str
    concurrency: int
    duration: float
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def rps(self) -> float:
        return self.requests / self.duration if self.duration else 0.0

    def percentile(self, p: float) -> float:
        """Latency percentile in milliseconds (nearest-rank)."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
        return ordered[rank] * 1000


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    if headers.get("connection", "").lower() == "close":
        raise ConnectionResetError("server closed the connection")
    return status


async def _client(host, port, request: bytes, stop_at: float, result: LoadResult) -> None:
    reader = writer = None
    while time.perf_counter() < stop_at:
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            started = time.perf_counter()
            writer.write(request)
            status = await _read_response(reader)
            elapsed = time.perf_counter() - started
            result.statuses[status] = result.statuses.get(status, 0) + 1
            if status == 200:
                result.latencies.append(elapsed)
            else:
                result.errors += 1
        except (OSError, asyncio.IncompleteReadError, ValueError):
            result.errors += 1
            if writer is not None:
                writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


async def _run(host, port, path, concurrency, duration, headers) -> LoadResult:
    extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
    request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: keep-alive\r\n{extra}\r\n".encode()
    result = LoadResult(path=path, concurrency=concurrency, duration=duration)
    stop_at = time.perf_counter() + duration
    await asyncio.gather(*[_client(host, port, request, stop_at, result) for _ in range(concurrency)])
    return result


def run_load(
    host: str, port: int, path: str, *, concurrency: int, duration: float, headers=None
) -> LoadResult:
    """Drive ``path`` with ``concurrency`` connections for ``duration`` seconds."""
    return asyncio.run(_run(host, port, path, concurrency, duration, headers))
