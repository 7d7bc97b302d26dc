//! `kaiji import`, `kaiji export`, `kaiji catalog derive`: workbooks in and out.

use std::{
    io::IsTerminal,
    path::{Path, PathBuf},
};

use kaiji_catalog::{Registry, Text};
use kaiji_model::{
    Disclosure, DocKind, Finding,
    api::{ImportedDocument, ImportedFile},
};
use kaiji_xlsx::{ImportOptions, Imported};
use rayon::prelude::*;

use crate::{
    Outcome, UserError,
    cli::{DeriveArgs, ExportArgs, Format, ImportArgs},
    files::{Durability, MAX_WORKBOOK_BYTES, read_bytes, read_text, write_file, write_new_file},
    output::Out,
};

impl From<kaiji_xlsx::Error> for UserError {
    fn from(e: kaiji_xlsx::Error) -> Self {
        Self::of(e.kind(), e.text())
    }
}

/// Whether a path names a workbook kaiji reads (Excel's lock files, `~$book.xlsx`, do not).
pub(crate) fn is_workbook(p: &Path) -> bool {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let ext = p
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    !name.starts_with("~$") && matches!(ext.as_str(), "xlsx" | "xlsm" | "xls" | "xlsb" | "ods")
}

/// The workbooks named on the command line: files as given, directories searched (sorted).
fn workbooks(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, UserError> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()?;
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, out)?;
            } else if is_workbook(&path) {
                out.push(path);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    for input in inputs {
        if input.is_dir() {
            walk(input, &mut out).map_err(|e| {
                crate::files::in_file(
                    input,
                    UserError::new(crate::files::io_reason_ja(&e), e.to_string()),
                )
            })?;
        } else {
            out.push(input.clone());
        }
    }
    Ok(out)
}

/// One document read from a workbook, as the worker leaves it: serialised already (on the
/// worker's core), with what the report needs.
struct Read {
    sheet: String,
    kind: DocKind,
    catalog: String,
    items: usize,
    findings: Vec<Finding>,
    json: String,
}

impl From<Imported> for Read {
    fn from(i: Imported) -> Self {
        Self {
            json: i.document.to_json(),
            kind: i.document.kind,
            catalog: i.document.catalog.to_string(),
            items: i.document.answers.len(),
            sheet: i.sheet,
            findings: i.findings,
        }
    }
}

/// What became of one workbook.
struct FileResult {
    path: PathBuf,
    outcome: Result<Vec<(Read, PathBuf)>, UserError>,
}

pub(crate) fn import(
    args: ImportArgs,
    registry: &Registry,
    out: &mut Out,
) -> Result<Outcome, UserError> {
    if let Some(output) = &args.output {
        crate::cli::expect_extension("import", output, &["json"])?;
    }
    let files = workbooks(&args.inputs)?;
    if files.is_empty() {
        return Err(UserError::new(
            "取り込むワークブックがありません",
            "no workbooks to import",
        ));
    }
    if args.output.is_some() && files.len() > 1 {
        return Err(UserError::new(
            "-o は入力が1つのときだけ使えます(複数なら --out-dir)",
            "-o takes a single workbook; use --out-dir for several",
        ));
    }
    if let Some(dir) = &args.out_dir {
        std::fs::create_dir_all(dir).map_err(|e| {
            UserError::new(
                format!("{}: ディレクトリを作れません: {e}", dir.display()),
                format!("{}: cannot create the directory: {e}", dir.display()),
            )
        })?;
    }
    let options = ImportOptions {
        catalog: args.catalog.as_deref().map(str::parse).transpose()?,
        sheet: args.sheet.clone(),
        kind: args.kind,
        ..ImportOptions::default()
    };
    let progress = (!args.quiet && files.len() > 1 && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(files.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {wide_msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let work = |path: &PathBuf| {
        let outcome = read_bytes(path, MAX_WORKBOOK_BYTES).and_then(|bytes| {
            kaiji_xlsx::import(&bytes, registry, &options)
                .map(|docs| docs.into_iter().map(Read::from).collect::<Vec<_>>())
                .map_err(|e| crate::files::in_file(path, e))
        });
        if let Some(bar) = &progress {
            bar.inc(1);
            bar.set_message(path.display().to_string());
        }
        (path.clone(), outcome)
    };
    // Write the documents, in input order. Workbooks that share a name (book.xlsx, book.xlsm)
    // keep their extension in the output name; two outputs that would still land on one path
    // (the same name in two folders) get -2, -3 …: no output overwrites another of this run.
    let stem = |p: &Path| p.file_stem().map(std::ffi::OsStr::to_os_string);
    let mut stems: std::collections::BTreeMap<Option<std::ffi::OsString>, usize> =
        std::collections::BTreeMap::new();
    for f in &files {
        *stems.entry(stem(f)).or_default() += 1;
    }
    let mut taken: std::collections::BTreeSet<PathBuf> = std::collections::BTreeSet::new();
    let mut write = |path: PathBuf, outcome: Result<Vec<Read>, UserError>| {
        let shared = stems.get(&stem(&path)).copied().unwrap_or(0) > 1;
        let outcome = outcome.and_then(|docs| {
            if args.output.is_some() && docs.len() > 1 {
                let sheets: Vec<&str> = docs.iter().map(|d| d.sheet.as_str()).collect();
                return Err(crate::files::in_file(
                    &path,
                    UserError::new(
                        format!("チェックリストが {} 枚あります({}): --sheet で選ぶか --out-dir を使ってください", docs.len(), sheets.join(", ")),
                        format!("the workbook holds {} checklists ({}): choose one with --sheet, or use --out-dir", docs.len(), sheets.join(", ")),
                    ),
                ));
            }
            let several = docs.len() > 1;
            docs.into_iter()
                .map(|mut read| {
                    let sheet = several.then_some(read.sheet.as_str());
                    let target = unique(output_path(&args, &path, shared, sheet), &mut taken);
                    write_file(&target, read.json.as_bytes(), args.force, Durability::Atomic)?;
                    read.json = String::new();
                    Ok((read, target))
                })
                .collect::<Result<Vec<_>, UserError>>()
        });
        FileResult { path, outcome }
    };
    let mut done: Vec<FileResult> = Vec::with_capacity(files.len());
    if files.len() == 1 {
        // One workbook needs no thread pool (starting one costs more than reading a checklist).
        for f in &files {
            let (path, outcome) = work(f);
            done.push(write(path, outcome));
        }
    } else {
        // Workers read on all cores (or --jobs); this thread writes each result as soon as the
        // ones before it are written, so writing overlaps reading and the order stays the
        // input order.
        let pool = match args.jobs {
            Some(n) => Some(
                rayon::ThreadPoolBuilder::new()
                    .num_threads(n.max(1))
                    .build()
                    .map_err(|e| UserError::new(e.to_string(), e.to_string()))?,
            ),
            None => None,
        };
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::scope(|scope| {
            let files = &files;
            let work = &work;
            scope.spawn(move || {
                let run = || {
                    files
                        .par_iter()
                        .enumerate()
                        .for_each_with(tx, |tx, (i, f)| {
                            // The receiver lives until every result is in.
                            let _ = tx.send((i, work(f)));
                        });
                };
                match &pool {
                    Some(pool) => pool.install(run),
                    None => run(),
                }
            });
            let mut waiting = std::collections::BTreeMap::new();
            for (i, result) in rx {
                waiting.insert(i, result);
                while let Some((path, outcome)) = waiting.remove(&done.len()) {
                    done.push(write(path, outcome));
                }
            }
        });
    }
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    report(&done, &args, out);

    let failed = done.iter().filter(|r| r.outcome.is_err()).count();
    let denied = done
        .iter()
        .filter_map(|r| r.outcome.as_ref().ok())
        .flatten()
        .flat_map(|(i, _)| &i.findings)
        .any(|f| f.severity >= args.deny);
    if failed > 0 {
        return Err(UserError::new(
            format!("{failed} 件のワークブックを取り込めませんでした"),
            format!("{failed} workbook(s) could not be imported"),
        ));
    }
    Ok(if denied {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

/// `target`, or `target` with -2, -3 … before `.kaiji.json` when this run already wrote there.
fn unique(target: PathBuf, taken: &mut std::collections::BTreeSet<PathBuf>) -> PathBuf {
    let mut candidate = target.clone();
    let mut n = 2;
    while taken.contains(&candidate) {
        let name = target
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("workbook.kaiji.json");
        let stem = name.strip_suffix(".kaiji.json").unwrap_or(name);
        candidate = target.with_file_name(format!("{stem}-{n}.kaiji.json"));
        n += 1;
    }
    taken.insert(candidate.clone());
    candidate
}

/// Where a document goes: `-o`, or `<dir>/<stem>[.<sheet>].kaiji.json` beside the input or in
/// `--out-dir`.
fn output_path(
    args: &ImportArgs,
    input: &Path,
    keep_extension: bool,
    sheet: Option<&str>,
) -> PathBuf {
    if let Some(o) = &args.output
        && sheet.is_none()
    {
        return o.clone();
    }
    let dir = args
        .out_dir
        .clone()
        .or_else(|| {
            args.output
                .as_ref()
                .and_then(|o| o.parent().map(Path::to_path_buf))
        })
        .or_else(|| input.parent().map(Path::to_path_buf))
        .unwrap_or_default();
    let name = if keep_extension {
        input.file_name()
    } else {
        input.file_stem()
    };
    let stem = name.and_then(|s| s.to_str()).unwrap_or("workbook");
    let name = match sheet {
        Some(sheet) => {
            let safe: String = sheet
                .chars()
                .map(|c| {
                    if c.is_alphanumeric() || c == '-' || c == '_' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            format!("{stem}.{safe}.kaiji.json")
        }
        None => format!("{stem}.kaiji.json"),
    };
    dir.join(name)
}

fn report(done: &[FileResult], args: &ImportArgs, out: &mut Out) {
    if args.format.format == Format::Json {
        let files: Vec<ImportedFile> = done
            .iter()
            .map(|r| {
                let file = r.path.display().to_string();
                match &r.outcome {
                    Ok(docs) => ImportedFile::read(
                        file,
                        docs.iter()
                            .map(|(i, target)| ImportedDocument {
                                sheet: i.sheet.clone(),
                                output: target.display().to_string(),
                                kind: i.kind,
                                catalog: i.catalog.clone(),
                                findings: i.findings.clone(),
                            })
                            .collect(),
                    ),
                    Err(e) => ImportedFile::failed(file, out.t(&e.text)),
                }
            })
            .collect();
        out.json(&files);
        return;
    }
    let (mut imported, mut with_findings, mut failed) = (0, 0, Vec::new());
    for r in done {
        match &r.outcome {
            Ok(docs) => {
                for (i, target) in docs {
                    imported += 1;
                    if !i.findings.is_empty() {
                        with_findings += 1;
                    }
                    if !args.quiet {
                        for f in &i.findings {
                            out.line(format!("{}: {}", r.path.display(), out.finding(f)));
                        }
                    }
                    let (from, to) = (r.path.display(), target.display());
                    let kind = i.kind.to_string().to_uppercase();
                    let (catalog, items, found) = (&i.catalog, i.items, i.findings.len());
                    let summary = Text::new(
                        format!("{from} → {to}({kind}、{catalog}、{items} 項目、指摘 {found} 件)"),
                        format!(
                            "{from} → {to} ({kind}, {catalog}, {items} items, {found} findings)"
                        ),
                    );
                    out.line(out.t(&summary));
                }
            }
            Err(e) => failed.push((r.path.display().to_string(), out.t(&e.text).to_owned())),
        }
    }
    for (_, reason) in &failed {
        let label = out.pick("失敗", "failed");
        out.line(format!("{label}: {reason}"));
    }
    let summary = Text::new(
        format!(
            "取り込み {imported} 件(指摘あり {with_findings} 件)、失敗 {} 件",
            failed.len()
        ),
        format!(
            "imported {imported} ({with_findings} with findings), failed {}",
            failed.len()
        ),
    );
    out.line(out.t(&summary));
}

pub(crate) fn export(
    args: &ExportArgs,
    registry: &Registry,
    out: &mut Out,
) -> Result<Outcome, UserError> {
    let text = read_text(&args.input)?;
    let doc = Disclosure::from_json(&text).map_err(|e| {
        crate::files::in_file(&args.input, e).map_text(|t| {
            Text::new(
                format!("{}(`kaiji validate` で確認してください)", t.ja),
                format!("{} (see `kaiji validate`)", t.en),
            )
        })
    })?;
    match &args.into {
        None => {
            crate::cli::expect_extension("export", &args.output, &["xlsx"])?;
            let bytes = kaiji_xlsx::export(&doc, registry, out.lang)?;
            write_new_file(&args.output, &bytes, args.force)?;
            let done = Text::new(
                format!(
                    "{} を書き出しました({} 項目)",
                    args.output.display(),
                    doc.answers.len()
                ),
                format!(
                    "wrote {} ({} items)",
                    args.output.display(),
                    doc.answers.len()
                ),
            );
            out.line(out.t(&done));
            Ok(Outcome::Clean)
        }
        Some(blank) => {
            // A macro-enabled book stays one: its content type says so, and Excel refuses an
            // .xlsx that carries it (and the other way round).
            let ext = |p: &Path| {
                p.extension()
                    .and_then(|e| e.to_str())
                    .map(str::to_ascii_lowercase)
            };
            if ext(blank) != ext(&args.output) {
                return Err(UserError::new(
                    format!(
                        "出力の拡張子は記入先 {} と同じにしてください",
                        blank.display()
                    ),
                    format!(
                        "the output must have the extension of the blank {}",
                        blank.display()
                    ),
                ));
            }
            let bytes = read_bytes(blank, MAX_WORKBOOK_BYTES)?;
            let (filled, report) = kaiji_xlsx::fill(&doc, &bytes, registry)
                .map_err(|e| crate::files::in_file(blank, e))?;
            write_new_file(&args.output, &filled, args.force)?;
            for pointer in &report.unplaced {
                let t = Text::new(
                    format!(
                        "{}: {pointer} を書くセルがブランクにありません(書き出されていません)",
                        blank.display()
                    ),
                    format!(
                        "{}: the blank has no cell for {pointer} (not written)",
                        blank.display()
                    ),
                );
                out.line(out.t(&t));
            }
            let done = Text::new(
                format!(
                    "{} を書き出しました(シート {} に {} セルを記入、置き場のない値 {} 件)",
                    args.output.display(),
                    report.sheet,
                    report.written.len(),
                    report.unplaced.len()
                ),
                format!(
                    "wrote {} ({} cells filled in sheet {}, {} values with no place)",
                    args.output.display(),
                    report.written.len(),
                    report.sheet,
                    report.unplaced.len()
                ),
            );
            out.line(out.t(&done));
            Ok(if report.unplaced.is_empty() {
                Outcome::Clean
            } else {
                Outcome::Findings
            })
        }
    }
}

pub(crate) fn derive(args: &DeriveArgs, out: &mut Out) -> Result<Outcome, UserError> {
    let bytes = read_bytes(&args.blank, MAX_WORKBOOK_BYTES)?;
    let source = args.blank.file_name().map_or_else(
        || args.blank.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let options = kaiji_xlsx::DeriveOptions {
        id: args.id.clone(),
        version: args.version.clone(),
        revision: args.revision.clone(),
        title: Text::new(
            format!("{source} から作成したチェックリスト"),
            format!("checklist derived from {source}"),
        ),
        publisher: "JAHIS/JIRA".into(),
        source,
    };
    let yaml =
        kaiji_xlsx::derive(&bytes, &options).map_err(|e| crate::files::in_file(&args.blank, e))?;
    // The derived catalog must load and pass the self-check, like any catalog.
    let catalog = kaiji_catalog::parse(&args.output.display().to_string(), &yaml)?;
    let items = catalog.len();
    write_new_file(&args.output, yaml.as_bytes(), args.force)?;
    let done = Text::new(
        format!("{} を書き出しました({} 項目)", args.output.display(), items),
        format!("wrote {} ({} items)", args.output.display(), items),
    );
    out.line(out.t(&done));
    Ok(Outcome::Clean)
}
