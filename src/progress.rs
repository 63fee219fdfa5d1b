//! The progress bar the binary draws on standard error while loading or importing: the
//! library only reports progress (`load::Progress`), it never draws.

use std::io::{self, IsTerminal};

use indicatif::{ProgressBar, ProgressStyle};
use treaty::load;

/// A progress bar on standard error for inputs over a megabyte (or of unknown size).
pub struct Bar {
    bar: ProgressBar,
}

impl Bar {
    pub fn new() -> Self {
        Self {
            bar: ProgressBar::hidden(),
        }
    }
}

impl load::Progress for Bar {
    fn start(&self, name: &str, bytes: Option<u64>) {
        if !io::stderr().is_terminal() || bytes.is_some_and(|b| b < 1 << 20) {
            self.bar
                .set_draw_target(indicatif::ProgressDrawTarget::hidden());
            return;
        }
        self.bar.reset();
        self.bar
            .set_draw_target(indicatif::ProgressDrawTarget::stderr());
        match bytes {
            Some(total) => {
                self.bar.set_length(total);
                self.bar.set_style(
                    ProgressStyle::with_template(
                        "{msg} [{bar:40}] {binary_bytes}/{binary_total_bytes} ({eta})",
                    )
                    .expect("valid template")
                    .progress_chars("=> "),
                );
            }
            None => {
                self.bar.unset_length();
                self.bar.set_style(
                    ProgressStyle::with_template("{msg} {spinner} {binary_bytes} read")
                        .expect("valid template"),
                );
            }
        }
        self.bar.set_position(0);
        self.bar.set_message(name.to_owned());
    }

    fn advance(&self, bytes: u64) {
        self.bar.inc(bytes);
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
