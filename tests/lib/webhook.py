"""A real HTTP receiver for chat alerts: what a Slack, Mattermost or Teams
incoming webhook is to Tandem. Records every JSON body posted, answers 200
or a status set per test, and stops and starts again on the same port
(a chat service that was down)."""
import http.server
import json
import socket
import threading
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Hook:
    def __init__(self, port=None):
        self.port = port or free_port()
        self.posts = []          # (path, content type, parsed body)
        self.statuses = []       # answers to give first, then 200
        self.cond = threading.Condition()
        self.httpd = None

    @property
    def url(self):
        return "http://127.0.0.1:%d/hooks/T000/B000" % self.port

    def start(self):
        hook = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(n)
                with hook.cond:
                    status = hook.statuses.pop(0) if hook.statuses else 200
                    hook.posts.append((self.path, self.headers.get("Content-Type"), json.loads(raw), status))
                    hook.cond.notify_all()
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def stop(self):
        if self.httpd:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None

    def texts(self):
        with self.cond:
            return [body["text"] for _, _, body, _ in self.posts]

    def wait_for(self, has, timeout=30, count=1):
        """Waits until `count` posts whose text holds `has` arrived; returns them."""
        deadline = time.time() + timeout
        with self.cond:
            while True:
                found = [p for p in self.posts if has in p[2].get("text", "")]
                if len(found) >= count:
                    return found
                left = deadline - time.time()
                if left <= 0:
                    raise AssertionError("no post with %r within %ss; got %r" % (has, timeout, self.posts))
                self.cond.wait(left)
