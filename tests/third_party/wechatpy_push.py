#!/usr/bin/env python3
"""wechatpy (unmodified) as the merchant server of the simulator's event pushes.

Usage: wechatpy_push.py SIMULATOR_BINARY

Starts a tiny receiver (http.server on 127.0.0.1, a free port), then `BINARY sandbox --demo`
pushing to it in safe mode: --push-url, the Token from $COUPON_STUDIO_SANDBOX_PUSH_TOKEN, the
EncodingAESKey from --push-aes-key-file, --push-appid. Every push is read with wechatpy's own
code only:

- wechatpy.utils.check_signature for the query's `signature`;
- wechatpy.crypto.WeChatCrypto(token, key, appid).decrypt_message for `msg_signature`, the
  AES envelope and the AppID inside it;
- wechatpy.parse_message for the event (a class of wechatpy.events where wechatpy has one;
  wechatpy 1.8.18 has none for card_sku_remind or card_pay_order, read as its UnknownMessage).

The demo campaign causes a review, three coin orders and a simulated week (views, claims through
the channels' QR codes, shares, uses); then a gift and a delete are driven through the admin
API. One line per check, PASS/FAIL; exit status 1 if any failed.
"""
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import wechatpy
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import check_signature

TOKEN = "tpPushToken2024"
AES_KEY = "tpEncodingAESKey0123456789abcdefghijklmnopq"  # 43 characters, as 公众平台 makes them
APPID = "wxtp0000000000push"

passed, failed = 0, 0
lock = threading.Lock()
received = []  # (query, parsed message), in arrival order
refused = []  # why a push could not be read


def report(ok, name, answer=None):
    global passed, failed
    if ok:
        passed += 1
        print(f"PASS {name}", flush=True)
    else:
        failed += 1
        text = answer if isinstance(answer, str) else json.dumps(answer, ensure_ascii=False, default=str)
        print(f"FAIL {name}: {text[:1500]}", flush=True)


def data(msg):
    """The push's members (wechatpy keeps the parsed XML of every message in _data)."""
    return getattr(msg, "_data", {}) or {}


def event_of(msg):
    return data(msg).get("Event", "")


class Receiver(BaseHTTPRequestHandler):
    crypto = WeChatCrypto(TOKEN, AES_KEY, APPID)

    def do_POST(self):  # noqa: N802 - http.server's name
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            check_signature(TOKEN, query["signature"], query["timestamp"], query["nonce"])
            if query.get("encrypt_type") != "aes":
                raise ValueError(f"not safe mode: {query}")
            xml = self.crypto.decrypt_message(body, query["msg_signature"], query["timestamp"], query["nonce"])
            msg = parse_message(xml)
            with lock:
                received.append((query, msg))
            answer = b"success"
        except Exception as e:  # noqa: BLE001 - every refusal is recorded and reported
            with lock:
                refused.append(f"{type(e).__name__}: {e}")
            answer = b"refused"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):  # quiet
        pass


def admin(base, path, body=None):
    data_ = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data_, method="GET" if body is None else "POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read())
    except urllib.error.HTTPError as e:
        return json.loads(e.read() or b"{}")


def wait_for(what, found, seconds=20):
    deadline = time.time() + seconds
    while time.time() < deadline:
        with lock:
            hit = found()
        if hit:
            return hit
        time.sleep(0.05)
    return None


def messages(event):
    return [m for _, m in received if event_of(m) == event]


def main(binary):
    print(f"# wechatpy {wechatpy.__version__} receiving the pushes of {binary} sandbox --demo", flush=True)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, name="receiver", daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/wechat"
    with tempfile.TemporaryDirectory() as tmp:
        key_file = os.path.join(tmp, "aes-key")
        with open(key_file, "w") as f:
            f.write(AES_KEY + "\n")
        env = dict(os.environ, COUPON_STUDIO_SANDBOX_PUSH_TOKEN=TOKEN)
        sim = subprocess.Popen(
            [binary, "sandbox", "--addr", "127.0.0.1:0", "--demo", "--push-url", url,
             "--push-aes-key-file", key_file, "--push-appid", APPID],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True)
        try:
            run(sim)
        finally:
            sim.kill()
            sim.wait()
            server.shutdown()


def run(sim):
    first = sim.stdout.readline().strip()
    if not first.startswith("listening on "):
        report(False, "simulator started", first)
        return
    base = first[len("listening on "):]
    demo = sim.stdout.readline().strip()
    report(demo.startswith("demo: card "), "sandbox --demo loaded with --push-url", demo)
    card_id = demo.split()[2] if demo.startswith("demo: card ") else ""

    # Every push recorded by the simulator is delivered (answered "success" by this receiver).
    def delivered():
        v = admin(base, "/sandbox/pushes?limit=0")
        c = v.get("counts", {})
        return v if v.get("last_id", 0) > 0 and c.get("pending", 1) == 0 else None
    shown = wait_for("all delivered", delivered)
    report(shown is not None and shown["counts"].get("delivered") == shown["last_id"],
           "every push delivered and answered success", shown)
    report(not refused, "every push verifies (check_signature, WeChatCrypto.decrypt_message)", refused[:5])
    report(shown is not None and len(received) == shown["last_id"], "as many pushes received as sent",
           {"received": len(received), "sent": shown and shown["last_id"]})
    report(all(q.get("openid") == data(m).get("FromUserName") for q, m in received),
           "the query's openid is the push's FromUserName", None)

    def check(name, ok, answer=None):
        report(bool(ok), name, answer)

    passes = messages("card_pass_check")
    check("card_pass_check for the demo card (wechatpy CardPassCheckEvent)",
          any(type(m).__name__ == "CardPassCheckEvent" and m.card_id == card_id for m in passes),
          [data(m) for m in passes])

    orders = {data(m).get("OrderType"): data(m) for m in messages("card_pay_order")}
    check("card_pay_order: the reward, the paid recharge, the stock bought",
          set(orders) >= {"ORDER_TYPE_SYS_ADD", "ORDER_TYPE_WXPAY", "ORDER_TYPE_REDUCE"}, orders)
    reward = orders.get("ORDER_TYPE_SYS_ADD", {})
    check("card_pay_order counts as strings (FreeCoinCount 200)", reward.get("FreeCoinCount") == "200", reward)

    claims = messages("user_get_card")
    channels = {m.outer_id for m in claims if hasattr(m, "outer_id")}
    check("user_get_card (wechatpy UserGetCardEvent) with the channels' OuterId",
          claims and all(type(m).__name__ == "UserGetCardEvent" and m.card_id == card_id and m.code for m in claims)
          and channels <= {"0", "1", "2", "3"} and len(channels & {"1", "2", "3"}) >= 2,
          sorted(channels))
    views = messages("user_view_card")
    check("user_view_card (wechatpy)", views and all(m.card_id == card_id for m in views), len(views))
    uses = messages("user_consume_card")
    check("user_consume_card (wechatpy UserConsumeCardEvent) from the API",
          uses and all(m.consume_source == "FROM_API" and m.code for m in uses), [data(m) for m in uses[:2]])
    check("user_gifting_card for the shares", messages("user_gifting_card"), None)

    # A gift through the admin API: the giver's gifting, then the friend's claim by gift.
    state = admin(base, "/sandbox/state")
    normal = [c for c in state.get("codes", []) if c.get("status") == "NORMAL" and c.get("card_id") == card_id]
    if not normal:
        check("a NORMAL code to give", False, state.get("codes", [])[:3])
        return
    old = normal[0]["code"]
    friend = "oTpFriend000000000000000000000"
    gift = admin(base, "/sandbox/user/gift", {"code": old, "friend_openid": friend})
    check("/sandbox/user/gift", gift.get("ok"), gift)
    got = wait_for("the friend's claim", lambda: [
        m for m in messages("user_get_card") if m.is_given_by_friend == 1 and m.old_code == old])
    check("user_get_card by gift: IsGiveByFriend 1, OldUserCardCode, FriendUserName",
          got and got[0].friend == normal[0]["openid"] and data(got[0]).get("FromUserName") == friend,
          got and data(got[0]))
    # The code may have been shared before (the simulated week): the gift is the last gifting.
    gifting = [m for m in messages("user_gifting_card") if data(m).get("UserCardCode") == old]
    check("user_gifting_card by the giver, before the friend's claim",
          gifting and data(gifting[-1]).get("FriendUserName") == friend
          and data(gifting[-1]).get("IsChatRoom") == "0"
          and received.index(next(r for r in received if r[1] is gifting[-1]))
          < received.index(next(r for r in received if r[1] is got[0])),
          gifting and data(gifting[-1]))
    new = gift.get("code", "")
    admin(base, "/sandbox/code/status", {"code": new, "status": "DELETE"})
    deleted = wait_for("the delete", lambda: [m for m in messages("user_del_card") if m.code == new])
    check("user_del_card (wechatpy UserDeleteCardEvent)", deleted and deleted[0].card_id == card_id,
          deleted and data(deleted[0]))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: wechatpy_push.py SIMULATOR_BINARY")
    try:
        main(sys.argv[1])
    except Exception:  # noqa: BLE001
        report(False, "wechatpy push program crashed", traceback.format_exc())
    print(f"wechatpy push: {passed} passed, {failed} failed", flush=True)
    sys.exit(1 if failed else 0)
