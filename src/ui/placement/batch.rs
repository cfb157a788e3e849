//! The Placement panel's batch part: channels, labels, formats and folder, the running job's
//! progress and cancel, and the result.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use egui::Ui;

use super::poster::PREVIEW_URL;
use super::{BatchJob, Command, JobHandle, PlacementPanel, action};
use crate::i18n::{Lang, T};
use crate::poster::{OutputFormats, PosterContent, PosterLayout, Stage};

impl PlacementPanel {
    pub(super) fn batch_ui(
        &mut self,
        ui: &mut Ui,
        lang: Lang,
        card_id: &str,
        layout: &PosterLayout,
        out: &mut Vec<Command>,
    ) {
        ui.strong(T::Batch.get(lang));
        ui.horizontal(|ui| {
            let l = ui.label(T::ChannelSpec.get(lang));
            ui.add(egui::TextEdit::singleline(&mut self.channel_spec).desired_width(120.0))
                .labelled_by(l.id);
        });
        let ids = crate::poster::parse_channel_spec(&self.channel_spec);
        if let Err(e) = &ids {
            crate::ui::error_label(ui, format!("{}: {e}", T::ChannelSpec.get(lang)));
        }
        let labels_id = ui
            .horizontal(|ui| {
                let l = ui.label(T::ChannelLabels.get(lang));
                if action(ui, "labels_stores", true, T::LabelsFromStores.get(lang)).clicked() {
                    out.push(Command::StoreLabels);
                }
                if action(ui, "labels_csv", true, T::LabelsFromCsv.get(lang)).clicked() {
                    out.push(Command::LabelsCsv);
                }
                l.id
            })
            .inner;
        ui.add(
            egui::TextEdit::multiline(&mut self.labels_text)
                .hint_text(T::ChannelLabelsHint.get(lang))
                .desired_rows(3)
                .desired_width(360.0),
        )
        .labelled_by(labels_id);
        let labels = if self.labels_text.trim().is_empty() {
            Ok(Vec::new())
        } else {
            crate::poster::parse_channels_csv(&self.labels_text)
        };
        if let Err(e) = &labels {
            crate::ui::error_label(ui, format!("{}: {e}", T::ChannelLabels.get(lang)));
        }
        ui.horizontal(|ui| {
            ui.checkbox(&mut self.batch_pdf, "PDF");
            ui.checkbox(&mut self.batch_png, "PNG 300 dpi");
        });
        let running = self.job.is_some() && self.batch_result.is_none();
        ui.horizontal(|ui| {
            let l = ui.label(T::OutputFolder.get(lang));
            ui.add(egui::TextEdit::singleline(&mut self.batch_dir).desired_width(300.0))
                .labelled_by(l.id);
            if action(ui, "pick_folder", !running, T::Choose.get(lang)).clicked() {
                out.push(Command::PickFolder);
            }
        });
        let ready = ids.is_ok()
            && labels.is_ok()
            && (self.batch_pdf || self.batch_png)
            && !self.batch_dir.trim().is_empty()
            && !running;
        if action(ui, "batch_start", ready, T::BatchStart.get(lang)).clicked()
            && let (Ok(ids), Ok(labels)) = (&ids, &labels)
            && let Some(card) = self.chosen()
        {
            let synthesis = crate::card::synth::synthesize(&card.body.card);
            let content = PosterContent::from_card(&card.body.card, &synthesis, PREVIEW_URL)
                .with_logo(self.logo.clone());
            let job = JobHandle(Arc::new(BatchJob {
                card_id: card_id.to_owned(),
                content,
                template: layout.template,
                channels: crate::poster::batch::label_channels(ids, labels),
                formats: OutputFormats {
                    pdf: self.batch_pdf,
                    png: self.batch_png,
                },
                progress: Mutex::new(None),
                cancel: AtomicBool::new(false),
            }));
            self.batch_result = None;
            self.job = Some(job.clone());
            out.push(Command::Batch(job, PathBuf::from(self.batch_dir.trim())));
        }
        if let Some(job) = &self.job
            && self.batch_result.is_none()
        {
            let p = job.progress.lock().ok().and_then(|p| *p);
            ui.horizontal(|ui| {
                if let Some(p) = p {
                    let stage = match p.stage {
                        Stage::Qr => T::StageQr,
                        Stage::Png => T::StagePng,
                        Stage::Pdf => T::StagePdf,
                    };
                    ui.add(
                        egui::ProgressBar::new(p.done as f32 / p.total.max(1) as f32)
                            .desired_width(240.0)
                            .text(format!("{} {}/{}", stage.get(lang), p.done, p.total)),
                    );
                } else {
                    ui.spinner();
                    ui.label(T::BatchChooseFolder.get(lang));
                }
                if action(ui, "batch_cancel", true, T::Cancel.get(lang)).clicked() {
                    job.cancel.store(true, Ordering::Relaxed);
                }
            });
        }
        match &self.batch_result {
            Some(Ok(s)) => {
                ui.colored_label(
                    crate::ui::ok_color(ui),
                    format!(
                        "{} {} · PNG {} · PDF {} · {:.1}/{:.1}/{:.1} s",
                        T::BatchDone.get(lang),
                        s.channels,
                        s.pngs,
                        if s.pdf.is_some() { 1 } else { 0 },
                        s.seconds.0,
                        s.seconds.1,
                        s.seconds.2
                    ),
                );
                if action(ui, "open_folder", true, T::OpenFolder.get(lang)).clicked() {
                    out.push(Command::Open(s.dir.clone()));
                }
            }
            Some(Err(e)) => {
                crate::ui::error_label(ui, e.text(lang));
            }
            None => {}
        }
    }
}
