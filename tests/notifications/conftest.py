"""A local HTTP server standing in for the DingTalk and WeCom robots: it records what was posted."""
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

OK = (200, {"errcode": 0, "errmsg": "ok"})


class RobotServer:
    def __init__(self):
        self.posts = []  # (path, query dict, JSON body) in arrival order
        self.replies = []  # (status, JSON body) to answer with, in order; then OK
        self.always = None  # a reply for every request, once `replies` is used up
        self.delay = 0  # seconds to think before answering, like a slow robot
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                parts = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(parts.query))
                server.posts.append((parts.path, query, json.loads(self.rfile.read(length))))
                time.sleep(server.delay)
                status, body = server.replies.pop(0) if server.replies else (server.always or OK)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def payloads(self):
        return [body for _path, _query, body in self.posts]


@pytest.fixture
def robot_server():
    server = RobotServer()
    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()
    thread.join(5)
