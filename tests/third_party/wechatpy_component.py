#!/usr/bin/env python3
"""wechatpy (unmodified) as an open platform's server (第三方平台), against the simulator.

Usage: wechatpy_component.py SIMULATOR_BINARY

Starts a tiny receiver (http.server on 127.0.0.1, a free port) for the platform's two URLs,
then `BINARY sandbox --component-appid …` playing the platform: the AppSecret and the
EncodingAESKey from files, the Token from $COUPON_STUDIO_SANDBOX_COMPONENT_TOKEN, the
authorization event URL `/auth` and the message URL `/msg/$APPID$`. Everything is done with
wechatpy's own code:

- wechatpy.component.WeChatComponent.parse_message reads the verify tickets and the
  authorization events at `/auth` (it caches the ticket, and on `authorized` calls
  api_query_auth itself, caching the merchant's tokens);
- WeChatComponent fetch_access_token, get_pre_auth_url (api_create_preauthcode and the
  componentloginpage link, which the simulator's admin call "scans"), get_authorizer_info,
  get_authorizer_list, refresh_authorizer_token;
- WeChatComponentClient (get_client_by_appid) creates a card for the merchant with its
  authorizer token;
- wechatpy.crypto.WeChatCrypto with the platform's keys and wechatpy.parse_message read the
  merchant's card events at `/msg/APPID`.

The simulator is pointed at by configuration only: the API_BASE_URL attributes. One line per
check, PASS/FAIL; exit status 1 if any failed.
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
from wechatpy.component import WeChatComponent
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import WeChatClientException

COMPONENT_APPID = "wxtpcomponent00001"
SECRET = "tpComponentSecret2024"
TOKEN = "tpComponentToken2024"
AES_KEY = "tpComponentKey0123456789abcdefghijklmnopqrs"  # 43 characters
MERCHANT = "wxtpmerchant000001"
HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "..", "fixtures", "down-jacket.json")

passed, failed = 0, 0
lock = threading.Lock()
platform_events = []  # wechatpy component messages from /auth
card_events = []  # (path, wechatpy message) from /msg/APPID
visits = []  # GET paths: the browser sent to the redirect URI
refused = []
component = WeChatComponent(COMPONENT_APPID, SECRET, TOKEN, AES_KEY)


def report(ok, name, answer=None):
    global passed, failed
    if ok:
        passed += 1
        print(f"PASS {name}", flush=True)
    else:
        failed += 1
        text = answer if isinstance(answer, str) else json.dumps(answer, ensure_ascii=False, default=str)
        print(f"FAIL {name}: {text[:1500]}", flush=True)


class Receiver(BaseHTTPRequestHandler):
    crypto = WeChatCrypto(TOKEN, AES_KEY, COMPONENT_APPID)

    def do_POST(self):  # noqa: N802 - http.server's name
        split = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(split.query))
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            if split.path == "/auth":
                msg = component.parse_message(body, q["msg_signature"], q["timestamp"], q["nonce"])
                with lock:
                    platform_events.append(msg)
            else:
                xml = self.crypto.decrypt_message(body, q["msg_signature"], q["timestamp"], q["nonce"])
                with lock:
                    card_events.append((split.path, parse_message(xml)))
            answer = b"success"
        except Exception as e:  # noqa: BLE001 - every refusal is recorded and reported
            with lock:
                refused.append(f"{split.path}: {type(e).__name__}: {e}")
            answer = b"refused"
        self.send_response(200)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def do_GET(self):  # noqa: N802
        with lock:
            visits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):  # quiet
        pass


def admin(base, path, body=None, merchant=None):
    headers = {"Content-Type": "application/json"}
    if merchant:
        headers["X-Sandbox-Merchant"] = merchant
    req = urllib.request.Request(base + path, data=None if body is None else json.dumps(body).encode(),
                                 method="GET" if body is None else "POST", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read())
    except urllib.error.HTTPError as e:
        return json.loads(e.read() or b"{}")


def wait_for(found, seconds=20):
    deadline = time.time() + seconds
    while time.time() < deadline:
        with lock:
            hit = found()
        if hit:
            return hit
        time.sleep(0.05)
    return None


def main(binary):
    print(f"# wechatpy {wechatpy.__version__} as the platform's server of {binary} sandbox", flush=True)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, name="receiver", daemon=True).start()
    here = f"http://127.0.0.1:{server.server_address[1]}"
    with tempfile.TemporaryDirectory() as tmp:
        files = {}
        for name, value in (("secret", SECRET), ("aes-key", AES_KEY)):
            files[name] = os.path.join(tmp, name)
            with open(files[name], "w") as f:
                f.write(value + "\n")
        env = dict(os.environ, COUPON_STUDIO_SANDBOX_COMPONENT_TOKEN=TOKEN)
        sim = subprocess.Popen(
            [binary, "sandbox", "--addr", "127.0.0.1:0", "--component-appid", COMPONENT_APPID,
             "--component-secret-file", files["secret"], "--component-aes-key-file", files["aes-key"],
             "--component-auth-url", here + "/auth", "--component-message-url", here + "/msg/$APPID$"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True)
        try:
            run(sim, here)
        finally:
            sim.kill()
            sim.wait()
            server.shutdown()


def run(sim, here):
    first = sim.stdout.readline().strip()
    if not first.startswith("listening on "):
        report(False, "simulator started", first)
        return
    base = first[len("listening on "):]
    # Configuration only: the base URL of the component API.
    component.API_BASE_URL = base + "/cgi-bin"

    ticket = wait_for(lambda: component.session.get("component_verify_ticket"))
    report(ticket and ticket.startswith("ticket@@@"),
           "component_verify_ticket read by WeChatComponent.parse_message (cached in its session)", refused)

    token = component.fetch_access_token()
    report(token.get("component_access_token") and token.get("expires_in") == 7200,
           "api_component_token (fetch_access_token, with the pushed ticket)", token)

    link = component.get_pre_auth_url(here + "/callback?state=tp")
    report(link.startswith("https://mp.weixin.qq.com/cgi-bin/componentloginpage?component_appid="),
           "api_create_preauthcode and the componentloginpage link (get_pre_auth_url)", link)
    scanned = admin(base, "/sandbox/platform/authorize", {"url": link, "appid": MERCHANT, "name": "第三方测试店"})
    report(scanned.get("ok") and scanned.get("redirect_status") == 200,
           "the merchant's admin scans the link (/sandbox/platform/authorize), the browser follows the redirect",
           scanned)
    report(any(v.startswith("/callback?state=tp&auth_code=") for v in visits), "redirect_uri?auth_code=…", visits)

    authorized = wait_for(lambda: [m for m in platform_events if m.type == "authorized"])
    msg = authorized[0] if authorized else None
    report(msg is not None and msg.authorizer_appid == MERCHANT
           and msg.authorization_code == scanned.get("auth_code"),
           "authorized (ComponentAuthorizedMessage) with the scan's code", msg and msg._data)
    info = (getattr(msg, "query_auth_result", None) or {}).get("authorization_info", {})
    report(info.get("authorizer_appid") == MERCHANT and info.get("authorizer_access_token")
           and info.get("authorizer_refresh_token"),
           "api_query_auth, called by parse_message itself", info)

    who = component.get_authorizer_info(MERCHANT)
    report(who.get("authorizer_info", {}).get("nick_name") == "第三方测试店"
           and who["authorizer_info"].get("user_name", "").startswith("gh_"),
           "api_get_authorizer_info", who)
    listed = component.get_authorizer_list()
    report(listed.get("total_count") == 1 and listed["list"][0]["authorizer_appid"] == MERCHANT,
           "api_get_authorizer_list", listed)
    renewed = component.refresh_authorizer_token(MERCHANT, info.get("authorizer_refresh_token"))
    report(renewed.get("authorizer_access_token") and renewed.get("expires_in") == 7200,
           "api_authorizer_token", renewed)

    # The merchant's client, on its cached authorizer token: a card created for it.
    client = component.get_client_by_appid(MERCHANT)
    client.API_BASE_URL = base + "/cgi-bin/"
    client.card.API_BASE_URL = base + "/"
    with open(FIXTURE) as f:
        card = json.load(f)  # card.create posts what it is given: {"card": {...}}
    now = admin(base, "/sandbox/health")["now"]
    dates = card["card"]["cash"]["base_info"]["date_info"]
    dates.update(begin_timestamp=now + 86400, end_timestamp=now + 20 * 86400)
    try:
        card_id = client.card.create(card)
    except WeChatClientException as e:
        card_id = f"errcode={e.errcode} errmsg={e.errmsg}"
    report(isinstance(card_id, str) and card_id.startswith("pSbx"),
           "card/create through WeChatComponentClient (the authorizer token)", card_id)
    reviewed = admin(base, "/sandbox/card/review", {"card_id": card_id, "approve": True}, merchant=MERCHANT)
    report(reviewed.get("ok"), "/sandbox/card/review for the merchant (X-Sandbox-Merchant)", reviewed)
    passes = wait_for(lambda: [(p, m) for p, m in card_events if getattr(m, "event", "") == "card_pass_check"])
    report(passes and passes[0][0] == f"/msg/{MERCHANT}" and passes[0][1].card_id == card_id
           and type(passes[0][1]).__name__ == "CardPassCheckEvent",
           "card_pass_check at the message URL, read with the platform's keys (CardPassCheckEvent)",
           [(p, m._data) for p, m in passes or []])

    revoked = admin(base, "/sandbox/platform/revoke", {"appid": MERCHANT})
    gone = wait_for(lambda: [m for m in platform_events if m.type == "unauthorized"])
    report(revoked.get("ok") and gone and gone[0].authorizer_appid == MERCHANT,
           "unauthorized (ComponentUnauthorizedMessage)", gone and gone[0]._data)
    try:
        client.card.batch_get()
        report(False, "a revoked merchant's token is refused", "accepted")
    except WeChatClientException as e:
        report(e.errcode in (40001, 61003), "a revoked merchant's token is refused (and cannot be refreshed)",
               f"errcode={e.errcode}")
    report(not refused, "every push verifies and decrypts with wechatpy", refused[:5])


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: wechatpy_component.py SIMULATOR_BINARY")
    try:
        main(sys.argv[1])
    except Exception:  # noqa: BLE001
        report(False, "wechatpy component program crashed", traceback.format_exc())
    print(f"wechatpy component: {passed} passed, {failed} failed", flush=True)
    sys.exit(1 if failed else 0)
