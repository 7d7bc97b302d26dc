//! `kaiji`: the command line. Parses arguments, calls the libraries, presents what they return,
//! and chooses the exit code: 0 clean, 1 findings at or above the threshold, 2 bad input or usage.

mod catalog_cmd;
mod cli;
mod output;
mod validate_cmd;

use std::{io::Write, process::ExitCode};

use clap::Parser;
use kaiji_catalog::{Lang, Registry};

use crate::cli::{Cli, Command};

/// What a command tells `main` about how it went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// Nothing at or above the threshold.
    Clean,
    /// Findings at or above the threshold.
    Findings,
}

/// An error to show the user; always exit code 2 (bad input or usage).
#[derive(Debug)]
struct UserError {
    ja: String,
    en: String,
}

impl UserError {
    fn new(ja: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            ja: ja.into(),
            en: en.into(),
        }
    }

    fn message(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ja => &self.ja,
            Lang::En => &self.en,
        }
    }
}

impl From<kaiji_catalog::Error> for UserError {
    fn from(e: kaiji_catalog::Error) -> Self {
        Self::new(e.message(Lang::Ja), e.message(Lang::En))
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let lang = cli.lang;
    match run(cli) {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Findings) => ExitCode::from(1),
        Err(e) => {
            let label = match lang {
                Lang::Ja => "エラー",
                Lang::En => "error",
            };
            // Nothing sensible is left to do if stderr itself is gone.
            let _ = writeln!(
                std::io::stderr().lock(),
                "kaiji: {label}: {}",
                e.message(lang)
            );
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<Outcome, UserError> {
    let registry = load_registry(&cli.catalog_files)?;
    let mut out = output::Out::stdout(cli.lang);
    match cli.command {
        Command::Catalog(cmd) => catalog_cmd::run(cmd, &registry, &mut out),
        Command::New(args) => validate_cmd::new(args, &registry, &mut out),
        Command::Validate(args) => validate_cmd::validate(args, &registry, &mut out),
        Command::Explain(args) => validate_cmd::explain(args, &mut out),
        Command::Schema => {
            out.raw(&kaiji_model::disclosure_schema());
            Ok(Outcome::Clean)
        }
    }
}

/// The built-in catalogs plus the files given with `--catalog-file`.
fn load_registry(files: &[std::path::PathBuf]) -> Result<Registry, UserError> {
    let mut registry = Registry::builtin()?;
    for path in files {
        let text = read_file(path)?;
        registry.add(kaiji_catalog::parse(&path.display().to_string(), &text)?)?;
    }
    Ok(registry)
}

/// Reads a text file, with an error that names the path.
fn read_file(path: &std::path::Path) -> Result<String, UserError> {
    let bytes = std::fs::read(path).map_err(|e| {
        UserError::new(
            format!("{}: 読み込めません: {}", path.display(), io_reason_ja(&e)),
            format!("{}: cannot read: {e}", path.display()),
        )
    })?;
    String::from_utf8(bytes).map_err(|e| {
        UserError::new(
            format!(
                "{}: UTF-8 のテキストではありません({} バイト目)",
                path.display(),
                e.utf8_error().valid_up_to()
            ),
            format!(
                "{}: not UTF-8 text (at byte {})",
                path.display(),
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

fn io_reason_ja(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "ファイルがありません".to_owned(),
        std::io::ErrorKind::PermissionDenied => "アクセス権がありません".to_owned(),
        std::io::ErrorKind::IsADirectory => "ディレクトリです".to_owned(),
        _ => e.to_string(),
    }
}
