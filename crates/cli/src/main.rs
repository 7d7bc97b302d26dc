//! `kaiji`: the command line. Parses arguments, calls the libraries, presents what they return,
//! and chooses the exit code: 0 clean, 1 findings at or above the threshold, 2 bad input or usage.

mod catalog_cmd;
mod cli;
mod output;
mod validate_cmd;

use std::{io::Write, process::ExitCode};

use clap::Parser;
use kaiji_catalog::{Lang, Registry, Text};

use crate::cli::{Cli, Command};

/// What a command tells `main` about how it went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// Nothing at or above the threshold.
    Clean,
    /// Findings at or above the threshold.
    Findings,
}

/// An error to show the user, in both languages; always exit code 2 (bad input or usage).
#[derive(Debug)]
struct UserError(Text);

impl UserError {
    fn new(ja: impl Into<String>, en: impl Into<String>) -> Self {
        Self(Text::new(ja, en))
    }
}

impl From<kaiji_catalog::Error> for UserError {
    fn from(e: kaiji_catalog::Error) -> Self {
        Self::new(e.message(Lang::Ja), e.message(Lang::En))
    }
}

impl From<kaiji_model::Error> for UserError {
    fn from(e: kaiji_model::Error) -> Self {
        Self::new(e.message(Lang::Ja), e.message(Lang::En))
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let lang = cli.lang;
    let mut out = output::Out::stdout(lang);
    let result = run(cli, &mut out);
    let written = out.finish().map_err(|e| {
        UserError::new(
            format!("出力を書き込めません: {e}"),
            format!("cannot write the output: {e}"),
        )
    });
    match result.and_then(|outcome| written.map(|()| outcome)) {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Findings) => ExitCode::from(1),
        Err(UserError(message)) => {
            let label = Text::new("エラー", "error");
            // Nothing sensible is left to do if stderr itself is gone.
            let _ = writeln!(
                std::io::stderr().lock(),
                "kaiji: {}: {}",
                label.get(lang),
                message.get(lang)
            );
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli, out: &mut output::Out) -> Result<Outcome, UserError> {
    let registry = load_registry(&cli.catalog_files)?;
    match cli.command {
        Command::Catalog(cmd) => catalog_cmd::run(cmd, &registry, out),
        Command::New(args) => validate_cmd::new(args, &registry, out),
        Command::Validate(args) => validate_cmd::validate(args, &registry, out),
        Command::Explain(args) => validate_cmd::explain(&args, out),
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

/// The largest input file kaiji reads. Disclosures and catalogs are well below a megabyte; this
/// bounds memory when someone hands kaiji the wrong file.
const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// Reads a text file, with an error that names the path.
fn read_file(path: &std::path::Path) -> Result<String, UserError> {
    use std::io::Read;
    let cannot = |e: &std::io::Error| {
        UserError::new(
            format!("{}: 読み込めません: {}", path.display(), io_reason_ja(e)),
            format!("{}: cannot read: {e}", path.display()),
        )
    };
    let file = std::fs::File::open(path).map_err(|e| cannot(&e))?;
    let mut bytes = Vec::new();
    file.take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| cannot(&e))?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(UserError::new(
            format!(
                "{}: {} MiB を超えるファイルは読みません",
                path.display(),
                MAX_INPUT_BYTES >> 20
            ),
            format!(
                "{}: larger than {} MiB, not read",
                path.display(),
                MAX_INPUT_BYTES >> 20
            ),
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        UserError::new(
            format!(
                "{}: UTF-8 のテキストではありません({at} バイト目)",
                path.display()
            ),
            format!("{}: not UTF-8 text (at byte {at})", path.display()),
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
