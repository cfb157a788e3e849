//! Placement posters: the QR in the 300-dpi PNG decodes back to the url, the PDF holds the
//! Chinese text as text with one page per channel, a 200-channel batch through the simulator,
//! cancelling and channel-list errors. (The `poster` command: `cli::poster`.)

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use coupon_studio::api::{ApiClient, QrRequest};
use coupon_studio::card::synth::synthesize;
use coupon_studio::poster::batch::png_file_name;
use coupon_studio::poster::{
    BatchRequest, Channel, ChannelError, ChannelQr, LogoImage, OutputFormats, PdfBuilder, PngStamp,
    PosterContent, PosterError, Progress, Raster, Stage, Template, layout, parse_channel_spec,
    parse_channels_csv, rasterize, render_png, run_batch,
};
use coupon_studio::sandbox::SandboxHandle;
use serde_json::Value;

use crate::support::*;

/// Decodes the QR codes of a raster (at full resolution, or halved when `halve`).
fn decode(r: &Raster, halve: bool) -> Vec<String> {
    let f = if halve { 2 } else { 1 };
    let (w, h) = ((r.width / f) as usize, (r.height / f) as usize);
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| {
        if f == 1 {
            r.luma(x as u32, y as u32)
        } else {
            let (x, y) = (x as u32 * 2, y as u32 * 2);
            let s = u32::from(r.luma(x, y))
                + u32::from(r.luma(x + 1, y))
                + u32::from(r.luma(x, y + 1))
                + u32::from(r.luma(x + 1, y + 1));
            (s / 4) as u8
        }
    });
    img.detect_grids()
        .into_iter()
        .filter_map(|g| g.decode().ok().map(|(_, text)| text))
        .collect()
}

#[tokio::test]
async fn png_qr_decodes_to_the_simulator_url_in_every_template() {
    let (_h, c, id, card) = approved_card().await;
    let q = c
        .create_qrcode(&QrRequest {
            card_id: id,
            outer_id: Some(7),
            ..QrRequest::default()
        })
        .await
        .unwrap();
    let s = synthesize(&card);
    let content = PosterContent::from_card(&card, &s, &q.url).for_channel(&q.url, "朝阳店");
    for t in Template::ALL {
        let l = layout(&content, t).unwrap();
        let start = Instant::now();
        let r = rasterize(&l, 300).unwrap();
        assert_eq!(r.width, (t.width_mm() / 25.4 * 300.0).round() as u32);
        // The module size is a whole number of pixels: every module is one flat colour.
        let qr = l.qr().unwrap();
        let m = qr.module / 25.4 * 300.0;
        assert!((m - m.round()).abs() < 1e-3, "{t}: {m} px per module");
        let decoded = decode(&r, t == Template::A4);
        assert_eq!(decoded, std::slice::from_ref(&q.url), "{t}");
        eprintln!("{t}: rendered and decoded in {:?}", start.elapsed());
    }
}

#[tokio::test]
async fn pdf_holds_the_chinese_text_and_one_page_per_channel() {
    let (_h, _c, _id, card) = approved_card().await;
    let s = synthesize(&card);
    let content = PosterContent::from_card(&card, &s, "http://weixin.qq.com/q/x");
    let mut pdf = PdfBuilder::new("test").unwrap();
    for (i, t) in Template::ALL.iter().enumerate() {
        let c = content.for_channel(&format!("http://weixin.qq.com/q/{i}"), &format!("门店{i}"));
        pdf.add_page(&layout(&c, *t).unwrap()).unwrap();
    }
    assert_eq!(pdf.pages(), 4);
    let bytes = pdf.finish().unwrap();
    let (pages, text) = pdf_text(&bytes);
    assert_eq!(pages, 4);
    for want in [
        "羽绒服满500减50",
        "北风羽绒",
        "微信扫一扫 领取并分享给朋友",
        "消费满500元可用,适用于羽绒服",
        "门店3",
    ] {
        assert!(text.contains(want), "{want} not in {text}");
    }
    // The font is embedded as a subset, not the whole 1.6 MB file.
    assert!(bytes.len() < 400_000, "{} bytes", bytes.len());
}

/// Decodes a PNG with the png crate: RGBA pixels, size and pixels per metre.
fn decode_png(bytes: &[u8]) -> (Vec<u8>, u32, u32, Option<u32>) {
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .unwrap();
    let ppm = reader.info().pixel_dims.map(|d| d.xppu);
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgba);
    buf.truncate(info.buffer_size());
    (buf, info.width, info.height, ppm)
}

/// The batch's fast PNGs (the page rendered once, each channel's QR code and label stamped
/// on) decode with the png crate to exactly the pixels of the straightforward renderer, on
/// every template, with a logo, for channels with labels of different lengths.
#[test]
fn stamped_pngs_are_pixel_identical_to_the_renderer() {
    let body = coupon_studio::card::import::parse_create_body(include_str!(
        "../../fixtures/down-jacket.json"
    ))
    .unwrap();
    let s = synthesize(&body.card);
    let logo = image::RgbaImage::from_fn(120, 80, |x, y| {
        image::Rgba([
            (x * 2) as u8,
            (y * 3) as u8,
            90,
            if x < 10 { 0 } else { 255 },
        ])
    });
    let mut logo_png = Vec::new();
    image::DynamicImage::ImageRgba8(logo)
        .write_to(
            &mut std::io::Cursor::new(&mut logo_png),
            image::ImageFormat::Png,
        )
        .unwrap();
    let logo = std::sync::Arc::new(LogoImage::decode(&logo_png).unwrap());
    let content = PosterContent::from_card(&body.card, &s, "").with_logo(Some(logo));
    let channels = [
        (
            "http://weixin.qq.com/q/BHWya_zlfioH6fX00007",
            "朝阳大悦城店",
        ),
        ("http://weixin.qq.com/q/BHWya_zlfioH6fX00199", "门店199"),
    ];
    for t in Template::ALL {
        let layouts: Vec<_> = channels
            .iter()
            .map(|(url, label)| layout(&content.for_channel(url, label), t).unwrap())
            .collect();
        let stamp = PngStamp::new(&layouts[0], 300)
            .unwrap()
            .unwrap_or_else(|| panic!("{t}: the layout cannot be stamped"));
        for l in &layouts {
            assert!(stamp.fits(l), "{t}");
            let fast = stamp.render(l).unwrap();
            // Written piece by piece (as the batch writes files), the same bytes.
            let mut written = Vec::new();
            let parts = stamp.render_parts(l).unwrap();
            parts.write_to(&mut written).unwrap();
            assert_eq!(written, fast, "{t}");
            assert_eq!(parts.len(), fast.len(), "{t}");
            let (pixels, w, h, ppm) = decode_png(&fast);
            let r = rasterize(l, 300).unwrap();
            assert_eq!((w, h), (r.width, r.height), "{t}");
            assert_eq!(ppm, Some(11_811), "{t}: 300 dpi in pHYs");
            if let Some(i) = pixels.iter().zip(&r.rgba).position(|(a, b)| a != b) {
                let px = i / 4;
                panic!(
                    "{t}: pixel ({}, {}) differs: {:?} vs {:?}",
                    px as u32 % w,
                    px as u32 / w,
                    &pixels[px * 4..px * 4 + 4],
                    &r.rgba[px * 4..px * 4 + 4]
                );
            }
            // The straightforward encoder's file decodes to the same pixels too.
            assert_eq!(decode_png(&render_png(l, 300).unwrap()).0, pixels, "{t}");
        }
        // Another page (no label: the footer moves) does not fit, and says so.
        let unlabelled = layout(&content.for_channel(channels[0].0, ""), t).unwrap();
        assert!(!stamp.fits(&unlabelled), "{t}");
        assert!(stamp.render(&unlabelled).is_err(), "{t}");
    }
}

/// Runs a batch on a plain thread, getting QR codes from the simulator through `rt`.
fn batch_through_simulator(
    channels: &[Channel],
    template: Template,
    formats: OutputFormats,
    dir: &Path,
    cancel_after: Option<usize>,
) -> (
    Result<coupon_studio::poster::BatchReport, PosterError>,
    ApiClient,
    tokio::runtime::Runtime,
    SandboxHandle,
    Vec<Progress>,
) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (h, c, id, card) = rt.block_on(approved_card());
    let s = synthesize(&card);
    let content = PosterContent::from_card(&card, &s, "");
    let cancel = AtomicBool::new(false);
    let seen = Mutex::new(Vec::new());
    let req = BatchRequest {
        content: &content,
        template,
        channels,
        formats,
        out_dir: dir,
        dpi: 300,
    };
    let result = run_batch(
        &req,
        |ch: &Channel| {
            let q = rt
                .block_on(c.create_qrcode(&QrRequest {
                    card_id: id.clone(),
                    outer_id: Some(i64::from(ch.outer_id)),
                    ..QrRequest::default()
                }))
                .map_err(|e| e.to_string())?;
            Ok(ChannelQr {
                url: q.url,
                ticket: q.ticket,
                expire_seconds: q.expire_seconds,
            })
        },
        &|p: Progress| {
            let mut s = seen.lock().unwrap();
            s.push(p);
            if cancel_after.is_some_and(|n| s.len() >= n) {
                cancel.store(true, Ordering::Relaxed);
            }
        },
        &cancel,
    );
    (result, c, rt, h, seen.into_inner().unwrap())
}

/// A batch written into a folder that already holds larger files of the same names (an
/// earlier run) leaves exactly the new files: files are overwritten in place, and the tail of
/// each longer old file is cut off.
#[test]
fn a_batch_over_an_earlier_one_leaves_exactly_the_new_files() {
    let dir = temp_dir("overwrite");
    let channels: Vec<Channel> = (1..=3)
        .map(|outer_id| Channel {
            outer_id,
            label: format!("门店{outer_id}"),
        })
        .collect();
    // Larger files of the same names, as an earlier batch with more text would leave.
    let junk = vec![0xAB_u8; 3 << 20];
    for ch in &channels {
        std::fs::write(dir.join(png_file_name(ch)), &junk).unwrap();
    }
    std::fs::write(dir.join("posters-a5.pdf"), &junk).unwrap();
    let formats = "pdf,png".parse().unwrap();
    let (result, _c, _rt, _h, _) =
        batch_through_simulator(&channels, Template::A5, formats, &dir, None);
    let report = result.unwrap();
    for ((_, code), path) in report.channels.iter().zip(&report.pngs) {
        let bytes = std::fs::read(path).unwrap();
        assert!(bytes.len() < junk.len() / 10, "{} bytes", bytes.len());
        assert!(bytes.ends_with(&[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82]));
        // The png crate checks every chunk's CRC; the QR code holds this channel's url.
        let (pixels, w, h, _) = decode_png(&bytes);
        let mut img =
            rqrr::PreparedImage::prepare_from_greyscale(w as usize, h as usize, |x, y| {
                pixels[(y * w as usize + x) * 4 + 1]
            });
        let grids = img.detect_grids();
        assert_eq!(grids.len(), 1);
        assert_eq!(grids[0].decode().unwrap().1, code.url);
    }
    let pdf = std::fs::read(report.pdf.as_ref().unwrap()).unwrap();
    assert!(pdf.len() < junk.len() / 10, "{} bytes", pdf.len());
    assert_eq!(
        lopdf::Document::load_mem(&pdf).unwrap().get_pages().len(),
        3
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn batch_of_200_channels_through_the_simulator() {
    let dir = temp_dir("batch200");
    let channels: Vec<Channel> = parse_channel_spec("1-200")
        .unwrap()
        .into_iter()
        .map(|outer_id| Channel {
            outer_id,
            label: format!("门店{outer_id}"),
        })
        .collect();
    let start = Instant::now();
    let formats = "pdf,png".parse().unwrap();
    let (result, c, rt, _h, progress) =
        batch_through_simulator(&channels, Template::A5, formats, &dir, None);
    let report = result.unwrap();
    eprintln!(
        "200 posters in {:?}: QR {:?}, PNG {:?}, PDF {:?}",
        start.elapsed(),
        report.qr_time,
        report.png_time,
        report.pdf_time
    );
    assert_eq!(report.channels.len(), 200);
    assert_eq!(rt.block_on(calls(&c, "/card/qrcode/create")), 200);
    // Each placement kept its channel.
    let state: Value = rt.block_on(async {
        c.http()
            .get(format!("{}/sandbox/state", c.base_url()))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    });
    let mut outer: Vec<i64> = state["placements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["outer_id"].as_i64().unwrap())
        .collect();
    outer.sort_unstable();
    assert_eq!(outer, (1..=200).collect::<Vec<i64>>());

    // 200 PNGs named by channel, 200 PDF pages, channels.csv with every url.
    assert_eq!(report.pngs.len(), 200);
    for (ch, path) in channels.iter().zip(&report.pngs) {
        assert_eq!(
            path.file_name().unwrap().to_str().unwrap(),
            png_file_name(ch)
        );
        assert!(path.is_file());
    }
    assert!(dir.join("channel-007-门店7.png").is_file());
    let pdf = std::fs::read(report.pdf.as_ref().unwrap()).unwrap();
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    assert_eq!(doc.get_pages().len(), 200);
    assert!(doc.extract_text(&[200]).unwrap().contains("门店200"));
    let csv = std::fs::read_to_string(dir.join("channels.csv")).unwrap();
    // As Excel writes "CSV UTF-8": a BOM and CRLF, so Chinese labels open right in Excel.
    let csv = csv
        .strip_prefix('\u{feff}')
        .expect("channels.csv starts with a BOM");
    assert!(csv.ends_with("\r\n") && !csv.replace("\r\n", "").contains('\n'));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "outer_id,label,url,ticket,expire_seconds");
    assert_eq!(lines.len(), 201);
    let row137: Vec<&str> = lines[137].split(',').collect();
    assert_eq!(row137[0], "137");
    // The PNG of channel 137 holds channel 137's url.
    let png = image::open(dir.join("channel-137-门店137.png"))
        .unwrap()
        .to_luma8();
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(
        png.width() as usize,
        png.height() as usize,
        |x, y| png.get_pixel(x as u32, y as u32).0[0],
    );
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1);
    assert_eq!(grids[0].decode().unwrap().1, row137[2]);

    // Progress: every QR, PNG and PDF page reported, each stage ending at 200.
    for stage in [Stage::Qr, Stage::Png, Stage::Pdf] {
        let n: Vec<&Progress> = progress.iter().filter(|p| p.stage == stage).collect();
        assert_eq!(n.len(), 200, "{stage:?}");
        assert!(n.iter().any(|p| p.done == 200 && p.total == 200));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn cancel_stops_the_batch() {
    let dir = temp_dir("cancel");
    let channels: Vec<Channel> = (1..=50)
        .map(|outer_id| Channel {
            outer_id,
            label: String::new(),
        })
        .collect();
    let (result, c, rt, _h, progress) = batch_through_simulator(
        &channels,
        Template::Receipt,
        "png".parse().unwrap(),
        &dir,
        Some(5),
    );
    assert!(matches!(result, Err(PosterError::Cancelled)), "{result:?}");
    assert_eq!(progress.len(), 5);
    assert_eq!(rt.block_on(calls(&c, "/card/qrcode/create")), 5);
    assert!(!dir.join("channel-001.png").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn qr_failures_name_the_channel() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (_h, _c, _id, card) = rt.block_on(approved_card());
    let s = synthesize(&card);
    let content = PosterContent::from_card(&card, &s, "");
    let dir = temp_dir("qrfail");
    let channels = [
        Channel {
            outer_id: 3,
            label: String::new(),
        },
        Channel {
            outer_id: 4,
            label: String::new(),
        },
    ];
    let req = BatchRequest {
        content: &content,
        template: Template::A5,
        channels: &channels,
        formats: "pdf".parse().unwrap(),
        out_dir: &dir,
        dpi: 300,
    };
    let e = run_batch(
        &req,
        |ch: &Channel| {
            if ch.outer_id == 4 {
                Err("WeChat errcode 40053".into())
            } else {
                Ok(ChannelQr {
                    url: "http://weixin.qq.com/q/a".into(),
                    ticket: String::new(),
                    expire_seconds: None,
                })
            }
        },
        &|_| {},
        &AtomicBool::new(false),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "channel 4: cannot get its QR code: WeChat errcode 40053"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn channel_lists_report_what_is_wrong() {
    assert_eq!(
        parse_channel_spec("1,3,5-9").unwrap(),
        [1, 3, 5, 6, 7, 8, 9]
    );
    for (spec, message) in [
        ("", "the channel list is empty"),
        ("0-3", "channel 0 is outside 1–200"),
        ("190-201", "channel 201 is outside 1–200"),
        ("7-3", "the range 7-3 runs backwards"),
        ("1-3,2", "channel 2 is listed twice"),
        (
            "1;2",
            "\"1;2\" is not a channel number or range (write it like 1-200 or 1,3,5-9)",
        ),
    ] {
        assert_eq!(parse_channel_spec(spec).unwrap_err().to_string(), message);
    }
    let ok = parse_channels_csv("outer_id,label\n1,朝阳店\n2,\"海淀, 中关村\"\n").unwrap();
    assert_eq!(ok[1].label, "海淀, 中关村");
    for (csv, message) in [
        (
            "1,a\n2,b\nthree,c\n",
            "line 3, column 1 (outer_id): \"three\" is not a channel number",
        ),
        (
            "1,a\n\n201,b\n",
            "line 3, column 1 (outer_id): \"201\" is outside 1–200",
        ),
        (
            "1,a\n1,b\n",
            "line 2, column 1 (outer_id): channel 1 is listed twice",
        ),
        ("1,a,x\n", "line 1, column 3 (label): 3 columns, expected 2"),
        ("outer_id,label\n", "the channel list is empty"),
    ] {
        assert_eq!(parse_channels_csv(csv).unwrap_err().to_string(), message);
    }
    assert_eq!(parse_channels_csv(""), Err(ChannelError::Empty));
}

mod never_panics {
    use coupon_studio::card::import::parse_create_body;
    use coupon_studio::card::synth::synthesize;
    use coupon_studio::poster::{
        PosterContent, Template, layout, parse_channel_spec, parse_channels_csv, rasterize,
    };
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// Any text (emoji, controls, RTL, characters the font lacks) lays out, rasterizes
        /// and goes into a PDF without panicking, on every template.
        #[test]
        fn any_text_lays_out_and_renders(
            brand in "\\PC{0,30}",
            title in "\\PC{0,60}",
            summary in "\\PC{0,300}",
            label in "\\PC{0,50}",
            hours in prop::collection::vec("\\PC{0,40}", 0..12),
            url in "\\PC{1,300}",
        ) {
            let body = parse_create_body(include_str!("../../fixtures/down-jacket.json")).unwrap();
            let s = synthesize(&body.card);
            let mut c = PosterContent::from_card(&body.card, &s, &url).for_channel(&url, &label);
            c.brand_name = brand;
            c.title = title;
            c.summary = summary;
            c.time_limits = hours;
            let mut pdf = coupon_studio::poster::PdfBuilder::new("p").unwrap();
            for t in Template::ALL {
                let l = layout(&c, t).unwrap();
                // A low resolution keeps the property test quick; the code path is the same.
                rasterize(&l, 30).unwrap();
                pdf.add_page(&l).unwrap();
            }
            pdf.finish().unwrap();
        }

        /// Channel specs and CSV files never panic.
        #[test]
        fn any_channel_list_parses_or_errs(spec in "\\PC{0,40}", csv in "\\PC{0,200}") {
            let _ = parse_channel_spec(&spec);
            let _ = parse_channels_csv(&csv);
        }
    }
}
