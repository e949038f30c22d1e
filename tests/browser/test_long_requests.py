"""What the real server answers requests too long for it: a clear 414 / 431 in Chinese and English rather
than a dropped connection (portal/asgi.py), while a long query Django does see still gets its page."""

import socket
from urllib.parse import quote, urlsplit


def _exchange(base_url: str, request: bytes) -> bytes:
    """Send ``request`` whole over one connection and read until the server closes it."""
    address = urlsplit(base_url)
    with socket.create_connection((address.hostname, address.port), timeout=15) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


def test_a_search_address_too_long_for_the_server_is_answered_414_in_both_languages(portal_server):
    query = quote("知识产权保护" * 1700)  # 10,200 characters, 91,800 bytes percent-encoded
    answer = _exchange(
        portal_server.base_url, f"GET /search/?q={query} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
    )
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 414 "), head[:200]
    assert "请求地址或请求头过长" in body.decode()
    assert "too long" in body.decode()


def test_an_oversized_header_is_answered_431(portal_server):
    cookie = "x" * 20_000
    answer = _exchange(
        portal_server.base_url,
        f"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n".encode(),
    )
    assert answer.startswith(b"HTTP/1.1 431 "), answer[:200]


def test_a_long_query_the_server_reads_gets_its_results_page(portal_server):
    query = quote("地理标志" + "保护" * 600)  # 1,204 characters, about 10.8 KB encoded: Django answers
    answer = _exchange(
        portal_server.base_url,
        f"GET /search/?q={query} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode(),
    )
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 "), head[:200]
    assert "搜索".encode() in body


def test_an_address_just_under_the_line_limit_with_ordinary_headers_gets_its_page(portal_server):
    """The request line and headers together pass 16 KB, no single line does: Django answers."""
    query = quote("地理标志" + "保护" * 800)  # 1,604 characters, about 14.4 KB encoded
    cookie = "; ".join(f"pref{i}={'x' * 60}" for i in range(45))  # about 3 KB, as a browser may send
    answer = _exchange(
        portal_server.base_url,
        f"GET /search/?q={query} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n"
        "Connection: close\r\n\r\n".encode(),
    )
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 "), head[:200]
    assert "搜索".encode() in body
