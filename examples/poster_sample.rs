//! Writes a sample poster of the down-jacket fixture in every template (PNG at 300 dpi and a
//! PDF) to the folder given as argument (default `target/poster-sample`), to look at.

#![allow(clippy::unwrap_used, clippy::expect_used)] // An example fails loudly on purpose.

use std::sync::Arc;

use coupon_studio::card::import::parse_create_body;
use coupon_studio::card::synth::synthesize;
use coupon_studio::poster::{LogoImage, PdfBuilder, PosterContent, Template, layout, render_png};

fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/poster-sample".into());
    std::fs::create_dir_all(&dir).unwrap();
    let body = parse_create_body(include_str!("../tests/fixtures/down-jacket.json")).unwrap();
    let synthesis = synthesize(&body.card);
    // A generated logo: a blue disc on transparent.
    let mut img = image::RgbaImage::new(300, 300);
    for (x, y, p) in img.enumerate_pixels_mut() {
        let (dx, dy) = (x as f32 - 150.0, y as f32 - 150.0);
        if dx * dx + dy * dy < 140.0 * 140.0 {
            *p = image::Rgba([40, 90, 200, 255]);
        }
    }
    let mut png = Vec::new();
    image::DynamicImage::ImageRgba8(img)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let logo = Arc::new(LogoImage::decode(&png).unwrap());
    let content = PosterContent::from_card(
        &body.card,
        &synthesis,
        "http://weixin.qq.com/q/BHWya_zlfioH6fXeL16o",
    )
    .with_logo(Some(logo))
    .for_channel(
        "http://weixin.qq.com/q/BHWya_zlfioH6fXeL16o",
        "朝阳大悦城店",
    );
    let mut pdf = PdfBuilder::new("sample").unwrap();
    for t in Template::ALL {
        let l = layout(&content, t).unwrap();
        let start = std::time::Instant::now();
        let bytes = render_png(&l, 300).unwrap();
        println!(
            "{t}: {:.0} ms, {} KB, QR {:.1} mm, page {}×{:.0} mm",
            start.elapsed().as_secs_f64() * 1e3,
            bytes.len() / 1024,
            l.qr().map_or(0.0, |q| q.size()),
            l.width,
            l.height
        );
        std::fs::write(format!("{dir}/sample-{t}.png"), bytes).unwrap();
        pdf.add_page(&l).unwrap();
    }
    std::fs::write(format!("{dir}/sample.pdf"), pdf.finish().unwrap()).unwrap();
    println!("wrote {dir}");
}
