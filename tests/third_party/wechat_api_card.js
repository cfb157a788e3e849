#!/usr/bin/env node
// wechat-api 1.35.1 (npm, unmodified) against the Coupon Studio simulator: its card calls.
//
// Usage: NODE_PATH=/path/to/node_modules node wechat_api_card.js http://127.0.0.1:PORT
//
// Pointed at the simulator by configuration only: the `endpoint` member of the API object
// (every card, datacube, token, ticket, poi and media URL is built as this.endpoint + path;
// lib/api_common.js line 79) and `fileServerPrefix` (uploadLogo's base, line 81). setEndpoint()
// cannot be used: it forces "https://" + domain (line 102), and the simulator is plain HTTP.
//
// Calls wechat-api does not wrap (code/mark, online consume, the card/pay/* coin calls) are
// added with the library's own extension point API.patch(name, url) (lib/api_common.js), which
// builds them on its preRequest/wrapper machinery; their lines say "(API.patch)".
//
// One line per check: PASS/FAIL, the call, and on FAIL the answer. Exit status 1 if any failed.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const http = require('http');
const zlib = require('zlib');
const crypto = require('crypto');
const API = require('wechat-api');

const BASE = (process.argv[2] || process.env.SIM_URL || '').replace(/\/+$/, '');
if (!BASE) {
  console.error('usage: wechat_api_card.js http://127.0.0.1:PORT');
  process.exit(2);
}
const FIXTURE = path.join(__dirname, '..', 'fixtures', 'down-jacket.json');
const APPID = process.env.SIM_APPID || 'wx_tp_wechat_api';
const SECRET = process.env.SIM_SECRET || 'tp-secret';
const DAY = 86400;
const BJ = 8 * 3600;

let passed = 0;
let failed = 0;

function report(ok, name, answer) {
  if (ok) {
    passed++;
    console.log('PASS ' + name);
  } else {
    failed++;
    let text = typeof answer === 'string' ? answer : JSON.stringify(answer);
    console.log('FAIL ' + name + ': ' + String(text).slice(0, 1500));
  }
}

// Calls a wechat-api method and resolves {err, data} (never rejects).
function call(method, ...args) {
  return new Promise((resolve) => {
    try {
      method.call(api, ...args, (err, data) => resolve({ err, data }));
    } catch (e) {
      resolve({ err: e, data: null });
    }
  });
}

function errText(r) {
  if (r.err) return 'err ' + r.err.name + ' code=' + r.err.code + ' message=' + r.err.message + ' data=' + JSON.stringify(r.data);
  return JSON.stringify(r.data);
}

// ok(data) decides; on error the check fails with the error.
async function check(name, method, args, ok) {
  const r = await call(method, ...args);
  if (r.err) {
    report(false, name, errText(r));
    return null;
  }
  let good = false;
  try {
    good = ok(r.data);
  } catch (e) {
    good = false;
  }
  report(good, name, r.data);
  return good ? r.data : null;
}

// The call must fail with this errcode (wechat-api's wrapper: err.code = errcode).
async function expectErr(name, code, method, args) {
  const r = await call(method, ...args);
  report(r.err && r.err.code === code, name, errText(r));
}

function admin(p, body) {
  return new Promise((resolve) => {
    const data = body === undefined ? null : Buffer.from(JSON.stringify(body));
    const req = http.request(BASE + p, {
      method: data ? 'POST' : 'GET',
      headers: data ? { 'Content-Type': 'application/json', 'Content-Length': data.length } : {},
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        try { resolve(JSON.parse(Buffer.concat(chunks).toString())); } catch (e) { resolve({ raw: Buffer.concat(chunks).toString() }); }
      });
    });
    req.on('error', (e) => resolve({ error: String(e) }));
    if (data) req.write(data);
    req.end();
  });
}

function tinyPng(w, h) {
  const crcTable = [];
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crcTable[n] = c >>> 0;
  }
  const crc = (buf) => { let c = 0xffffffff; for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const c = Buffer.alloc(4); c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2;
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(w * 3, 0x7f)]);
  const raw = Buffer.concat(Array(h).fill(row));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

// The calls wechat-api lacks, through its own extension point.
const PATCHED = {
  markCode: '/card/code/mark',
  consumeCodeOnline: '/card/code/consume',
  getCodeInfo: '/card/code/get',
  payActivate: '/card/pay/activate',
  payGetCoinsInfo: '/card/pay/getcoinsinfo',
  payGetPayPrice: '/card/pay/getpayprice',
  payConfirm: '/card/pay/confirm',
  payRecharge: '/card/pay/recharge',
  payGetOrder: '/card/pay/getorder',
  payGetOrderList: '/card/pay/getorderlist',
};
for (const [name, p] of Object.entries(PATCHED)) API.patch(name, BASE + p);

const api = new API(APPID, SECRET);
api.endpoint = BASE; // configuration: the library's endpoint member
api.fileServerPrefix = BASE + '/cgi-bin/'; // uploadLogo's base

async function main() {
  const version = require('wechat-api/package.json').version;
  console.log('# wechat-api ' + version + ' against ' + BASE);
  const health = await admin('/sandbox/health');
  if (!health.ok) { report(false, 'simulator health', health); return; }
  const now = health.now;
  const todayBj = Math.floor((now + BJ) / DAY) * DAY - BJ;

  // --- token ---
  const tok = await call(api.getAccessToken);
  report(!tok.err && tok.data && /^\S{16,}$/.test(tok.data.accessToken) && tok.data.expireTime > Date.now() + 7000 * 1000,
    'cgi-bin/token (getAccessToken)', errText(tok));
  if (process.env.SIM_CREDENTIALS_REQUIRED === '1') { // the simulator runs with --appid/--secret
    const bad = new API(APPID, SECRET + '-wrong');
    bad.endpoint = BASE;
    const r = await new Promise((resolve) => bad.getAccessToken((err, data) => resolve({ err, data })));
    report(r.err && r.err.code === 40125, 'cgi-bin/token wrong secret -> 40125', errText(r));
  }

  // --- uploads, colours, stores ---
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tp-wechat-api-'));
  const png = path.join(dir, 'logo.png');
  fs.writeFileSync(png, tinyPng(16, 16));
  const isSandboxUrl = (d) => typeof d.url === 'string' && d.url.startsWith('http://mmbiz.qpic.cn/sandbox/');
  const up1 = await check("cgi-bin/media/uploadimg (uploadLogo, part 'buffer', via fileServerPrefix)", api.uploadLogo, [png], isSandboxUrl);
  const up2 = await check("cgi-bin/media/uploadimg (uploadImage, part 'media')", api.uploadImage, [png], isSandboxUrl);
  const logo = (up1 || up2 || {}).url;

  await check('card/getcolors (getColors)', api.getColors, [], (d) =>
    d.errcode === 0 && d.colors.length === 14 && d.colors.some((c) => c.name === 'Color010' && c.value === '#63b359'));
  const pois = await check('cgi-bin/poi/getpoilist (getPois)', api.getPois, [0, 50], (d) => d.business_list.length >= 2);
  const poiIds = pois ? pois.business_list.map((b) => Number(b.base_info.poi_id)) : [272981040, 400183234];

  // --- create ---
  const body = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
  const cash = body.card.cash;
  const base = cash.base_info;
  if (logo) {
    base.logo_url = logo;
    cash.advanced_info.abstract.icon_url_list = [logo];
    for (const ti of cash.advanced_info.text_image_list) ti.image_url = logo;
  }
  base.location_id_list = poiIds.slice(0, 2);
  const begin = todayBj + DAY;
  base.date_info = { type: 'DATE_TYPE_FIX_TIME_RANGE', begin_timestamp: begin, end_timestamp: begin + 30 * DAY };

  const created = await check('card/create (createCard, down-jacket.json)', api.createCard, [body.card],
    (d) => d.errcode === 0 && typeof d.card_id === 'string' && d.card_id.length === 28);
  if (!created) return;
  const cardId = created.card_id;

  const bad = JSON.parse(JSON.stringify(body.card));
  delete bad.cash.base_info.brand_name;
  await expectErr('card/create without brand_name -> 47001', 47001, api.createCard, [bad]);

  // --- get, batchget ---
  await check('card/get (getCard: brand_name, notice, reduce_cost, status NOT_VERIFY)', api.getCard, [cardId], (d) => {
    const c = d.card; const bi = c.cash.base_info;
    return d.errcode === 0 && c.card_type === 'CASH' && bi.id === cardId && bi.brand_name === base.brand_name &&
      bi.notice === base.notice && c.cash.reduce_cost === cash.reduce_cost && bi.status === 'CARD_STATUS_NOT_VERIFY' &&
      bi.date_info.begin_timestamp === begin;
  });
  await check('card/batchget (getCards)', api.getCards, [0, 50], (d) =>
    d.errcode === 0 && d.card_id_list.includes(cardId) && d.total_num >= 1);
  await check('card/batchget status_list (getCards with status_list)', api.getCards, [0, 50, ['CARD_STATUS_NOT_VERIFY']], (d) =>
    d.errcode === 0 && d.card_id_list.includes(cardId));
  await expectErr('card/get unknown card_id -> 40053', 40053, api.getCard, ['pUnknownUnknownUnknownUnknow']);

  // --- update ---
  const newDesc = '每单限用一张\n不可与其他优惠同享\n工作日通用';
  await check("card/update (updateCard 'CASH': description -> send_check true)", api.updateCard,
    [cardId, 'CASH', { base_info: { description: newDesc } }], (d) => d.errcode === 0 && d.send_check === true);
  await check('card/get after update shows the new description', api.getCard, [cardId], (d) =>
    d.card.cash.base_info.description === newDesc);
  await expectErr('card/update brand_name (not updatable) -> 47001', 47001, api.updateCard,
    [cardId, 'CASH', { base_info: { brand_name: '别的牌子' } }]);

  // --- whitelist, ticket, review ---
  const holder = 'o_tp_wechat_api_holder';
  await check('card/testwhitelist/set (setTestWhitelist)', api.setTestWhitelist, [{ openid: [holder], username: [] }],
    (d) => d.errcode === 0);
  await expectErr('card/testwhitelist/set 11 entries -> 45021', 45021, api.setTestWhitelist,
    [{ openid: Array.from({ length: 11 }, (_, i) => 'o_many_' + i) }]);
  const tk = await check('cgi-bin/ticket/getticket type=wx_card (getTicket)', api.getTicket, ['wx_card'],
    (t) => typeof t.ticket === 'string' && t.ticket.length > 10 && t.expireTime > Date.now());
  if (tk) {
    await check('getCardExt signs with the simulator wx_card ticket (library formula, no nonce_str)', api.getCardExt,
      [{ card_id: cardId, openid: holder }], (ext) => {
        const vals = [tk.ticket, cardId, ext.timestamp, '', holder, ''].sort();
        const sig = crypto.createHash('sha1').update(vals.join('')).digest('hex');
        return ext.signature === sig && ext.openid === holder && !('nonce_str' in ext);
      });
  }

  await expectErr('card/pay/getpayprice in review -> 41316 (API.patch)', 41316, api.payGetPayPrice, [{ card_id: cardId, quantity: 10 }]);
  const rv = await admin('/sandbox/card/review', { card_id: cardId, approve: true });
  report(rv.ok === true, 'admin /sandbox/card/review approve', rv);
  await check('card/get status VERIFY_OK after approval', api.getCard, [cardId], (d) =>
    d.card.cash.base_info.status === 'CARD_STATUS_VERIFY_OK');

  // --- coins and stock (API.patch: POST JSON; the simulator serves activate/getcoinsinfo on POST too) ---
  await check('card/pay/activate (API.patch)', api.payActivate, [{}], (d) => d.errcode === 0 && Number(d.reward) >= 0);
  const coins = await check('card/pay/getcoinsinfo (API.patch)', api.payGetCoinsInfo, [{}], (d) =>
    d.errcode === 0 && Number(d.total_coin) === Number(d.free_coin) + Number(d.pay_coin));
  const quote = await check('card/pay/getpayprice quantity 10 (API.patch)', api.payGetPayPrice, [{ card_id: cardId, quantity: '10' }],
    (d) => d.errcode === 0 && typeof d.order_id === 'string' && Number(d.price) > 0);
  if (quote && coins) {
    await check('card/pay/confirm (API.patch)', api.payConfirm, [{ card_id: cardId, order_id: quote.order_id, quantity: '10' }],
      (d) => d.errcode === 0);
    await check('card/get sku.quantity 10 after confirm', api.getCard, [cardId], (d) => d.card.cash.base_info.sku.quantity === 10);
    await expectErr('card/pay/confirm same quote again -> 41312 (API.patch)', 41312, api.payConfirm,
      [{ card_id: cardId, order_id: quote.order_id, quantity: '10' }]);
    const q2 = await check('card/pay/getpayprice quantity 5 (API.patch)', api.payGetPayPrice, [{ card_id: cardId, quantity: 5 }],
      (d) => d.errcode === 0 && typeof d.order_id === 'string');
    if (q2) {
      await expectErr('card/pay/confirm with another quantity than quoted -> 41313 (API.patch)', 41313, api.payConfirm,
        [{ card_id: cardId, order_id: q2.order_id, quantity: 6 }]);
    }
  }
  const rc = await check('card/pay/recharge 50 (API.patch)', api.payRecharge, [{ coin_count: 50 }], (d) =>
    d.errcode === 0 && d.qrcode_url.startsWith('weixin://wxpay/bizpayurl?pr=') && d.qrcode_buffer.length > 0);
  if (rc) {
    const pay = await admin('/sandbox/recharge/pay', { order_id: rc.order_id });
    report(pay.ok === true, 'admin /sandbox/recharge/pay', pay);
    await check('card/pay/getorder (API.patch)', api.payGetOrder, [{ order_id: rc.order_id }], (d) =>
      d.errcode === 0 && d.order_info.status === 'ORDER_STATUS_FINANCE_SUCC' && Number(d.order_info.pay_coin_count) === 50);
  }
  await check('card/pay/getorderlist order_type WXPAY (API.patch)', api.payGetOrderList,
    [{ offset: 0, count: 10, order_type: 'ORDER_TYPE_WXPAY' }], (d) =>
      d.errcode === 0 && d.order_list.length >= 1 && d.order_list.every((o) => o.order_type === 'ORDER_TYPE_WXPAY'));

  // --- placement ---
  const qr1 = await check('card/qrcode/create (createQRCode: QR_CARD, no expire_seconds)', api.createQRCode,
    [{ card_id: cardId, outer_id: 3 }], (d) => d.errcode === 0 && typeof d.ticket === 'string' && d.url.startsWith('http'));
  const qr2 = await check('card/qrcode/create (createCardQRCode {card}, 1800 s)', api.createCardQRCode,
    [{ card: { card_id: cardId } }, 1800], (d) => d.errcode === 0 && typeof d.ticket === 'string' && d.expire_seconds === 1800);
  await check('card/qrcode/create (createCardQRCode without expire_seconds: sends "expire_seconds":null)', api.createCardQRCode,
    [{ card: { card_id: cardId } }], (d) => d.errcode === 0 && typeof d.ticket === 'string');
  await expectErr('card/qrcode/create expire_seconds 30 -> 40053', 40053, api.createCardQRCode, [{ card: { card_id: cardId } }, 30]);

  const scan = qr1 ? await admin('/sandbox/user/scan', { ticket: qr1.ticket, openid: holder }) : {};
  report(!!scan.code && scan.outer_id === 3, 'admin /sandbox/user/scan (holder, outer_id 3)', scan);
  const online = 'o_tp_wechat_api_online';
  const scan2 = qr2 ? await admin('/sandbox/user/scan', { ticket: qr2.ticket, openid: online }) : {};
  report(!!scan2.code, 'admin /sandbox/user/scan (second user)', scan2);
  if (!scan.code) return;
  const code = scan.code;

  // --- into the validity: every token the simulator issued has expired ---
  const adv = await admin('/sandbox/clock/advance', { seconds: 2 * DAY });
  report(adv.ok === true && adv.now > begin, 'admin /sandbox/clock/advance 2 days (inside the validity)', adv);
  // wechat-api retries only on 40001 (lib/api_common.js line 219); the simulator, as WeChat,
  // answers 42001 for an expired token, so the caller sees it.
  await expectErr('card/code/get with an expired token -> 42001 surfaced (wechat-api retries only 40001)', 42001, api.getCode, [code, cardId]);
  const tok2 = await call(api.getAccessToken);
  report(!tok2.err && tok2.data.accessToken !== tok.data.accessToken, 'cgi-bin/token refresh (getAccessToken)', errText(tok2));

  await check('card/code/get (getCode)', api.getCode, [code, cardId], (d) =>
    d.errcode === 0 && d.card.card_id === cardId && d.openid === holder && d.can_consume === true && d.user_card_status === 'NORMAL');
  await expectErr('card/code/get unknown code -> 40056', 40056, api.getCode, ['000000000000', cardId]);
  await check('card/code/decrypt (decryptCode)', api.decryptCode, [scan.encrypt_code], (d) => d.errcode === 0 && d.code === code);
  await check('card/code/decrypt URL-encoded (decryptCode)', api.decryptCode, [encodeURIComponent(scan.encrypt_code)],
    (d) => d.errcode === 0 && d.code === code);
  await expectErr('card/code/decrypt foreign -> 40075', 40075, api.decryptCode, ['bm90LW91cnM=']);
  await check('card/code/mark (API.patch)', api.markCode, [{ code, card_id: cardId, openid: holder, is_mark: true }], (d) => d.errcode === 0);
  await expectErr('card/code/mark by another openid -> 40146 (API.patch)', 40146, api.markCode,
    [{ code, card_id: cardId, openid: 'o_someone_else', is_mark: true }]);
  await check('card/code/consume offline (consumeCode)', api.consumeCode, [code, cardId], (d) =>
    d.errcode === 0 && d.openid === holder && d.card.card_id === cardId);
  await expectErr('card/code/consume again -> 40099', 40099, api.consumeCode, [code, cardId]);
  await check('card/code/get consumed, check_consume false (API.patch)', api.getCodeInfo,
    [{ code, card_id: cardId, check_consume: false }], (d) => d.errcode === 0 && d.can_consume === false && d.user_card_status === 'CONSUMED');
  if (scan2.code) {
    await expectErr('card/code/consume online without mark -> 40003 (API.patch)', 40003, api.consumeCodeOnline,
      [{ code: scan2.code, openid: online }]);
    await check('card/code/mark second user (API.patch)', api.markCode, [{ code: scan2.code, card_id: cardId, openid: online }], (d) => d.errcode === 0);
    await check('card/code/consume online with openid (API.patch)', api.consumeCodeOnline, [{ code: scan2.code, openid: online }],
      (d) => d.errcode === 0 && d.openid === online);
  }

  // --- statistics ---
  const adv2 = await admin('/sandbox/clock/advance', { seconds: 2 * DAY });
  report(adv2.ok === true, 'admin /sandbox/clock/advance 2 more days', adv2);
  await call(api.getAccessToken); // the jump expired the token again (see above)
  const sim = await admin('/sandbox/activity/simulate', { seed: 11, days: 3, card_id: cardId });
  report(sim.ok === true, 'admin /sandbox/activity/simulate 3 days', sim);
  const clock = await admin('/sandbox/clock');
  const ymd = (t) => new Date(t * 1000).toISOString().slice(0, 10);
  const endDay = ymd(clock.now + BJ - DAY);
  const beginDay = ymd(clock.now + BJ - 3 * DAY);
  await check('datacube/getcardbizuininfo (getTotalCardDataInfo; success has no errcode)', api.getTotalCardDataInfo,
    [beginDay, endDay, 1], (d) => Array.isArray(d.list) && d.list.length >= 1 && d.list.some((x) => x.receive_cnt > 0));
  await check('datacube/getcardcardinfo (getCardDataInfo)', api.getCardDataInfo, [cardId, beginDay, endDay, 1], (d) =>
    Array.isArray(d.list) && d.list.length >= 1 && d.list.every((x) => x.card_id === cardId));
  await expectErr('datacube/getcardbizuininfo 63 days -> 61501', 61501, api.getTotalCardDataInfo,
    [ymd(clock.now + BJ - 63 * DAY), endDay, 0]);

  // --- faults: how wechat-api copes ---
  await admin('/sandbox/faults', { faults: [{ kind: 'errcode', errcode: 40001 }], path: '/card/getcolors' });
  await check('fault errcode 40001 on card/getcolors: wechat-api retries once', api.getColors, [], (d) => d.errcode === 0 && d.colors.length === 14);
  await admin('/sandbox/faults', { faults: [{ kind: 'malformed' }], path: '/card/getcolors' });
  const mal = await call(api.getColors);
  report(!!mal.err, 'fault malformed body on card/getcolors: an error, not a crash', errText(mal));
}

main().catch((e) => report(false, 'wechat-api program crashed', String(e && e.stack || e))).then(() => {
  console.log('wechat-api: ' + passed + ' passed, ' + failed + ' failed');
  process.exit(failed ? 1 : 0);
});
