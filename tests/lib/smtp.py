"""A real SMTP receiver for the tests: Debian's aiosmtpd on a free loopback port.

    rx = Receiver().start()
    server = Server(env=rx.env())            # tandem serve delivers to it
    ...
    msg = rx.wait_for(to="ina@example.org", kind="invitation")
    msg.subject, msg.text, msg.html, msg.links, msg.message_id, msg.email

Each message arrives as a Received: the envelope, the raw bytes and the
parsed email.message.EmailMessage (Python's email package, policy=default,
so encoded headers come back decoded). Rules make the receiver answer
like a real server under trouble, per recipient so tests that share a
receiver do not disturb each other:

    rx.answer("ina@example.org", "451 4.3.0 Try again later", times=2)   # then 250
    rx.answer("bob@example.org", "550 5.1.1 No such user")               # every time

stop() and start() again keep the port, as a mail server restarting
would. Run as a program it serves until killed and writes each message to
--dir as NNNNNN.eml (the browser tests and the benchmark use this):

    python3 tests/lib/smtp.py --port 2525 [--dir DIR] [--quiet]
"""
import argparse
import asyncio
import email
import email.policy
import os
import re
import socket
import threading
import time

from aiosmtpd.controller import Controller


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Received:
    def __init__(self, mail_from, rcpt_tos, data):
        self.mail_from = mail_from
        self.rcpt_tos = rcpt_tos
        self.raw = data
        self.email = email.message_from_bytes(data, policy=email.policy.default)
        self.to = rcpt_tos[0] if rcpt_tos else None
        self.subject = str(self.email["Subject"] or "")
        self.message_id = str(self.email["Message-ID"] or "")
        plain = self.email.get_body(("plain",))
        html = self.email.get_body(("html",))
        self.text = plain.get_content() if plain else ""
        self.html = html.get_content() if html else None
        self.links = re.findall(r"https?://[^\s<>\"]+", self.text)

    def __repr__(self):
        return "<Received %s to %s: %r>" % (self.message_id, self.to, self.subject)


class _Handler:
    def __init__(self, rx):
        self.rx = rx

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self.rx.lock:
            self.rx.sessions += 1  # one per connection: the sender's reuse shows here
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):
        rx = self.rx
        if rx.pause:
            await asyncio.sleep(rx.pause)  # a slow receiver: each message takes this long
        with rx.lock:
            rx.data_commands += 1
            to = [a.lower() for a in envelope.rcpt_tos]
            for addr in to:
                rule = rx.rules.get(addr)
                if rule and rule["times"] != 0:
                    if rule["times"] > 0:
                        rule["times"] -= 1
                    rx.refused.append((addr, rule["reply"]))
                    return rule["reply"]
            got = Received(envelope.mail_from, to, envelope.content)
            rx.messages.append(got)
            if rx.folder:
                path = os.path.join(rx.folder, "%06d.eml" % len(rx.messages))
                with open(path + ".tmp", "wb") as f:
                    f.write(envelope.content)
                os.rename(path + ".tmp", path)
            rx.cond.notify_all()
        return "250 2.0.0 Message accepted for delivery"


class Receiver:
    def __init__(self, port=None, folder=None):
        self.port = port or free_port()
        self.folder = folder
        self.messages = []
        self.refused = []
        self.rules = {}
        self.data_commands = 0
        self.sessions = 0
        self.pause = 0.0  # seconds each message takes to be accepted
        self.lock = threading.Lock()
        self.cond = threading.Condition(self.lock)
        self.controller = None

    @property
    def url(self):
        return "smtp://127.0.0.1:%d?starttls=no" % self.port

    def env(self, sender="tandem@mail.example.org"):
        """The environment that points tandem serve / tandem jobs here."""
        return {"TANDEM_SMTP_URL": self.url, "TANDEM_MAIL_FROM": sender}

    def start(self):
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port,
                                     ready_timeout=10)
        self.controller.start()
        return self

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None

    def answer(self, address, reply, times=-1):
        """Answer DATA for `address` with `reply` `times` times (-1: always)."""
        with self.lock:
            self.rules[address.lower()] = {"reply": reply, "times": times}

    def clear(self, address):
        with self.lock:
            self.rules.pop(address.lower(), None)

    def to(self, address):
        with self.lock:
            return [m for m in self.messages if address.lower() in m.rcpt_tos]

    def wait_for(self, timeout=20, count=1, **match):
        """Waits until `count` messages match (to=, subject=/subject_has=,
        text_has=) and returns the last of them (or the list when
        count > 1). Fails after timeout seconds, listing what came."""
        deadline = time.time() + timeout
        with self.cond:
            while True:
                found = [m for m in self.messages if _matches(m, match)]
                if len(found) >= count:
                    return found[-1] if count == 1 else found[:count]
                left = deadline - time.time()
                if left <= 0:
                    raise AssertionError("no %d message(s) matching %r within %ss; received: %r"
                                         % (count, match, timeout, self.messages[-10:]))
                self.cond.wait(left)

    def wait_count(self, n, timeout=60):
        deadline = time.time() + timeout
        with self.cond:
            while len(self.messages) < n:
                left = deadline - time.time()
                if left <= 0:
                    raise AssertionError("%d of %d messages within %ss" % (len(self.messages), n, timeout))
                self.cond.wait(left)
            return list(self.messages)


def _matches(m, match):
    for k, v in match.items():
        if k == "to" and v.lower() not in m.rcpt_tos:
            return False
        if k == "subject" and m.subject != v:
            return False
        if k == "subject_has" and v not in m.subject:
            return False
        if k == "text_has" and v not in m.text:
            return False
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--dir")
    ap.add_argument("--quiet", action="store_true", help="keep no message in memory (benchmarks)")
    a = ap.parse_args()
    if a.dir:
        os.makedirs(a.dir, exist_ok=True)
    rx = Receiver(port=a.port, folder=a.dir)
    if a.quiet:
        class Quiet(_Handler):
            count = 0

            async def handle_DATA(self, server, session, envelope):
                Quiet.count += 1
                return "250 2.0.0 Message accepted for delivery"
        rx.controller = Controller(Quiet(rx), hostname="127.0.0.1", port=a.port, ready_timeout=10)
        rx.controller.start()
    else:
        rx.start()
    print("listening on %d" % a.port, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        rx.stop()


if __name__ == "__main__":
    main()
