//! The progress bar on stderr: shown when stderr is a terminal (or when forced), one plain line
//! a second when it is not, nothing under `--quiet`.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle, TermLike};

use crate::config::Progress;

/// Progress for a stderr that is not a terminal (`--progress always` into a log): one plain
/// line per update, about once a second, no cursor movement.
#[derive(Debug)]
struct LogLines(std::sync::Mutex<Option<std::time::Instant>>);

impl TermLike for LogLines {
    fn width(&self) -> u16 {
        100
    }
    fn move_cursor_up(&self, _: usize) -> std::io::Result<()> {
        Ok(())
    }
    fn move_cursor_down(&self, _: usize) -> std::io::Result<()> {
        Ok(())
    }
    fn move_cursor_right(&self, _: usize) -> std::io::Result<()> {
        Ok(())
    }
    fn move_cursor_left(&self, _: usize) -> std::io::Result<()> {
        Ok(())
    }
    fn write_line(&self, s: &str) -> std::io::Result<()> {
        let Ok(mut last) = self.0.lock() else {
            return Ok(());
        };
        let due = last.is_none_or(|t| t.elapsed() >= std::time::Duration::from_secs(1));
        if due && !s.trim().is_empty() {
            crate::say!("{s}");
            *last = Some(std::time::Instant::now());
        }
        Ok(())
    }
    fn write_str(&self, s: &str) -> std::io::Result<()> {
        self.write_line(s)
    }
    fn clear_line(&self) -> std::io::Result<()> {
        Ok(())
    }
    fn flush(&self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The progress bar, when one is shown; `total` (the bytes to read, which takes a walk of the
/// inputs) is only asked for then.
pub fn progress_bar(
    mode: Progress,
    quiet: bool,
    total: impl FnOnce() -> u64,
) -> Option<ProgressBar> {
    let tty = std::io::stderr().is_terminal();
    let show = !quiet
        && match mode {
            Progress::Always => true,
            Progress::Never => false,
            Progress::Auto => tty,
        };
    show.then(|| {
        let bar = ProgressBar::new(total());
        if !tty {
            bar.set_draw_target(ProgressDrawTarget::term_like_with_hz(
                Box::new(LogLines(Default::default())),
                1,
            ));
        }
        if let Ok(style) =
            ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}")
        {
            bar.set_style(style);
        }
        bar
    })
}
