//! Build script: on Windows targets, embeds the icon, the version information and the
//! application manifest (`packaging/windows/`) into the executables as resources, compiled
//! with mingw's `windres` through the winresource crate. Other targets get nothing.

use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=packaging/windows/coupon-studio.exe.manifest");
    println!("cargo:rerun-if-changed=packaging/icons/coupon-studio.ico");
    // build.rs runs on the host, so `cfg!(windows)` would describe Debian when cross-building.
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("windows") {
        return Ok(());
    }
    let version = std::env::var("CARGO_PKG_VERSION")?;
    let out_dir = std::env::var("OUT_DIR")?;
    // The manifest's assemblyIdentity wants four numeric parts.
    let numeric: Vec<&str> = version
        .split(['.', '-', '+'])
        .take(3)
        .map(|p| {
            if p.bytes().all(|b| b.is_ascii_digit()) {
                p
            } else {
                "0"
            }
        })
        .collect();
    let manifest = std::fs::read_to_string("packaging/windows/coupon-studio.exe.manifest")?
        .replace("@VERSION@", &format!("{}.0", numeric.join(".")));
    let manifest_path = Path::new(&out_dir).join("coupon-studio.exe.manifest");
    std::fs::write(&manifest_path, manifest)?;

    let mut res = winresource::WindowsResource::new();
    // Debian's cross binutils; WINDRES/AR in the environment still win (winresource reads them).
    if std::env::var_os("WINDRES").is_none() && cfg!(unix) {
        res.set_windres_path("x86_64-w64-mingw32-windres");
        res.set_ar_path("x86_64-w64-mingw32-ar");
    }
    res.set_icon("packaging/icons/coupon-studio.ico")
        .set_manifest_file(&manifest_path.to_string_lossy())
        // Simplified Chinese (PRC): Explorer's Details tab shows these strings.
        .set_language(0x0804)
        .set("ProductName", "卡券工作室 Coupon Studio")
        .set("FileDescription", "卡券工作室 Coupon Studio")
        .set("CompanyName", "Coupon Studio maintainers")
        .set(
            "LegalCopyright",
            "2026 Coupon Studio maintainers. MIT OR Apache-2.0",
        )
        .set("OriginalFilename", "coupon-studio.exe")
        .set("InternalName", "coupon-studio");
    res.compile()?;
    Ok(())
}
