//! Image preparation against ImageMagick: a 4000×3000 photo-like picture becomes a JPG of at
//! most 1 MB for a text-image slot (900×675), by `coupon_studio::imaging::prepare_file` and by
//! ImageMagick (`convert SRC -resize 900x675! -define jpeg:extent=1MB OUT.jpg`, or `magick`),
//! in the same run, from the same file. Prints the median time of several runs of each, the
//! output size and quality, and the SSIM of each output against the same reference: the
//! original picture downscaled to 900×675 with `image`'s Lanczos3 in floating point (a
//! separate implementation from both resizers); and, to tell the resampling from the JPEG
//! loss, each resampler's pixels against the reference before JPEG.
//!
//! SSIM is the standard one (`support/ssim.rs`: Wang et al. 2004, 11×11 Gaussian window,
//! σ = 1.5, as scikit-image computes it), on the luma and as the mean of R, G and B. The
//! figure of image-compare 0.5 (8×8 windows), which earlier versions of this bench printed,
//! is printed beside it: that crate sums the window (co)variances instead of averaging them,
//! so its constants are 64 times too small and its score mostly counts ±1 rounding in flat
//! areas (see `support/ssim.rs`).
//!
//! `SSIM_DUMP=dir` writes the reference and both decoded outputs there as PNGs, to check the
//! figures with another SSIM implementation.
//!
//! The picture is the procedural landscape of `benches/support/scene.rs` (gradients, fractal
//! texture, hard edges and fine stripes, sensor noise), given as a JPEG at quality 92 (what
//! phones send) and as a PNG. Then a breakdown of where our time goes.
//!
//! `cargo bench --bench imaging` runs it in full; `cargo test --all-targets` runs it once on a
//! 400×300 picture so it cannot rot (ImageMagick is then optional).
//!
//! `IMAGEMAGICK=/path/to/convert` picks the ImageMagick binary (default: `magick`, else
//! `convert`, on the PATH).

#![allow(clippy::unwrap_used, clippy::expect_used)] // A bench fails loudly on purpose.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use coupon_studio::imaging::{Prepared, Slot, UPLOAD_LIMIT_BYTES, prepare, prepare_file};
use image::{GrayImage, RgbImage};
use image_compare::Algorithm;

#[path = "support/scene.rs"]
mod scene;
#[path = "support/ssim.rs"]
mod ssim;

/// SSIM differences smaller than this count as equal (the figures are given to 4 decimals).
const SSIM_EQUAL_WITHIN: f64 = 0.0001;

/// The median of `runs` timings of `f`, with the fastest and slowest.
fn median_ms(runs: usize, mut f: impl FnMut()) -> (f64, f64, f64) {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    (
        ms(times[times.len() / 2]),
        ms(times[0]),
        ms(times[times.len() - 1]),
    )
}

/// SSIM of `out` against `reference`: the standard SSIM's (luma, mean of R, G, B), and
/// image-compare's 8×8 luma figure.
fn ssim(reference: &RgbImage, out: &RgbImage) -> Scores {
    let luma = |i: &RgbImage| -> GrayImage { image::DynamicImage::ImageRgb8(i.clone()).to_luma8() };
    let (luma_ssim, rgb_ssim) = ssim::ssim_rgb(reference, out);
    let simple = image_compare::gray_similarity_structure(
        &Algorithm::MSSIMSimple,
        &luma(reference),
        &luma(out),
    )
    .unwrap()
    .score;
    Scores {
        luma: luma_ssim,
        rgb: rgb_ssim,
        image_compare: simple,
    }
}

/// SSIM figures of one output.
#[derive(Clone, Copy)]
struct Scores {
    /// Standard SSIM on the luma.
    luma: f64,
    /// Standard SSIM, mean of R, G and B.
    rgb: f64,
    /// image-compare 0.5's 8×8 figure on the luma (see the module docs).
    image_compare: f64,
}

/// The ImageMagick command, if one is installed.
fn imagemagick() -> Option<String> {
    let candidates = match std::env::var("IMAGEMAGICK") {
        Ok(p) => vec![p],
        Err(_) => vec!["magick".to_owned(), "convert".to_owned()],
    };
    candidates.into_iter().find(|c| {
        Command::new(c)
            .arg("-version")
            .output()
            .is_ok_and(|o| o.status.success() && o.stdout.starts_with(b"Version: ImageMagick"))
    })
}

/// ImageMagick's JPEG quality of a file (`identify -format %Q`), if it can tell.
fn im_quality(im: &str, path: &Path) -> Option<u32> {
    let (program, pre): (&str, &[&str]) = if im.ends_with("magick") {
        (im, &["identify"])
    } else {
        ("identify", &[])
    };
    let o = Command::new(program)
        .args(pre)
        .args(["-format", "%Q"])
        .arg(path)
        .output()
        .ok()?;
    String::from_utf8_lossy(&o.stdout).trim().parse().ok()
}

/// One side of the comparison.
struct Result {
    name: String,
    time: (f64, f64, f64),
    bytes: usize,
    quality: Option<u32>,
    ssim: Scores,
}

fn print(results: &[Result]) {
    for r in results {
        println!(
            "    {:<34} median {:>7.1} ms (min {:.1}, max {:.1}), {:>7} bytes{}, SSIM luma {:.6}, \
             RGB {:.6} (image-compare 8×8: {:.4})",
            r.name,
            r.time.0,
            r.time.1,
            r.time.2,
            r.bytes,
            r.quality.map(|q| format!(" (q{q})")).unwrap_or_default(),
            r.ssim.luma,
            r.ssim.rgb,
            r.ssim.image_compare
        );
    }
}

/// `src` resized as the module resizes (fast_image_resize, Lanczos3 on 16-bit samples).
fn fir_resize(src: &RgbImage, w: u32, h: u32) -> RgbImage {
    coupon_studio::imaging::resize_to(src.clone(), w, h).unwrap()
}

/// Where our time goes on `bytes`, with the same library calls the module makes.
fn stages(bytes: &[u8], runs: usize) {
    let mut decoded = None;
    let decode = median_ms(runs, || {
        decoded = Some(image::load_from_memory(bytes).unwrap());
    });
    let rgb = decoded.expect("decoded").into_rgb8();
    let (tw, th) = (
        900.min(rgb.width()),
        (675 * 900.min(rgb.width()) / 900).max(1),
    );
    let mut small = None;
    let resize = median_ms(runs, || {
        small = Some(fir_resize(&rgb, tw, th));
    });
    let small = small.unwrap();
    let encode = median_ms(runs, || {
        coupon_studio::imaging::encode_jpeg(&small, 100).unwrap();
    });
    println!(
        "    our stages (median of {runs}): decode {:.1} ms, resize (fast_image_resize Lanczos3, \
         16-bit, with a copy of the source here) {:.1} ms, one JPEG encode at q100 {:.1} ms",
        decode.0, resize.0, encode.0
    );
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let (width, height, runs) = if full { (4000, 3000, 7) } else { (400, 300, 1) };
    ssim::self_check();
    let dump = std::env::var_os("SSIM_DUMP").map(PathBuf::from);
    let dir = std::env::temp_dir().join(format!("cs-imaging-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();

    let start = Instant::now();
    let original = scene::scene(width, height);
    println!(
        "source: the procedural landscape at {width}×{height} (made in {:.1} s)",
        start.elapsed().as_secs_f64()
    );
    let mut sources: Vec<(&str, PathBuf)> = Vec::new();
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 92)
        .encode_image(&original)
        .unwrap();
    let jpeg_path = dir.join("photo.jpg");
    std::fs::write(&jpeg_path, &jpeg).unwrap();
    sources.push(("JPEG q92", jpeg_path));
    let png_path = dir.join("photo.png");
    original.save(&png_path).unwrap();
    sources.push(("PNG", png_path));

    // The output size the app picks for a text image, and the reference at that size.
    let probe = prepare(&jpeg, Slot::TextImage).unwrap();
    let (tw, th) = (probe.width, probe.height);
    let reference =
        image::imageops::resize(&original, tw, th, image::imageops::FilterType::Lanczos3);
    let im = imagemagick();

    for (label, path) in &sources {
        let size = std::fs::metadata(path).unwrap().len();
        println!(
            "  from {label} ({:.1} MB) to a {tw}×{th} text image, JPG ≤ 1 MB:",
            size as f64 / 1_048_576.0
        );
        let mut results = Vec::new();
        let mut ours: Option<Prepared> = None;
        let time = median_ms(runs, || {
            let p = prepare_file(path, Slot::TextImage).expect("the bench picture prepares");
            if let Some(first) = &ours {
                assert_eq!(first.jpeg, p.jpeg, "output differs between runs");
            }
            ours = Some(p);
        });
        let ours = ours.unwrap();
        assert!(ours.jpeg.len() <= UPLOAD_LIMIT_BYTES);
        let decoded = image::load_from_memory(&ours.jpeg).unwrap().into_rgb8();
        let stem = if label.starts_with("PNG") {
            "png"
        } else {
            "jpeg"
        };
        if let Some(d) = &dump {
            std::fs::create_dir_all(d).unwrap();
            reference.save(d.join("reference.png")).unwrap();
            decoded
                .save(d.join(format!("ours-from-{stem}.png")))
                .unwrap();
        }
        results.push(Result {
            name: "coupon-studio (prepare_file)".into(),
            time,
            bytes: ours.jpeg.len(),
            quality: Some(u32::from(ours.quality)),
            ssim: ssim(&reference, &decoded),
        });
        match &im {
            Some(im) => {
                let out = dir.join("im.jpg");
                let geometry = format!("{tw}x{th}!");
                let time = median_ms(runs, || {
                    let ok = Command::new(im)
                        .arg(path)
                        .args(["-resize", &geometry, "-define", "jpeg:extent=1MB"])
                        .arg(&out)
                        .status()
                        .is_ok_and(|s| s.success());
                    assert!(ok, "{im} failed");
                });
                let bytes = std::fs::read(&out).unwrap();
                assert!(bytes.len() <= UPLOAD_LIMIT_BYTES, "{} bytes", bytes.len());
                let decoded = image::load_from_memory(&bytes).unwrap().into_rgb8();
                assert_eq!(decoded.dimensions(), (tw, th));
                if let Some(d) = &dump {
                    decoded.save(d.join(format!("im-from-{stem}.png"))).unwrap();
                }
                results.push(Result {
                    name: format!("ImageMagick ({im})"),
                    time,
                    bytes: bytes.len(),
                    quality: im_quality(im, &out),
                    ssim: ssim(&reference, &decoded),
                });
                // Before JPEG: each resampler's pixels against the reference.
                let png_out = dir.join("im.png");
                let ok = Command::new(im)
                    .arg(path)
                    .args(["-resize", &geometry])
                    .arg(&png_out)
                    .status()
                    .is_ok_and(|s| s.success());
                let theirs = image::open(&png_out)
                    .ok()
                    .filter(|_| ok)
                    .map(|i| i.into_rgb8());
                let source = image::open(path).unwrap().into_rgb8();
                let mine = fir_resize(&source, tw, th);
                if let Some(theirs) = theirs {
                    let (a, b) = (ssim(&reference, &mine), ssim(&reference, &theirs));
                    println!(
                        "    before JPEG, resampled pixels vs the reference: ours SSIM luma \
                         {:.4}, RGB {:.4}; ImageMagick's luma {:.4}, RGB {:.4}",
                        a.luma, a.rgb, b.luma, b.rgb
                    );
                }
            }
            None => println!("    ImageMagick not installed: comparison skipped"),
        }
        print(&results);
        if let [us, them] = &results[..] {
            // Two different resamplers and encoders never give bit-equal SSIM: "equal" is
            // equal at the 4 decimals the figures are given to (within 0.0001).
            let at_least = |a: f64, b: f64| a >= b - SSIM_EQUAL_WITHIN;
            println!(
                "    ours / ImageMagick: {:.1}× as fast, SSIM luma {:+.6}, RGB {:+.6} \
                 (target: faster at equal (±{SSIM_EQUAL_WITHIN}) or better SSIM: {})",
                them.time.0 / us.time.0,
                us.ssim.luma - them.ssim.luma,
                us.ssim.rgb - them.ssim.rgb,
                if us.time.0 < them.time.0
                    && at_least(us.ssim.luma, them.ssim.luma)
                    && at_least(us.ssim.rgb, them.ssim.rgb)
                {
                    "met"
                } else {
                    "not met"
                }
            );
        }
        stages(&std::fs::read(path).unwrap(), runs);
    }
    let _ = std::fs::remove_dir_all(&dir);
}
