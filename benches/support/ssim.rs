//! SSIM as Wang, Bovik, Sheikh and Simoncelli define it (IEEE TIP 13(4), 2004) and as their
//! reference code and scikit-image's `structural_similarity(..., gaussian_weights=True,
//! sigma=1.5, use_sample_covariance=False, data_range=255)` compute it: local statistics under
//! an 11×11 Gaussian window (σ = 1.5), K1 = 0.01, K2 = 0.03, L = 255, the SSIM map averaged
//! over the pixels at least 5 from the border.
//!
//! Written here because the crate the bench used before, image-compare 0.5, sums the
//! (co)variances over its 8×8 windows instead of averaging them. That makes its constants
//! 64 times too small against the statistics, so near-flat windows (sky, walls) score
//! close to 0 for ±1 differences, and its figure mostly counts JPEG's rounding in flat
//! areas. [`self_check`] checks this one on cases with known answers; the bench's figures
//! were also checked against scikit-image 0.26 on the same files (equal to 4 decimals).

/// The Gaussian window's radius: scikit-image's `truncate = 3.5` at σ = 1.5.
const RADIUS: usize = 5;
const SIGMA: f64 = 1.5;
const C1: f64 = (0.01 * 255.0) * (0.01 * 255.0);
const C2: f64 = (0.03 * 255.0) * (0.03 * 255.0);

/// The normalized 1-D Gaussian weights, `2·RADIUS + 1` of them.
fn kernel() -> Vec<f64> {
    let w: Vec<f64> = (0..=2 * RADIUS)
        .map(|i| {
            let d = i as f64 - RADIUS as f64;
            (-d * d / (2.0 * SIGMA * SIGMA)).exp()
        })
        .collect();
    let sum: f64 = w.iter().sum();
    w.into_iter().map(|v| v / sum).collect()
}

/// The Gaussian-weighted mean of `f(a, b)` around every pixel whose window lies inside the
/// image, as an `(w − 2·RADIUS) × (h − 2·RADIUS)` map (separable: rows, then columns).
fn filtered(a: &[f64], b: &[f64], w: usize, h: usize, f: impl Fn(f64, f64) -> f64) -> Vec<f64> {
    let k = kernel();
    let (ow, oh) = (w - 2 * RADIUS, h - 2 * RADIUS);
    let values: Vec<f64> = a.iter().zip(b).map(|(x, y)| f(*x, *y)).collect();
    let mut rows = vec![0.0; ow * h];
    for y in 0..h {
        for x in 0..ow {
            rows[y * ow + x] = (0..k.len()).map(|i| k[i] * values[y * w + x + i]).sum();
        }
    }
    let mut out = vec![0.0; ow * oh];
    for y in 0..oh {
        for x in 0..ow {
            out[y * ow + x] = (0..k.len()).map(|i| k[i] * rows[(y + i) * ow + x]).sum();
        }
    }
    out
}

/// Mean SSIM of two single-channel images of `w × h` samples (0–255).
pub fn ssim_plane(a: &[f64], b: &[f64], w: usize, h: usize) -> f64 {
    assert_eq!(a.len(), w * h);
    assert_eq!(b.len(), w * h);
    assert!(
        w > 2 * RADIUS && h > 2 * RADIUS,
        "{w}×{h} is too small for SSIM"
    );
    let mx = filtered(a, b, w, h, |x, _| x);
    let my = filtered(a, b, w, h, |_, y| y);
    let xx = filtered(a, b, w, h, |x, _| x * x);
    let yy = filtered(a, b, w, h, |_, y| y * y);
    let xy = filtered(a, b, w, h, |x, y| x * y);
    let n = mx.len();
    let total: f64 = (0..n)
        .map(|i| {
            let (ux, uy) = (mx[i], my[i]);
            let vx = xx[i] - ux * ux;
            let vy = yy[i] - uy * uy;
            let cxy = xy[i] - ux * uy;
            ((2.0 * ux * uy + C1) * (2.0 * cxy + C2)) / ((ux * ux + uy * uy + C1) * (vx + vy + C2))
        })
        .sum();
    total / n as f64
}

/// SSIM of two RGB images: on the luma (`image`'s `to_luma8`), and the mean of the R, G and B
/// channels' SSIM (scikit-image's `channel_axis` convention).
pub fn ssim_rgb(a: &image::RgbImage, b: &image::RgbImage) -> (f64, f64) {
    assert_eq!(a.dimensions(), b.dimensions());
    let (w, h) = (a.width() as usize, a.height() as usize);
    let luma = |i: &image::RgbImage| -> Vec<f64> {
        image::DynamicImage::ImageRgb8(i.clone())
            .to_luma8()
            .as_raw()
            .iter()
            .map(|v| f64::from(*v))
            .collect()
    };
    let y = ssim_plane(&luma(a), &luma(b), w, h);
    let channel = |i: &image::RgbImage, c: usize| -> Vec<f64> {
        i.as_raw()
            .chunks_exact(3)
            .map(|p| f64::from(p[c]))
            .collect()
    };
    let rgb = (0..3)
        .map(|c| ssim_plane(&channel(a, c), &channel(b, c), w, h))
        .sum::<f64>()
        / 3.0;
    (y, rgb)
}

/// Checks [`ssim_plane`] on cases with known answers; panics on a wrong one. The bench runs
/// it first (a `harness = false` bench runs no `#[test]`s).
pub fn self_check() {
    fn noise(w: usize, h: usize, seed: u64) -> Vec<f64> {
        let mut s = seed;
        (0..w * h)
            .map(|_| {
                s = s.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                ((s >> 33) % 256) as f64
            })
            .collect()
    }

    {
        let (w, h) = (40, 30);
        let a = noise(w, h, 1);
        // Identical images: exactly 1.
        assert!((ssim_plane(&a, &a, w, h) - 1.0).abs() < 1e-12);
        // A constant offset on flat images leaves only the luminance term:
        // (2·100·110 + C1) / (100² + 110² + C1).
        let (f, g) = (vec![100.0; w * h], vec![110.0; w * h]);
        let want = (2.0 * 100.0 * 110.0 + C1) / (100.0f64.powi(2) + 110.0f64.powi(2) + C1);
        assert!((ssim_plane(&f, &g, w, h) - want).abs() < 1e-12);
        // Independent noise: structure term near 0.
        let b = noise(w, h, 2);
        assert!(ssim_plane(&a, &b, w, h).abs() < 0.1);
        // An inverted image: negative.
        let inv: Vec<f64> = a.iter().map(|v| 255.0 - v).collect();
        assert!(ssim_plane(&a, &inv, w, h) < -0.9);
    }
}
