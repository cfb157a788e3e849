//! A deterministic, procedural landscape "photo" for the image-preparation benchmark (no
//! camera files are available to the build, and a bench must not download any).
//!
//! It is built to have the statistics that make real photos hard for resizers and JPEG:
//! - smooth, wide gradients (the sky, haze towards the horizon, a vignette) that show banding
//!   and blocking when quantized badly;
//! - self-similar texture at every scale (fractal value noise: clouds, the mountain ridge and
//!   rock, grass down to 2-pixel detail) that a resizer must filter without aliasing;
//! - hard, high-contrast edges and fine regular detail (a house with a grid of windows, a road
//!   with lane marks, a striped sign of 3-pixel bars, tree trunks) where ringing and moiré
//!   show;
//! - sensor noise: roughly Gaussian, a few levels strong, stronger in the shadows, per channel.
//!
//! Everything is expressed in fractions of the width and height, so the scene is the same
//! picture at any size (only the per-pixel noise and the finest texture depend on the pixel
//! grid), and it is a pure function of its size: the same bytes on every machine.

use image::RgbImage;

/// A 32-bit integer hash of a lattice point and a seed.
fn hash(x: i32, y: i32, seed: u32) -> u32 {
    let mut h = (x as u32)
        .wrapping_mul(0x9E37_79B1)
        .wrapping_add((y as u32).wrapping_mul(0x85EB_CA77))
        .wrapping_add(seed.wrapping_mul(0xC2B2_AE3D));
    h ^= h >> 15;
    h = h.wrapping_mul(0x2C1B_3C6D);
    h ^= h >> 12;
    h = h.wrapping_mul(0x297A_2D39);
    h ^= h >> 15;
    h
}

/// The hash as 0..1.
fn unit(x: i32, y: i32, seed: u32) -> f32 {
    (hash(x, y, seed) >> 8) as f32 / (1u32 << 24) as f32
}

/// Smoothly interpolated lattice noise, 0..1, with features about 1 unit apart.
fn value_noise(x: f32, y: f32, seed: u32) -> f32 {
    let (xf, yf) = (x.floor(), y.floor());
    let (xi, yi) = (xf as i32, yf as i32);
    let (tx, ty) = (x - xf, y - yf);
    let (sx, sy) = (tx * tx * (3.0 - 2.0 * tx), ty * ty * (3.0 - 2.0 * ty));
    let a = unit(xi, yi, seed);
    let b = unit(xi + 1, yi, seed);
    let c = unit(xi, yi + 1, seed);
    let d = unit(xi + 1, yi + 1, seed);
    let top = a + (b - a) * sx;
    let bottom = c + (d - c) * sx;
    top + (bottom - top) * sy
}

/// Fractal noise: `octaves` layers, each twice as fine and half as strong; about 0..1.
fn fbm(x: f32, y: f32, octaves: u32, seed: u32) -> f32 {
    let (mut sum, mut amp, mut freq, mut norm) = (0.0, 0.5, 1.0, 0.0);
    for o in 0..octaves {
        sum += amp * value_noise(x * freq, y * freq, seed.wrapping_add(o * 101));
        norm += amp;
        amp *= 0.5;
        freq *= 2.0;
    }
    sum / norm
}

/// Roughly Gaussian noise with unit variance (the sum of four uniforms, rescaled).
fn gaussian(x: u32, y: u32, seed: u32) -> f32 {
    let h1 = hash(x as i32, y as i32, seed);
    let h2 = hash(x as i32, y as i32, seed ^ 0x5bd1_e995);
    let s = (h1 & 0xffff) as f32 + (h1 >> 16) as f32 + (h2 & 0xffff) as f32 + (h2 >> 16) as f32;
    // Four uniforms on 0..65535: mean 131070, standard deviation 65536 · sqrt(4/12).
    (s - 131_070.0) / 37_837.0
}

fn mix(a: [f32; 3], b: [f32; 3], t: f32) -> [f32; 3] {
    let t = t.clamp(0.0, 1.0);
    [
        a[0] + (b[0] - a[0]) * t,
        a[1] + (b[1] - a[1]) * t,
        a[2] + (b[2] - a[2]) * t,
    ]
}

fn scale(c: [f32; 3], k: f32) -> [f32; 3] {
    [c[0] * k, c[1] * k, c[2] * k]
}

/// The colour of the scene at `u`, `v` (0..1 across and down), before noise and vignette.
/// `px` is the size of one pixel in `u` units, so the finest texture stops at the pixel grid.
fn colour_at(u: f32, v: f32, aspect: f32, px: f32) -> [f32; 3] {
    let horizon = 0.52;
    // Noise coordinates with square features whatever the aspect ratio.
    let (nx, ny) = (u * aspect, v);
    // The finest grass octave is about 2 pixels.
    let grass_octaves = ((1.0 / (px * 2.0 * 40.0)).log2().ceil() as u32).clamp(3, 9);

    // Sky: deep blue at the top to a pale haze at the horizon, with clouds and a sun.
    let sky_t = (v / horizon).powf(0.8);
    let mut sky = mix([38.0, 86.0, 168.0], [196.0, 214.0, 232.0], sky_t);
    let cloud = fbm(nx * 3.0, ny * 6.0, 6, 11);
    let cloud = ((cloud - 0.52) * 3.2).clamp(0.0, 1.0);
    sky = mix(sky, [246.0, 246.0, 250.0], cloud * (1.0 - sky_t * 0.5));
    let (sun_u, sun_v) = (0.74 * aspect, 0.17);
    let d = ((nx - sun_u).powi(2) + (ny - sun_v).powi(2)).sqrt();
    sky = mix(
        sky,
        [255.0, 250.0, 226.0],
        (0.09 / (d + 0.02)).powi(2) * 0.35,
    );
    if d < 0.035 {
        sky = [255.0, 253.0, 240.0];
    }

    // Far mountains: a fractal ridge, bluish rock fading into the haze.
    let ridge = horizon - 0.05 - 0.16 * fbm(nx * 2.5, 0.5, 7, 23);
    let mut c = sky;
    if v > ridge {
        let rock = fbm(nx * 24.0, ny * 24.0, 6, 29);
        let depth = ((v - ridge) / 0.2).clamp(0.0, 1.0);
        let base = mix([118.0, 128.0, 150.0], [70.0, 78.0, 96.0], depth);
        c = mix(base, [196.0, 210.0, 226.0], 0.35 - 0.25 * depth);
        c = scale(c, 0.8 + 0.4 * rock);
        // Snow on the highest parts.
        if v < ridge + 0.025 && rock > 0.45 {
            c = mix(c, [236.0, 240.0, 246.0], 0.8);
        }
    }

    // The field: grass with texture at every scale, darker and coarser towards the viewer.
    if v > horizon {
        let near = ((v - horizon) / (1.0 - horizon)).clamp(0.0, 1.0);
        let g = fbm(nx * 40.0, ny * (40.0 + 200.0 * near), grass_octaves, 31);
        let patches = fbm(nx * 4.0, ny * 4.0, 4, 37);
        let base = mix([118.0, 150.0, 70.0], [60.0, 96.0, 34.0], near);
        c = mix(
            base,
            [150.0, 130.0, 80.0],
            ((patches - 0.55) * 3.0).clamp(0.0, 1.0),
        );
        c = scale(c, 0.65 + 0.7 * g);

        // A road from the bottom centre to the horizon, with dashed lane marks.
        let half = 0.01 + 0.22 * near;
        let centre = 0.47 + 0.05 * (1.0 - near);
        if (u - centre).abs() < half {
            let asphalt = fbm(nx * 90.0, ny * 90.0, 4, 41);
            c = scale([92.0, 92.0, 96.0], 0.85 + 0.3 * asphalt);
            let dash = ((1.0 / (near + 0.05)) * 3.0).fract() < 0.5;
            if (u - centre).abs() < 0.004 + 0.01 * near && dash {
                c = [232.0, 226.0, 200.0];
            }
        }
    }

    // A house: plaster wall, a dark roof, a 4 × 3 grid of windows with frames.
    let (hx0, hx1, hy0, hy1) = (0.12, 0.34, 0.40, 0.66);
    if (hx0..hx1).contains(&u) && (hy0..hy1).contains(&v) {
        let plaster = fbm(nx * 60.0, ny * 60.0, 5, 43);
        c = scale([222.0, 208.0, 184.0], 0.9 + 0.15 * plaster);
        let (wu, wv) = ((u - hx0) / (hx1 - hx0), (v - hy0) / (hy1 - hy0));
        let (cu, cv) = ((wu * 4.0).fract(), (wv * 3.0).fract());
        if (0.2..0.8).contains(&cu) && (0.25..0.75).contains(&cv) {
            let frame = !(0.25..0.75).contains(&cu) || !(0.3..0.7).contains(&cv);
            let mullion = (cu - 0.5).abs() < 0.02;
            c = if frame || mullion {
                [250.0, 250.0, 246.0]
            } else {
                mix([34.0, 52.0, 70.0], [120.0, 150.0, 180.0], 1.0 - cv)
            };
        }
    }
    // The roof: a triangle above the wall.
    let roof_top = 0.30;
    if (roof_top..hy0).contains(&v) {
        let t = (v - roof_top) / (hy0 - roof_top);
        let mid = (hx0 + hx1) / 2.0;
        if (u - mid).abs() < (hx1 - hx0) / 2.0 * t + 0.01 {
            let tiles = ((v * 300.0).fract() < 0.15) as u8 as f32;
            c = scale([140.0, 54.0, 40.0], 0.9 - 0.3 * tiles);
        }
    }

    // A sign with fine black and white bars (3 px at 4000 px wide): moiré bait.
    if (0.62..0.80).contains(&u) && (0.60..0.68).contains(&v) {
        let bar = ((u - 0.62) / (px * 3.0)) as i32 % 2 == 0;
        c = if bar {
            [18.0, 18.0, 20.0]
        } else {
            [240.0, 240.0, 236.0]
        };
    }
    if (0.705..0.715).contains(&u) && (0.68..0.80).contains(&v) {
        c = [60.0, 60.0, 64.0];
    }

    // Trees: trunks and round, textured crowns.
    for (tu, tv, r) in [(0.86, 0.58, 0.07), (0.93, 0.62, 0.05), (0.05, 0.6, 0.06)] {
        let (dx, dy) = ((u - tu) * aspect, v - tv);
        if dx.abs() < r * 0.12 && dy > 0.0 && dy < r * 2.2 {
            c = [78.0, 56.0, 38.0];
        }
        let leaf = fbm(nx * 80.0, ny * 80.0, 5, 47);
        if (dx * dx + dy * dy).sqrt() < r * (0.85 + 0.3 * leaf) {
            c = scale([46.0, 92.0, 40.0], 0.5 + 0.9 * leaf);
        }
    }
    c
}

/// The scene at `width` × `height` pixels.
pub fn scene(width: u32, height: u32) -> RgbImage {
    let (w, h) = (width.max(1) as f32, height.max(1) as f32);
    let aspect = w / h;
    RgbImage::from_fn(width, height, |x, y| {
        let (u, v) = ((x as f32 + 0.5) / w, (y as f32 + 0.5) / h);
        let c = colour_at(u, v, aspect, 1.0 / w);
        // Lens vignette: up to 30 % darker in the corners.
        let r2 = (u - 0.5).powi(2) + (v - 0.5).powi(2);
        let vignette = 1.0 - 0.6 * r2;
        let luma = (0.3 * c[0] + 0.59 * c[1] + 0.11 * c[2]) * vignette;
        // Shot noise: stronger in the shadows, as a sensor's is.
        let sigma = 1.5 + 2.5 * (1.0 - luma / 255.0);
        let px = |i: usize, seed: u32| {
            let n = gaussian(x, y, seed) * sigma;
            (c[i] * vignette + n).round().clamp(0.0, 255.0) as u8
        };
        image::Rgb([px(0, 101), px(1, 202), px(2, 303)])
    })
}
