//! Which renderer draws the window, in which order they are tried, and why.
//!
//! - **Linux**: glow (OpenGL). Mesa provides OpenGL everywhere, with llvmpipe as its software
//!   fallback on machines without a GPU, so one renderer covers every desktop.
//! - **Windows**: wgpu on Direct3D 12 first, then glow. A machine without a GPU driver (a VM
//!   with the "Microsoft Basic Display Adapter", a Remote Desktop session) has no OpenGL
//!   beyond Windows' own 1.1, which egui cannot use, but it always has Direct3D 12 through
//!   WARP, Windows' software rasterizer, which wgpu picks when it is the only adapter. Vendor
//!   OpenGL drivers are also the least reliable part of a Windows laptop, while Direct3D is what
//!   the OS itself draws with. glow remains for Windows without Direct3D 12 (Windows 8.1 and
//!   older), where wgpu finds no adapter and eframe reports it.
//! - **Wine** (our CI's stand-in for Windows): glow first. Wine's Direct3D 12 is vkd3d on
//!   Vulkan, and without the Vulkan extensions it wants, vkd3d aborts the whole process (an
//!   assertion in `device.c`) instead of failing the call, so no fallback could follow it.
//!
//! `COUPON_STUDIO_RENDERER` overrides the order for troubleshooting: `glow`, `wgpu`, or a
//! comma-separated list such as `wgpu,glow`.

/// The renderers to try, first choice first.
pub fn order() -> Vec<eframe::Renderer> {
    let defaults = default_order();
    match std::env::var("COUPON_STUDIO_RENDERER") {
        Ok(wanted) => {
            let chosen: Vec<_> = wanted
                .split(',')
                .filter_map(|w| {
                    defaults
                        .iter()
                        .copied()
                        .find(|r| name(*r).eq_ignore_ascii_case(w.trim()))
                })
                .collect();
            if chosen.is_empty() {
                tracing::warn!(%wanted, "unknown COUPON_STUDIO_RENDERER; using the default order");
                defaults
            } else {
                chosen
            }
        }
        Err(_) => defaults,
    }
}

#[cfg(windows)]
fn default_order() -> Vec<eframe::Renderer> {
    if under_wine() {
        vec![eframe::Renderer::Glow, eframe::Renderer::Wgpu]
    } else {
        vec![eframe::Renderer::Wgpu, eframe::Renderer::Glow]
    }
}

/// Whether this is Wine rather than Windows: every Wine prefix has `HKCU\Software\Wine`.
#[cfg(windows)]
pub fn under_wine() -> bool {
    winreg::RegKey::predef(winreg::enums::HKEY_CURRENT_USER)
        .open_subkey("Software\\Wine")
        .is_ok()
}

#[cfg(not(windows))]
fn default_order() -> Vec<eframe::Renderer> {
    vec![eframe::Renderer::Glow]
}

/// The renderer's name as `COUPON_STUDIO_RENDERER` spells it.
pub fn name(renderer: eframe::Renderer) -> &'static str {
    match renderer {
        eframe::Renderer::Glow => "glow",
        #[cfg(windows)]
        eframe::Renderer::Wgpu => "wgpu",
    }
}

/// What is drawing the window: the renderer, and for wgpu the graphics API and adapter
/// (e.g. `wgpu (Dx12, Microsoft Basic Render Driver, Cpu)`).
pub fn describe(cc: &eframe::CreationContext<'_>) -> String {
    #[cfg(windows)]
    if let Some(state) = &cc.wgpu_render_state {
        let info = state.adapter.get_info();
        return format!(
            "wgpu ({:?}, {}, {:?})",
            info.backend, info.name, info.device_type
        );
    }
    match cc.gl {
        Some(_) => "glow (OpenGL)".to_owned(),
        None => "unknown".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_platform_has_a_renderer_and_names_are_distinct() {
        let order = default_order();
        assert!(!order.is_empty());
        let mut names: Vec<_> = order.iter().map(|r| name(*r)).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), order.len());
        #[cfg(not(windows))]
        assert_eq!(names, ["glow"]);
        #[cfg(windows)]
        {
            let first = if under_wine() { "glow" } else { "wgpu" };
            assert_eq!(order.first().map(|r| name(*r)), Some(first));
        }
    }
}
