//! Reading and writing files for the commands: bounded reads, atomic writes, errors that name
//! the path.

use std::{io::Read, path::Path};

use crate::UserError;

/// The largest text file (disclosure, catalog) kaiji reads: they are well below a megabyte;
/// this bounds memory when someone hands kaiji the wrong file.
const MAX_TEXT_BYTES: u64 = 64 << 20;
/// The largest workbook kaiji reads.
pub(crate) const MAX_WORKBOOK_BYTES: u64 = 256 << 20;

/// Reads a file of at most `max` bytes, with an error that names the path.
pub(crate) fn read_bytes(path: &Path, max: u64) -> Result<Vec<u8>, UserError> {
    let cannot = |e: &std::io::Error| {
        UserError::new(
            format!("{}: 読み込めません: {}", path.display(), io_reason_ja(e)),
            format!("{}: cannot read: {e}", path.display()),
        )
    };
    let file = std::fs::File::open(path).map_err(|e| cannot(&e))?;
    let mut bytes = Vec::new();
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| cannot(&e))?;
    if bytes.len() as u64 > max {
        return Err(UserError::new(
            format!(
                "{}: {} MiB を超えるファイルは読みません",
                path.display(),
                max >> 20
            ),
            format!(
                "{}: larger than {} MiB, not read",
                path.display(),
                max >> 20
            ),
        ));
    }
    Ok(bytes)
}

/// Reads a UTF-8 text file, with an error that names the path. A leading byte order mark
/// (Excel and Windows editors write one; kaiji's own CSV has one) is not part of the text.
pub(crate) fn read_text(path: &Path) -> Result<String, UserError> {
    let mut bytes = read_bytes(path, MAX_TEXT_BYTES)?;
    if bytes.starts_with("\u{feff}".as_bytes()) {
        bytes.drain(..3);
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

/// Prefixes an error with the file it is about.
pub(crate) fn in_file(path: &Path, e: impl Into<UserError>) -> UserError {
    let shown = path.display();
    e.into().map_text(|text| {
        kaiji_catalog::Text::new(
            format!("{shown}: {}", text.ja),
            format!("{shown}: {}", text.en),
        )
    })
}

/// Reads a disclosure document, with errors that name the path (and line and column).
pub(crate) fn read_document(path: &Path) -> Result<kaiji_model::Disclosure, UserError> {
    let text = read_text(path)?;
    kaiji_model::Disclosure::from_json(&text).map_err(|e| in_file(path, e))
}

/// Reads advisories (CISA KEV or OSV JSON) from files and directories, all into one list: a
/// directory gives every `*.json` below it, in path order, so the result is the same on every
/// run. A file given twice (also through its directory) is read once. A file that is neither
/// KEV nor OSV, or a directory without any `*.json`, is an error that names it.
pub(crate) fn read_advisories(
    paths: &[std::path::PathBuf],
) -> Result<Vec<kaiji_sbom::Advisory>, UserError> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let before = files.len();
            json_files_below(path, &mut files)?;
            if files.len() == before {
                return Err(UserError::new(
                    format!("{}: 脆弱性情報の *.json がありません", path.display()),
                    format!(
                        "{}: no advisory *.json files in this directory",
                        path.display()
                    ),
                ));
            }
        } else {
            files.push(path.clone());
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    let mut all = Vec::new();
    for path in files {
        let key = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        if !seen.insert(key) {
            continue;
        }
        let bytes = read_bytes(&path, MAX_TEXT_BYTES)?;
        let advisories =
            kaiji_sbom::advisory::parse(&path.display().to_string(), &bytes).map_err(|e| {
                // A profile or disclosure that follows `--advisories` is read as an advisory.
                UserError::new(
                    format!(
                        "{}(--advisories の後の値はすべて脆弱性情報として読みます)",
                        e.message_ja()
                    ),
                    format!(
                        "{} (every value after --advisories is read as an advisory file)",
                        e.message_en()
                    ),
                )
            })?;
        all.extend(advisories);
    }
    Ok(all)
}

/// Every `*.json` file below `dir` (following no symbolic links to directories), sorted by path.
fn json_files_below(dir: &Path, out: &mut Vec<std::path::PathBuf>) -> Result<(), UserError> {
    let cannot = |e: &std::io::Error| {
        UserError::new(
            format!("{}: 読み込めません: {}", dir.display(), io_reason_ja(e)),
            format!("{}: cannot read: {e}", dir.display()),
        )
    };
    let mut entries = std::fs::read_dir(dir)
        .map_err(|e| cannot(&e))?
        .map(|entry| entry.map_err(|e| cannot(&e)))
        .collect::<Result<Vec<_>, _>>()?;
    entries.sort_by_key(std::fs::DirEntry::path);
    for entry in entries {
        let path = entry.path();
        let is_dir = entry.file_type().map_err(|e| cannot(&e))?.is_dir();
        if is_dir {
            json_files_below(&path, out)?;
        } else if path
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("json"))
            && path.is_file()
        {
            out.push(path);
        }
    }
    Ok(())
}

/// Hands a command's rendered output over: to `-o FILE` (never replacing a file without
/// `--force`), followed by the line `wrote` says, or else to standard output. A binary format
/// (xlsx, PDF) needs a file.
pub(crate) fn deliver(
    out: &mut crate::output::Out,
    args: &crate::cli::OutputArgs,
    choice: crate::cli::Choice,
    bytes: &[u8],
    wrote: impl FnOnce(&Path) -> kaiji_catalog::Text,
) -> Result<(), UserError> {
    use kaiji_report::Format;
    let binary = match choice {
        crate::cli::Choice::File(Format::Pdf) => Some("PDF"),
        crate::cli::Choice::File(f) if f.is_binary() => Some(f.extension()),
        _ => None,
    };
    match (args.output.as_deref(), binary) {
        (Some(path), _) => {
            write_new_file(path, bytes, args.force)?;
            out.line(out.t(&wrote(path)));
        }
        (None, Some(format)) => {
            return Err(UserError::new(
                format!("{format} は -o で出力ファイルを指定してください"),
                format!("{format} needs an output file (-o)"),
            ));
        }
        (None, None) => {
            let text = String::from_utf8_lossy(bytes);
            match choice {
                // Text for people (a report, Markdown) is escaped as every terminal line is:
                // a vendor's control characters never act on the terminal.
                crate::cli::Choice::Text | crate::cli::Choice::File(Format::Markdown) => {
                    out.raw(&crate::output::escape_controls(&text));
                }
                // Machine formats stay byte for byte what they are (JSON escapes controls itself).
                crate::cli::Choice::File(_) => out.raw(&text),
            }
        }
    }
    Ok(())
}

/// How hard a write holds on to its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Durability {
    /// Synced to disk before it is renamed into place: what a person wrote or will send on.
    Synced,
    /// Renamed into place without waiting for the disk: files kaiji can make again from their
    /// sources (the JSON of a batch import). A crash still never leaves half a file.
    Atomic,
}

/// Writes a file through a temporary sibling that is renamed into place, so a crash never leaves
/// half a file; without `force`, an existing file is never replaced.
pub(crate) fn write_new_file(path: &Path, bytes: &[u8], force: bool) -> Result<(), UserError> {
    write_file(path, bytes, force, Durability::Synced)
}

pub(crate) fn write_file(
    path: &Path,
    bytes: &[u8],
    force: bool,
    durability: Durability,
) -> Result<(), UserError> {
    use std::io::Write;
    // The reason alone: the temporary file's name (`.tmp2CUh9s`) means nothing to the user.
    let fail = |e: &std::io::Error| {
        UserError::new(
            format!("{}: 書き込めません: {}", path.display(), io_reason_ja(e)),
            format!("{}: cannot write: {}", path.display(), io_reason(e)),
        )
    };
    if path.is_dir() {
        return Err(UserError::new(
            format!(
                "{} はディレクトリです。出力するファイルの名前を指定してください",
                path.display()
            ),
            format!("{} is a directory: name the file to write", path.display()),
        ));
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(UserError::new(
            format!(
                "{}: 書き込めません: フォルダ {} がありません",
                path.display(),
                dir.display()
            ),
            format!(
                "{}: cannot write: no folder {}",
                path.display(),
                dir.display()
            ),
        ));
    }
    let mut tmp = temp_file_in(dir).map_err(|e| fail(&e))?;
    tmp.write_all(bytes).map_err(|e| fail(&e))?;
    if durability == Durability::Synced {
        tmp.as_file().sync_all().map_err(|e| fail(&e))?;
    }
    let persisted = if force {
        tmp.persist(path)
    } else {
        tmp.persist_noclobber(path)
    };
    persisted.map(drop).map_err(|e| {
        if e.error.kind() == std::io::ErrorKind::AlreadyExists {
            UserError::new(
                format!("{} は既にあります(上書きするには --force)", path.display()),
                format!(
                    "{} already exists (use --force to overwrite)",
                    path.display()
                ),
            )
        } else {
            fail(&e.error)
        }
    })
}

/// A temporary file beside the target, created with mode 0666 so that the process's umask
/// decides the final permissions, as for any file a program creates (tempfile's default, 0600,
/// would keep colleagues on a shared drive out).
fn temp_file_in(dir: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    builder.tempfile_in(dir)
}

/// The OS's reason for an I/O error, without the temporary file's path that tempfile appends
/// (`… at path "/dir/.tmp2CUh9s"`).
fn io_reason(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at path \"") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

pub(crate) fn io_reason_ja(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "ファイルがありません".to_owned(),
        std::io::ErrorKind::PermissionDenied => "アクセス権がありません".to_owned(),
        std::io::ErrorKind::IsADirectory => "ディレクトリです".to_owned(),
        std::io::ErrorKind::StorageFull => "ディスクの空きがありません".to_owned(),
        std::io::ErrorKind::ReadOnlyFilesystem => "読み取り専用のファイルシステムです".to_owned(),
        _ => io_reason(e),
    }
}
