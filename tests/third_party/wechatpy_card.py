#!/usr/bin/env python3
"""wechatpy (unmodified) against the Coupon Studio simulator: every friends'-coupon call.

Usage: wechatpy_card.py http://127.0.0.1:PORT   (or SIM_URL=... wechatpy_card.py)

The simulator is pointed at by configuration only: the API_BASE_URL attributes of the client
and of its `card` / `datacube` API objects. One thing cannot be configured: wechatpy's
WeChatClient.fetch_access_token hard-codes https://api.weixin.qq.com/cgi-bin/token
(wechatpy/client/__init__.py, line 61 in 1.8.18), so SimClient below overrides that one method
to hand the simulator's URL to the library's own _fetch_access_token (parsing, storage and
expiry stay wechatpy's). No library file is changed.

Calls wechatpy does not wrap (code/mark, the card/pay/* coin calls, datacube card statistics,
online consume) go through wechatpy's generic client.get/client.post with a full URL, so its
request building and answer handling are still the ones exercised; their lines say "(generic)".

One line per check: PASS/FAIL, the call, and on FAIL the answer. Exit status 1 if any failed.
"""
import copy
import json
import os
import struct
import sys
import tempfile
import traceback
import urllib.request
import zlib

import wechatpy
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException

BASE = (sys.argv[1] if len(sys.argv) > 1 else os.environ.get("SIM_URL", "")).rstrip("/")
if not BASE:
    sys.exit("usage: wechatpy_card.py http://127.0.0.1:PORT")
HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "..", "fixtures", "down-jacket.json")
APPID, SECRET = os.environ.get("SIM_APPID", "wx_tp_wechatpy"), os.environ.get("SIM_SECRET", "tp-secret")
DAY = 86400
BJ = 8 * 3600  # Beijing is UTC+8

passed, failed = 0, 0


def report(ok, name, answer=None):
    global passed, failed
    if ok:
        passed += 1
        print(f"PASS {name}", flush=True)
    else:
        failed += 1
        text = answer if isinstance(answer, str) else json.dumps(answer, ensure_ascii=False, default=str)
        print(f"FAIL {name}: {text[:1500]}", flush=True)


def check(name, fn, *args, **kwargs):
    """Run fn; it returns (ok, answer[, value]) or raises. Returns the value (or None)."""
    try:
        out = fn(*args, **kwargs)
    except WeChatClientException as e:
        report(False, name, f"WeChatClientException errcode={e.errcode} errmsg={e.errmsg}")
        return None
    except Exception as e:  # noqa: BLE001 - every failure is reported, not raised
        report(False, name, f"{type(e).__name__}: {e} | {traceback.format_exc(limit=3)}")
        return None
    ok, answer = out[0], out[1]
    report(ok, name, answer)
    return out[2] if len(out) > 2 else answer


def admin(path, body=None):
    """The simulator's admin API (not WeChat's): plain HTTP, JSON in and out."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(BASE + path, data=data, method="GET" if body is None else "POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read())
    except urllib.error.HTTPError as e:
        return json.loads(e.read() or b"{}")


class SimClient(WeChatClient):
    """WeChatClient whose token URL is the simulator's (the only hard-coded URL, see above)."""

    def fetch_access_token(self):
        return self._fetch_access_token(
            url=BASE + "/cgi-bin/token",
            params={"grant_type": "client_credential", "appid": self.appid, "secret": self.secret},
        )


def tiny_png(w=16, h=16):
    raw = b"".join(b"\x00" + b"\x1e\x90\xff" * w for _ in range(h))

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def expect_errcode(code, fn, *args, **kwargs):
    """The call must fail with this errcode (wechatpy raises WeChatClientException)."""
    try:
        got = fn(*args, **kwargs)
    except WeChatClientException as e:
        return (e.errcode == code, f"errcode={e.errcode} errmsg={e.errmsg}")
    return (False, {"expected errcode": code, "got": got})


def main():
    print(f"# wechatpy {wechatpy.__version__} against {BASE}", flush=True)
    health = admin("/sandbox/health")
    if not health.get("ok"):
        report(False, "simulator health", health)
        return
    now = health["now"]
    today_bj = (now + BJ) // DAY * DAY - BJ  # Beijing midnight of the simulated today

    client = SimClient(APPID, SECRET, timeout=10)
    # Configuration: every base URL wechatpy exposes, pointed at the simulator.
    client.API_BASE_URL = BASE + "/cgi-bin/"
    client.card.API_BASE_URL = BASE + "/"
    client.datacube.API_BASE_URL = BASE + "/datacube/"

    # --- token -----------------------------------------------------------------------------
    def token():
        r = client.fetch_access_token()
        ok = bool(r.get("access_token")) and r.get("expires_in") == 7200 and client.access_token == r["access_token"]
        return ok, r
    check("cgi-bin/token (fetch_access_token via _fetch_access_token)", token)

    if os.environ.get("SIM_CREDENTIALS_REQUIRED") == "1":  # the simulator runs with --appid/--secret
        def wrong_secret():
            bad = SimClient(APPID, SECRET + "-wrong", timeout=10)
            return expect_errcode(40125, bad.fetch_access_token)
        check("cgi-bin/token wrong secret -> 40125", wrong_secret)

    # --- image upload, colours, stores ------------------------------------------------------
    png = os.path.join(tempfile.mkdtemp(prefix="tp-wechatpy-"), "logo.png")
    with open(png, "wb") as f:
        f.write(tiny_png())

    def upload():
        with open(png, "rb") as f:
            url = client.media.upload_image(f)
        return (isinstance(url, str) and url.startswith("http://mmbiz.qpic.cn/sandbox/"), url, url)
    logo = check("cgi-bin/media/uploadimg (media.upload_image, part 'media')", upload)

    def colors():
        c = client.card.get_colors()
        names = {x.get("name"): x.get("value") for x in c}
        return (len(c) == 14 and names.get("Color010") == "#63b359", c)
    check("card/getcolors (card.get_colors)", colors)

    def pois():
        r = client.poi.list(0, 50)
        ids = [int(b["base_info"]["poi_id"]) for b in r.get("business_list", [])]
        return (r.get("errcode", 0) == 0 and len(ids) >= 2, r, ids)
    poi_ids = check("cgi-bin/poi/getpoilist (poi.list)", pois) or [272981040, 400183234]

    # --- create ---------------------------------------------------------------------------
    with open(FIXTURE, encoding="utf-8") as f:
        body = json.load(f)
    cash = body["card"]["cash"]
    base = cash["base_info"]
    if logo:
        base["logo_url"] = logo
        cash["advanced_info"]["abstract"]["icon_url_list"] = [logo]
        for ti in cash["advanced_info"]["text_image_list"]:
            ti["image_url"] = logo
    base["location_id_list"] = poi_ids[:2]
    begin = today_bj + DAY  # tomorrow (Beijing), 30 days, so the run never depends on the date
    base["date_info"] = {"type": "DATE_TYPE_FIX_TIME_RANGE", "begin_timestamp": begin,
                         "end_timestamp": begin + 30 * DAY}

    def create():
        cid = client.card.create(body)
        return (isinstance(cid, str) and len(cid) == 28, cid, cid)
    card_id = check("card/create (card.create, down-jacket.json)", create)
    if not card_id:
        return

    def bad_create():
        b = copy.deepcopy(body)
        del b["card"]["cash"]["base_info"]["brand_name"]
        return expect_errcode(47001, client.card.create, b)
    check("card/create without brand_name -> 47001", bad_create)

    # --- get, batchget -------------------------------------------------------------------
    def get():
        c = client.card.get(card_id)
        bi = c["cash"]["base_info"]
        ok = (c.get("card_type") == "CASH" and bi.get("id") == card_id
              and bi.get("brand_name") == base["brand_name"] and bi.get("notice") == base["notice"]
              and c["cash"].get("reduce_cost") == cash["reduce_cost"]
              and bi.get("status") == "CARD_STATUS_NOT_VERIFY"
              and bi.get("date_info", {}).get("begin_timestamp") == begin)
        return ok, c
    check("card/get (card.get: brand_name, notice, reduce_cost, status NOT_VERIFY)", get)

    def batchget():
        r = client.card.batch_get(0, 50)
        return (r.get("errcode") == 0 and card_id in r.get("card_id_list", []) and r.get("total_num", 0) >= 1, r)
    check("card/batchget (card.batch_get)", batchget)

    def batchget_filtered():
        r = client.card.batch_get(0, 50, ["CARD_STATUS_VERIFY_OK"])
        return (r.get("errcode") == 0 and card_id not in r.get("card_id_list", []), r)
    check("card/batchget status_list VERIFY_OK excludes the card in review", batchget_filtered)

    def get_unknown():
        return expect_errcode(40053, client.card.get, "pUnknownUnknownUnknownUnknow")
    check("card/get unknown card_id -> 40053", get_unknown)

    # --- update ---------------------------------------------------------------------------
    new_desc = "每单限用一张\n不可与其他优惠同享\n节假日通用"

    def update():
        r = client.card.update({"card_id": card_id, "cash": {"base_info": {
            "description": new_desc, "service_phone": "020-66666666"}}})
        return (r.get("errcode") == 0 and r.get("send_check") is True, r)
    check("card/update (card.update: description -> send_check true)", update)

    def update_readback():
        bi = client.card.get(card_id)["cash"]["base_info"]
        return (bi.get("description") == new_desc and bi.get("service_phone") == "020-66666666", bi)
    check("card/get after update shows the new description", update_readback)

    def update_forbidden():
        return expect_errcode(47001, client.card.update,
                              {"card_id": card_id, "cash": {"base_info": {"brand_name": "别的牌子"}}})
    check("card/update brand_name (not updatable) -> 47001", update_forbidden)

    # --- whitelist, review (admin), qrcode ---------------------------------------------------
    holder = "o_tp_wechatpy_holder"

    def whitelist():
        r = client.card.set_test_whitelist(openids=[holder], usernames=[])
        return (r.get("errcode") == 0, r)
    check("card/testwhitelist/set (card.set_test_whitelist)", whitelist)

    def whitelist_empty():
        return expect_errcode(40053, client.card.set_test_whitelist, [], [])
    check("card/testwhitelist/set empty -> 40053", whitelist_empty)

    def ticket():
        r = client.jsapi.get_ticket("wx_card")
        t = client.jsapi.get_jsapi_card_ticket()
        return (r.get("errcode") == 0 and r.get("expires_in") == 7200 and t == r["ticket"], r)
    check("cgi-bin/ticket/getticket type=wx_card (jsapi.get_ticket, get_jsapi_card_ticket)", ticket)

    def price_in_review():
        return expect_errcode(41316, client.post, BASE + "/card/pay/getpayprice",
                              data={"card_id": card_id, "quantity": 10})
    check("card/pay/getpayprice in review -> 41316 (generic)", price_in_review)

    r = admin("/sandbox/card/review", {"card_id": card_id, "approve": True})
    report(r.get("ok") is True, "admin /sandbox/card/review approve", r)

    def approved():
        st = client.card.get(card_id)["cash"]["base_info"].get("status")
        return (st == "CARD_STATUS_VERIFY_OK", st)
    check("card/get status VERIFY_OK after approval", approved)

    # --- coins and stock (wechatpy has no card/pay/* calls: generic client.get/post) -----------
    def activate():
        r = client.get(BASE + "/card/pay/activate")
        return (r.get("errcode") == 0 and float(r.get("reward")) == 200, r)
    check("card/pay/activate (generic)", activate)

    def coins():
        r = client.get(BASE + "/card/pay/getcoinsinfo")
        return (r.get("errcode") == 0 and float(r["free_coin"]) == 200 and float(r["total_coin"]) == 200, r)
    check("card/pay/getcoinsinfo (generic)", coins)

    def price():
        r = client.post(BASE + "/card/pay/getpayprice", data={"card_id": card_id, "quantity": 10})
        return (r.get("errcode") == 0 and bool(r.get("order_id")) and float(r["price"]) > 0, r, r)
    quote = check("card/pay/getpayprice quantity 10 (generic)", price)

    def confirm():
        r = client.post(BASE + "/card/pay/confirm",
                        data={"card_id": card_id, "order_id": quote["order_id"], "quantity": 10})
        sku = client.card.get(card_id)["cash"]["base_info"].get("sku", {})
        return (r.get("errcode") == 0 and sku.get("quantity") == 10, {"confirm": r, "sku": sku})
    if quote:
        check("card/pay/confirm -> stock 10 in card/get sku (generic)", confirm)

        def confirm_again():
            return expect_errcode(41312, client.post, BASE + "/card/pay/confirm",
                                  data={"card_id": card_id, "order_id": quote["order_id"], "quantity": 10})
        check("card/pay/confirm same quote again -> 41312 (generic)", confirm_again)

    def recharge():
        r = client.post(BASE + "/card/pay/recharge", data={"coin_count": 100})
        ok = (r.get("errcode") == 0 and r.get("qrcode_url", "").startswith("weixin://wxpay/bizpayurl?pr=")
              and bool(r.get("qrcode_buffer")) and bool(r.get("order_id")))
        return ok, r, r
    rc = check("card/pay/recharge 100 (generic)", recharge)
    if rc:
        r = admin("/sandbox/recharge/pay", {"order_id": rc["order_id"]})
        report(r.get("ok") is True, "admin /sandbox/recharge/pay", r)

        def getorder():
            r = client.post(BASE + "/card/pay/getorder", data={"order_id": rc["order_id"]})
            oi = r.get("order_info", {})
            return (r.get("errcode") == 0 and oi.get("status") == "ORDER_STATUS_FINANCE_SUCC"
                    and oi.get("order_type") == "ORDER_TYPE_WXPAY" and float(oi.get("pay_coin_count")) == 100, r)
        check("card/pay/getorder (generic)", getorder)

    def orderlist():
        r = client.post(BASE + "/card/pay/getorderlist", data={"offset": 0, "count": 50})
        types = sorted({o.get("order_type") for o in r.get("order_list", [])})
        return (r.get("errcode") == 0 and {"ORDER_TYPE_SYS_ADD", "ORDER_TYPE_REDUCE", "ORDER_TYPE_WXPAY"} <= set(types), r)
    check("card/pay/getorderlist (generic)", orderlist)

    # --- placement ------------------------------------------------------------------------
    def qrcode():
        t = client.card.create_qrcode({"action_name": "QR_CARD", "expire_seconds": 1800,
                                       "action_info": {"card": {"card_id": card_id, "outer_id": 7}}})
        return (isinstance(t, str) and len(t) > 10, t, t)
    qr_ticket = check("card/qrcode/create QR_CARD 1800 s (card.create_qrcode)", qrcode)

    def qrcode_permanent():
        t = client.card.create_qrcode({"action_name": "QR_CARD", "action_info": {"card": {"card_id": card_id}}})
        return (isinstance(t, str) and len(t) > 10, t)
    check("card/qrcode/create permanent (card.create_qrcode)", qrcode_permanent)

    def qrcode_bad():
        return expect_errcode(40053, client.card.create_qrcode,
                              {"action_name": "QR_CARD", "action_info": {"card": {"card_id": "pUnknownUnknownUnknownUnknow"}}})
    check("card/qrcode/create unknown card -> 40053", qrcode_bad)

    scan = admin("/sandbox/user/scan", {"ticket": qr_ticket, "openid": holder}) if qr_ticket else {}
    report(bool(scan.get("code")), "admin /sandbox/user/scan (holder gets a code)", scan)
    scan2 = admin("/sandbox/user/scan", {"ticket": qr_ticket, "openid": "o_tp_wechatpy_online"}) if qr_ticket else {}
    report(bool(scan2.get("code")), "admin /sandbox/user/scan (second user)", scan2)
    code = scan.get("code")
    if not code:
        return

    # --- into the validity: the clock jumps 2 days, so every issued token has expired ----------
    adv = admin("/sandbox/clock/advance", {"seconds": 2 * DAY})
    report(adv.get("ok") is True and adv.get("now", 0) > begin, "admin /sandbox/clock/advance 2 days (inside the validity)", adv)
    calls_before = admin("/sandbox/calls").get("counts", {}).get("/cgi-bin/token", 0)

    def code_get():
        r = client.card.get_code(code, card_id)
        ok = (r.get("errcode") == 0 and r.get("card", {}).get("card_id") == card_id and r.get("openid") == holder
              and r.get("can_consume") is True and r.get("user_card_status") == "NORMAL")
        return ok, r
    check("card/code/get (card.get_code) after token expiry", code_get)

    def retried():
        after = admin("/sandbox/calls").get("counts", {}).get("/cgi-bin/token", 0)
        return (after == calls_before + 1, {"token calls before": calls_before, "after": after})
    check("wechatpy auto_retry: 42001 -> one new cgi-bin/token -> retried", retried)

    def code_get_unknown():
        return expect_errcode(40056, client.card.get_code, "000000000000", card_id)
    check("card/code/get unknown code -> 40056", code_get_unknown)

    def decrypt():
        c = client.card.decrypt_code(scan["encrypt_code"])
        return (c == code, c)
    check("card/code/decrypt (card.decrypt_code)", decrypt)

    def decrypt_bad():
        return expect_errcode(40075, client.card.decrypt_code, "bm90LW91cnM=")
    check("card/code/decrypt foreign -> 40075", decrypt_bad)

    def mark():
        r = client.post(BASE + "/card/code/mark", data={"code": code, "card_id": card_id, "openid": holder, "is_mark": True})
        return (r.get("errcode") == 0, r)
    check("card/code/mark (generic)", mark)

    def mark_other():
        return expect_errcode(40146, client.post, BASE + "/card/code/mark",
                              data={"code": code, "card_id": card_id, "openid": "o_someone_else", "is_mark": True})
    check("card/code/mark by another openid -> 40146 (generic)", mark_other)

    def unmark():
        r = client.post(BASE + "/card/code/mark", data={"code": code, "card_id": card_id, "openid": holder, "is_mark": False})
        return (r.get("errcode") == 0, r)
    check("card/code/mark is_mark false (generic)", unmark)

    def consume():
        r = client.card.consume_code(code, card_id)
        return (r.get("errcode") == 0 and r.get("openid") == holder and r.get("card", {}).get("card_id") == card_id, r)
    check("card/code/consume offline (card.consume_code)", consume)

    def consume_again():
        return expect_errcode(40099, client.card.consume_code, code, card_id)
    check("card/code/consume again -> 40099", consume_again)

    def code_get_consumed():
        return expect_errcode(40127, client.card.get_code, code, card_id)
    check("card/code/get consumed, check_consume true -> 40127", code_get_consumed)

    def code_get_nocheck():
        r = client.card.get_code(code, card_id, check_consume=False)
        return (r.get("errcode") == 0 and r.get("can_consume") is False and r.get("user_card_status") == "CONSUMED", r)
    check("card/code/get consumed, check_consume false (card.get_code)", code_get_nocheck)

    code2, online = scan2.get("code"), "o_tp_wechatpy_online"
    if code2:
        def online_unmarked():
            return expect_errcode(40003, client.post, BASE + "/card/code/consume", data={"code": code2, "openid": online})
        check("card/code/consume online without mark -> 40003 (generic)", online_unmarked)

        def consume_online():
            m = client.post(BASE + "/card/code/mark", data={"code": code2, "card_id": card_id, "openid": online, "is_mark": True})
            r = client.post(BASE + "/card/code/consume", data={"code": code2, "openid": online})
            return (m.get("errcode") == 0 and r.get("errcode") == 0 and r.get("openid") == online, {"mark": m, "consume": r})
        check("card/code/mark + consume online with openid (generic)", consume_online)

    # --- statistics: simulated activity on past days, then datacube ---------------------------
    adv = admin("/sandbox/clock/advance", {"seconds": 2 * DAY})
    report(adv.get("ok") is True, "admin /sandbox/clock/advance 2 more days", adv)
    sim = admin("/sandbox/activity/simulate", {"seed": 7, "days": 3, "card_id": card_id})
    report(sim.get("ok") is True, "admin /sandbox/activity/simulate 3 days", sim)
    now2 = admin("/sandbox/clock").get("now", now)
    import datetime
    end_day = datetime.datetime.utcfromtimestamp(now2 + BJ).date() - datetime.timedelta(days=1)
    begin_day = end_day - datetime.timedelta(days=2)
    dates = {"begin_date": begin_day.isoformat(), "end_date": end_day.isoformat(), "cond_source": 1}

    def biz():
        r = client.post(BASE + "/datacube/getcardbizuininfo", data=dates)
        rows = r.get("list") if isinstance(r, dict) else None
        ok = isinstance(rows, list) and len(rows) >= 1 and sum(x.get("receive_cnt", 0) for x in rows) > 0
        return ok, r
    check("datacube/getcardbizuininfo (generic; wechatpy has no card statistics)", biz)

    def cardinfo():
        r = client.post(BASE + "/datacube/getcardcardinfo", data=dict(dates, card_id=card_id))
        rows = r.get("list") if isinstance(r, dict) else None
        ok = isinstance(rows, list) and len(rows) >= 1 and all(x.get("card_id") == card_id for x in rows)
        return ok, r
    check("datacube/getcardcardinfo card_id (generic)", cardinfo)

    def datacube_bad_date():
        today = datetime.datetime.utcfromtimestamp(now2 + BJ).date().isoformat()
        return expect_errcode(61500, client.post, BASE + "/datacube/getcardbizuininfo",
                              data={"begin_date": today.replace("-", "/"), "end_date": today, "cond_source": 0})
    check("datacube/getcardbizuininfo bad date format -> 61500", datacube_bad_date)

    # --- faults: how wechatpy copes with a forced expiry and an HTTP 500 -----------------------
    admin("/sandbox/faults", {"faults": [{"kind": "token_expired"}], "path": "/card/getcolors"})

    def fault_token():
        c = client.card.get_colors()
        return (len(c) == 14, c)
    check("fault token_expired on card/getcolors: wechatpy refreshes and retries", fault_token)

    admin("/sandbox/faults", {"faults": [{"kind": "http500"}], "path": "/card/getcolors"})

    def fault_500():
        try:
            client.card.get_colors()
        except WeChatClientException as e:
            return (e.errcode is None and e.response is not None and e.response.status_code == 500, str(e))
        return (False, "no exception on HTTP 500")
    check("fault http500 on card/getcolors: WeChatClientException", fault_500)


if __name__ == "__main__":
    try:
        main()
    except Exception:  # noqa: BLE001
        report(False, "wechatpy program crashed", traceback.format_exc())
    print(f"wechatpy: {passed} passed, {failed} failed", flush=True)
    sys.exit(1 if failed else 0)
