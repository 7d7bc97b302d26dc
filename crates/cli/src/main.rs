//! `kaiji`: the command line. Parses arguments, calls the libraries, presents what they return,
//! and chooses the exit code: 0 clean, 1 findings at or above the threshold, 2 bad input or usage.

mod betsushi_cmd;
mod catalog_cmd;
mod checklist_cmd;
mod cli;
mod files;
mod output;
mod remote_cmd;
mod review_cmd;
mod revision_cmd;
mod rss_cmd;
mod server_cmd;
mod validate_cmd;
mod xlsx_cmd;

use std::{io::Write, process::ExitCode};

use clap::{ArgAction, CommandFactory, FromArgMatches};
use kaiji_catalog::{ErrorKind, Registry, Text};

use crate::cli::{Cli, Command};

/// What a command tells `main` about how it went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// Nothing at or above the threshold.
    Clean,
    /// Findings at or above the threshold.
    Findings,
}

/// An error to show the user, in both languages; always exit code 2 (bad input or usage). The
/// kind of the library error it came from is kept, for callers that answer by kind.
#[derive(Debug)]
struct UserError {
    #[allow(
        dead_code,
        reason = "kept for the server, which maps kinds to HTTP statuses"
    )]
    kind: ErrorKind,
    text: Text,
}

impl UserError {
    fn new(ja: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::BadInput,
            text: Text::new(ja, en),
        }
    }

    fn of(kind: ErrorKind, text: Text) -> Self {
        Self { kind, text }
    }

    /// The same error, its text changed (a file name put before it, a hint after it).
    fn map_text(self, f: impl FnOnce(Text) -> Text) -> Self {
        Self {
            kind: self.kind,
            text: f(self.text),
        }
    }
}

impl From<kaiji_catalog::Error> for UserError {
    fn from(e: kaiji_catalog::Error) -> Self {
        Self::of(e.kind(), e.text())
    }
}

impl From<kaiji_model::Error> for UserError {
    fn from(e: kaiji_model::Error) -> Self {
        Self::of(e.kind(), e.text())
    }
}

/// The command line with kaiji's own help and version flags, so that they read in both
/// languages like every other option (clap's own say "Print help").
fn command() -> clap::Command {
    fn localise(cmd: clap::Command) -> clap::Command {
        cmd.disable_help_flag(true)
            .disable_help_subcommand(true)
            .arg(
                clap::Arg::new("help")
                    .short('h')
                    .long("help")
                    .action(ArgAction::Help)
                    .help("ヘルプを表示する (print help)"),
            )
            .mut_subcommands(localise)
    }
    localise(Cli::command()).disable_version_flag(true).arg(
        clap::Arg::new("version")
            .short('V')
            .long("version")
            .action(ArgAction::Version)
            .help("バージョンを表示する (print version)"),
    )
}

fn main() -> ExitCode {
    let cli = Cli::from_arg_matches(&command().get_matches()).unwrap_or_else(|e| e.exit());
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
        Err(UserError { text: message, .. }) => {
            let label = Text::new("エラー", "error");
            // Nothing sensible is left to do if stderr itself is gone.
            let _ = writeln!(
                std::io::stderr().lock(),
                "kaiji: {}: {}",
                label.get(lang),
                output::escape_controls(message.get(lang))
            );
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli, out: &mut output::Out) -> Result<Outcome, UserError> {
    // Commands that work on documents need the checklists and their overlays only; the rest
    // (catalog commands, export with its GL references) load everything.
    use kaiji_catalog::Kind;
    let kinds: &[Kind] = match cli.command {
        Command::Validate(_) | Command::Import(_) => &[Kind::Checklist, Kind::Overlay],
        _ => &Kind::ALL,
    };
    let registry = load_registry(&cli.catalog_files, kinds)?;
    match cli.command {
        Command::Catalog(cmd) => catalog_cmd::run(cmd, &registry, out),
        Command::New(args) => validate_cmd::new(args, &registry, out),
        Command::Validate(args) => validate_cmd::validate(args, &registry, out),
        Command::Explain(args) => validate_cmd::explain(&args, out),
        Command::Import(args) => xlsx_cmd::import(args, &registry, out),
        Command::Export(args) => xlsx_cmd::export(&args, &registry, out),
        Command::Review(args) => review_cmd::review(&args, &registry, out),
        Command::Policy(cmd) => review_cmd::policy(cmd, &registry, out),
        Command::Checklist(cmd) => checklist_cmd::run(cmd, &registry, out),
        Command::Compare(args) => review_cmd::compare(&args, &registry, out),
        Command::Rss(cmd) => rss_cmd::run(cmd, &registry, out),
        Command::Betsushi(args) => betsushi_cmd::betsushi(&args, &registry, out),
        Command::Diff(args) => revision_cmd::diff(&args, &registry, out),
        Command::Migrate(args) => revision_cmd::migrate(&args, &registry, out),
        Command::Serve(args) => server_cmd::serve(args, registry, out),
        Command::Publish(args) => remote_cmd::publish(&args, &registry, out),
        Command::Pull(args) => remote_cmd::pull(&args, out),
        Command::Admin(cmd) => server_cmd::admin(cmd, out),
        Command::Audit(cmd) => server_cmd::audit(cmd, out),
        Command::Schema(args) => {
            out.raw(&match args.of {
                cli::SchemaOf::Disclosure => kaiji_model::disclosure::disclosure_schema(),
                cli::SchemaOf::Policy => kaiji_model::review::policy_schema(),
                cli::SchemaOf::Inventory => kaiji_model::mhlw::inventory_schema(),
                cli::SchemaOf::Profile => kaiji_model::rss::profile_schema(),
                cli::SchemaOf::Terms => kaiji_model::rss::terms_schema(),
                cli::SchemaOf::RiskRecord => kaiji_model::betsushi::risk_record_schema(),
            });
            Ok(Outcome::Clean)
        }
    }
}

/// The built-in catalogs plus the files given with `--catalog-file`.
fn load_registry(
    files: &[std::path::PathBuf],
    kinds: &[kaiji_catalog::Kind],
) -> Result<Registry, UserError> {
    let mut registry = Registry::builtin_of(kinds)?;
    for path in files {
        let text = files::read_text(path)?;
        registry.add(kaiji_catalog::parse(&path.display().to_string(), &text)?)?;
    }
    Ok(registry)
}
