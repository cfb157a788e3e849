//! Picking a picture file: the system's dialog (rfd) where the desktop has one, else a
//! chooser drawn in the window (egui_file). A desktop without an XDG portal shows no system
//! dialog at all: the first 选择图片 there finds out (the shell answers
//! [`crate::message::DesignEvent::NoFileDialog`]) and every later one opens the built-in chooser
//! at once. Dropping files onto a slot works either way.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use egui_file::{FileDialog, State};

use super::Command;
use crate::i18n::{Lang, T};
use crate::message::ImageSlot;

/// The picture files the chooser lists (as the system dialog's filter).
pub const PICTURE_EXTENSIONS: [&str; 8] =
    ["jpg", "jpeg", "png", "gif", "webp", "bmp", "tif", "tiff"];

/// Which dialog picks pictures, and the built-in one while it is open.
#[derive(Default)]
pub struct Files {
    /// The system dialog cannot be shown here: use the built-in chooser.
    pub builtin: bool,
    chooser: Option<(ImageSlot, FileDialog)>,
}

impl std::fmt::Debug for Files {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Files")
            .field("builtin", &self.builtin)
            .field("open", &self.chooser.as_ref().map(|(s, _)| *s))
            .finish()
    }
}

fn is_picture(path: &Path) -> bool {
    path.extension()
        .and_then(OsStr::to_str)
        .is_some_and(|e| PICTURE_EXTENSIONS.iter().any(|p| p.eq_ignore_ascii_case(e)))
}

impl Files {
    /// 选择图片 for `slot`: the system dialog's command, or `None` with the built-in chooser
    /// opened.
    pub fn pick(&mut self, slot: ImageSlot, lang: Lang) -> Option<Command> {
        if self.builtin {
            self.open(slot, lang);
            None
        } else {
            Some(Command::PickImage(slot))
        }
    }

    /// Opens the built-in chooser for `slot`, in the home folder.
    pub fn open(&mut self, slot: ImageSlot, lang: Lang) {
        let mut dialog = FileDialog::open_file()
            .title(T::ChoosePicture.get(lang))
            .open_button_text(T::OpenFile.get(lang).into())
            .cancel_button_text(T::Cancel.get(lang).into())
            .show_new_folder(false)
            .show_rename(false)
            .show_files_filter(Box::new(is_picture));
        if let Some(home) = std::env::var_os("HOME").or_else(|| std::env::var_os("USERPROFILE")) {
            dialog = dialog.initial_path(PathBuf::from(home));
        }
        dialog.open();
        self.chooser = Some((slot, dialog));
    }

    /// Whether the built-in chooser is open.
    pub fn is_open(&self) -> bool {
        self.chooser.is_some()
    }

    /// Puts `path` in the open chooser's file field (as typing it would).
    pub fn set_path(&mut self, path: impl Into<PathBuf>) {
        if let Some((_, d)) = &mut self.chooser {
            d.set_path(path);
        }
    }

    /// Draws the open chooser; the slot and file once one is chosen.
    pub fn ui(&mut self, ctx: &egui::Context) -> Option<(ImageSlot, PathBuf)> {
        let (slot, dialog) = self.chooser.as_mut()?;
        let slot = *slot;
        dialog.show(ctx);
        match dialog.state() {
            State::Open => None,
            State::Selected => {
                let path = dialog.path().map(Path::to_path_buf);
                self.chooser = None;
                path.map(|p| (slot, p))
            }
            State::Closed | State::Cancelled => {
                self.chooser = None;
                None
            }
        }
    }
}
