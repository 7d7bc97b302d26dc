//! `kaiji review` and `kaiji policy`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use kaiji_catalog::{Lang, Registry, Text};
use kaiji_model::{
    Disclosure, IsoDate, Severity,
    review::{Guideline, POLICY_TEMPLATE, Policy, Review},
};
use rayon::prelude::*;

use crate::{
    Outcome, UserError,
    cli::{Choice, CompareArgs, PolicyCommand, ReviewArgs},
    files::{deliver, read_document, read_text, write_new_file},
    output::Out,
};

/// The ids of the loaded policies (shipped, or replaced and added with `--catalog-file`).
fn policy_ids(registry: &Registry) -> Vec<&str> {
    registry
        .of_kind(kaiji_catalog::Kind::Policy)
        .map(|c| c.header.id.as_str())
        .collect()
}

/// A loaded policy by id (shipped, or from `--catalog-file`), or a policy file.
fn load_policy(registry: &Registry, name_or_path: &str) -> Result<Policy, UserError> {
    if let Some(policy) = Policy::find(registry, name_or_path) {
        return Ok(policy?);
    }
    let path = Path::new(name_or_path);
    if !path.exists() {
        let names = policy_ids(registry);
        return Err(UserError::new(
            format!(
                "方針 {name_or_path} はありません(読み込み済み: {}、またはファイルのパス)",
                names.join(", ")
            ),
            format!(
                "no policy {name_or_path} (loaded: {}, or the path of a file)",
                names.join(", ")
            ),
        ));
    }
    let text = read_text(path)?;
    Ok(Policy::read(&path.display().to_string(), &text)?)
}

/// The cited edition (`--guideline`) and the policy, with the edition the policy's selectors name
/// checked: an edition that is not loaded is a usage error (exit 2) listing the loaded ones.
fn load_guideline_and_policy(
    registry: &Registry,
    guideline: &str,
    policy: &str,
) -> Result<(Guideline, Policy), UserError> {
    let guideline = Guideline::resolve(registry, guideline)
        .map_err(|e| UserError::from(e).map_text(|t| with_option("--guideline", t)))?;
    let policy = load_policy(registry, policy)?;
    policy.selector_edition(registry, &guideline).map_err(|e| {
        UserError::from(e).map_text(|t| with_option(&format!("policy {}: guideline", policy.id), t))
    })?;
    Ok((guideline, policy))
}

fn with_option(what: &str, t: Text) -> Text {
    Text::new(format!("{what}: {}", t.ja), format!("{what}: {}", t.en))
}

/// A file's document and its review, or why it could not be read.
type Reviewed = Result<(Disclosure, Review), Text>;

/// `--today`, or the clock's date. A `--today` more than 20 years after the clock's date
/// (9999-12-31) is warned about: every expiry and end of support before it looks past.
pub(crate) fn review_date(today: Option<IsoDate>, out: &Out) -> jiff::civil::Date {
    let clock = jiff::Zoned::now().date();
    if let Some(given) = today
        && kaiji_model::diag::far_future(given.date(), clock)
    {
        out.warn(&Text::new(
            format!("--today {given} は今日({clock})の20年以上先です。期限やサポート終了はすべて過ぎたものとして扱われます"),
            format!("--today {given} is more than 20 years after today ({clock}); every expiry and end of support before it counts as past"),
        ));
    }
    today.map_or(clock, IsoDate::date)
}

/// The render layer's error as the user's: an unsupported format is a usage error.
pub(crate) fn render_error(e: &kaiji_report::Error) -> UserError {
    UserError::of(e.kind(), e.text())
}

/// A file as the file system knows it, so that `a.json` and `./a.json` are one.
fn file_key(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Warns (standard error) about each file named again: it would be counted twice.
pub(crate) fn warn_repeated_files(paths: &[PathBuf], out: &Out) {
    let keys: Vec<PathBuf> = paths.iter().map(|p| file_key(p)).collect();
    let mut seen: HashMap<&PathBuf, usize> = HashMap::new();
    for (i, key) in keys.iter().enumerate() {
        if let Some(&first) = seen.get(key) {
            let (a, b) = (paths[first].display(), paths[i].display());
            out.warn(&Text::new(
                format!("同じファイルが2回指定されています: {a} と {b}"),
                format!("the same file is named twice: {a} and {b}"),
            ));
        }
        seen.entry(key).or_insert(i);
    }
}

/// Warns (standard error) about two files (not one file named twice) that disclose the same
/// organisation, product and version: a review or comparison would count that release twice.
pub(crate) fn warn_repeated_products(docs: &[(&Path, &Disclosure)], out: &Out) {
    // Documents of one release have one key, so they are grouped in one pass; each file's key is
    // computed once.
    let keys: Vec<PathBuf> = docs.iter().map(|(p, _)| file_key(p)).collect();
    let mut by_release: HashMap<(String, String, String), Vec<usize>> = HashMap::new();
    for (i, (path, doc)) in docs.iter().enumerate() {
        let release = kaiji_model::disclosure::release_key(&doc.subject);
        let same = by_release.entry(release).or_default();
        let earlier = same.iter().copied().find(|&j| keys[j] != keys[i]);
        same.push(i);
        if let Some(first) = earlier {
            let s = &doc.subject;
            let release = format!("{} {} {}", s.organisation, s.product, s.version);
            let (a, b) = (docs[first].0.display(), path.display());
            out.warn(&Text::new(
                format!("{a} と {b} は同じ製品・バージョンの開示書です({release})"),
                format!("{a} and {b} disclose the same product and version ({release})"),
            ));
        }
    }
}

/// Reads disclosures; every unreadable file is reported, then the command fails.
fn read_documents(paths: &[PathBuf]) -> Result<Vec<Disclosure>, UserError> {
    let mut docs = Vec::new();
    let (mut failed, mut failed_en) = (Vec::new(), Vec::new());
    for path in paths {
        match read_document(path) {
            Ok(doc) => docs.push(doc),
            Err(e) => {
                failed.push(e.text.ja);
                failed_en.push(e.text.en);
            }
        }
    }
    if failed.is_empty() {
        Ok(docs)
    } else {
        Err(UserError::new(failed.join("\n"), failed_en.join("\n")))
    }
}

pub(crate) fn compare(
    args: &CompareArgs,
    registry: &Registry,
    out: &mut Out,
) -> Result<Outcome, UserError> {
    // The format is settled before any work: an extension compare does not write is a usage
    // error, not a file of text.
    let choice = args
        .out
        .choose("compare", kaiji_report::COMPARE_FORMATS, Choice::Text)?;
    let (guideline, policy) = load_guideline_and_policy(registry, &args.guideline, &args.policy)?;
    let options = kaiji_model::review::ReviewOptions {
        today: review_date(args.today, out),
        max_age_days: None,
    };
    warn_repeated_files(&args.files, out);
    let docs = read_documents(&args.files)?;
    let named: Vec<(&Path, &Disclosure)> =
        args.files.iter().map(PathBuf::as_path).zip(&docs).collect();
    warn_repeated_products(&named, out);
    let c = kaiji_model::review::compare(&docs, registry, &policy, &guideline, options)?;
    let lang = out.lang;
    let bytes: Vec<u8> = match choice {
        Choice::File(format) => {
            kaiji_report::render_compare(&c, format, lang)
                .map_err(|e| render_error(&e))?
                .bytes
        }
        Choice::Text => compare_text(&c, lang).into_bytes(),
    };
    deliver(out, &args.out, choice, &bytes, |path| {
        Text::new(
            format!(
                "{} を作成しました({} 社 × {} 項目、{})",
                path.display(),
                c.vendors.len(),
                c.rows.len(),
                c.catalog
            ),
            format!(
                "wrote {} ({} vendors × {} items, {})",
                path.display(),
                c.vendors.len(),
                c.rows.len(),
                c.catalog
            ),
        )
    })?;
    Ok(Outcome::Clean)
}

fn answer_mark(cell: &kaiji_model::review::MatrixCell) -> &'static str {
    use kaiji_catalog::Answer;
    match (cell.applies, cell.answer) {
        (false, _) => "",
        (true, Some(Answer::Yes)) => "○",
        (true, Some(Answer::No)) => "×",
        (true, Some(Answer::Na)) => "－",
        (true, None) => "?",
    }
}

fn compare_text(c: &kaiji_model::review::Comparison, lang: Lang) -> String {
    let mut text = String::new();
    let ja = lang == Lang::Ja;
    text.push_str(&format!(
        "{} {} / {} {}\n",
        if ja {
            "チェックリスト"
        } else {
            "checklist"
        },
        c.catalog,
        if ja { "方針" } else { "policy" },
        c.policy
    ));
    text.push_str(&format!(
        "  {}: {} ({})\n",
        if ja {
            "引用する安全管理GL"
        } else {
            "guideline cited"
        },
        c.guideline.title.get(lang),
        c.guideline.key
    ));
    text.push_str(&format!(
        "  {}\n",
        kaiji_model::review::Comparison::definitions().get(lang)
    ));
    for (i, v) in c.vendors.iter().enumerate() {
        let s = v.totals.score;
        text.push_str(&format!(
            "  [{}] {} ({}, {}){}: {} {} / {} {}\n",
            i + 1,
            v.label(),
            v.kind.to_string().to_uppercase(),
            v.catalog,
            if v.migrated {
                if ja {
                    " 移行して比較"
                } else {
                    " migrated"
                }
            } else {
                ""
            },
            if ja { "逸脱" } else { "departures" },
            v.totals.departures,
            if ja { "スコア" } else { "score" },
            s,
        ));
    }
    text.push_str(if ja {
        "  ○ はい × いいえ － 該当なし ? 未回答、! 方針からの逸脱\n"
    } else {
        "  ○ yes × no － n/a ? unanswered, ! departs from the policy\n"
    });
    let heads: Vec<String> = (1..=c.vendors.len()).map(|i| format!("[{i}]")).collect();
    text.push_str(&format!(
        "{} {}\n",
        crate::output::pad("", 12),
        heads.join(" ")
    ));
    for row in &c.rows {
        let marks: Vec<String> = row
            .cells
            .iter()
            .map(|cell| {
                let flag = if cell
                    .departure
                    .is_some_and(|d| d != kaiji_model::Code::MissingAnswer)
                {
                    "!"
                } else {
                    ""
                };
                crate::output::pad(&format!("{}{flag}", answer_mark(cell)), 3)
            })
            .collect();
        text.push_str(&format!(
            "{} {}\n",
            crate::output::pad(&row.item, 12),
            marks.join(" ")
        ));
    }
    text
}

pub(crate) fn review(
    args: &ReviewArgs,
    registry: &Registry,
    out: &mut Out,
) -> Result<Outcome, UserError> {
    let choice = args
        .out
        .choose("review", kaiji_report::REVIEW_FORMATS, Choice::Text)?;
    let (guideline, policy) = load_guideline_and_policy(registry, &args.guideline, &args.policy)?;
    let options = kaiji_model::review::ReviewOptions {
        today: review_date(args.today, out),
        max_age_days: args.max_age,
    };
    warn_repeated_files(&args.files, out);
    // The vendors' remote service profiles: their connection checks join the reviews of their
    // disclosures (the reviewer decides which).
    let advisories = crate::files::read_advisories(&args.advisories)?;
    let mut profiles = Vec::new();
    for path in &args.rss_profiles {
        let origin = path.display().to_string();
        let profile = kaiji_model::rss::Profile::parse(&origin, &read_text(path)?)?;
        profiles.push((origin, profile));
    }
    let services: Vec<kaiji_model::review::RemoteService<'_>> = profiles
        .iter()
        .map(|(origin, profile)| kaiji_model::review::RemoteService {
            origin,
            profile,
            advisories: &advisories,
        })
        .collect();
    // Documents are read and reviewed on all cores; a file that cannot be read is reported with
    // the others, then the run exits 2.
    let reviewer = kaiji_model::review::Reviewer::new(registry, &policy, &guideline)
        .with_remote_services(&services);
    let results: Vec<(String, Reviewed)> = args
        .files
        .par_iter()
        .map(|path| {
            let reviewed = read_document(path).map(|doc| {
                let review = reviewer.review(&doc, options);
                (doc, review)
            });
            (path.display().to_string(), reviewed.map_err(|e| e.text))
        })
        .collect();
    let read: Vec<(&Path, &Disclosure)> = args
        .files
        .iter()
        .zip(&results)
        .filter_map(|(path, (_, r))| Some((path.as_path(), &r.as_ref().ok()?.0)))
        .collect();
    warn_repeated_products(&read, out);
    let mut reviews: Vec<(String, &Disclosure, &Review)> = Vec::new();
    let mut failed: Vec<&Text> = Vec::new();
    for (file, result) in &results {
        match result {
            Ok((doc, review)) => reviews.push((file.clone(), doc, review)),
            Err(e) => failed.push(e),
        }
    }
    // An input that failed leaves no partial file behind (`-o` is not written), and its error
    // goes to standard error, never into the JSON or CSV on standard output.
    let write_output = failed.is_empty() || args.out.output.is_none();
    if write_output {
        let bytes = match choice {
            Choice::File(format) => {
                let today = IsoDate::new(options.today).to_string();
                kaiji_report::render_review(&reviews, &policy, &today, format, out.lang)
                    .map_err(|e| render_error(&e))?
                    .bytes
            }
            Choice::Text => {
                let mut text = Out::memory(out.lang);
                for (file, doc, review) in &reviews {
                    print_review(file, doc, review, &policy, &mut text);
                }
                text.into_bytes()
            }
        };
        deliver(out, &args.out, choice, &bytes, |path| {
            Text::new(
                format!(
                    "{} を作成しました({} 件の開示書)",
                    path.display(),
                    reviews.len()
                ),
                format!("wrote {} ({} disclosures)", path.display(), reviews.len()),
            )
        })?;
    }
    if !failed.is_empty() {
        let reasons = |lang: Lang| {
            failed
                .iter()
                .map(|e| format!("\n  {}", e.get(lang)))
                .collect::<String>()
        };
        let not_written = |ja: bool| match (&args.out.output, ja) {
            (Some(path), true) => format!("。{} は書き出していません", path.display()),
            (Some(path), false) => format!("; {} was not written", path.display()),
            (None, _) => String::new(),
        };
        return Err(UserError::new(
            format!(
                "{} 件のファイルを読み込めませんでした{}:{}",
                failed.len(),
                not_written(true),
                reasons(Lang::Ja)
            ),
            format!(
                "{} file(s) could not be read{}:{}",
                failed.len(),
                not_written(false),
                reasons(Lang::En)
            ),
        ));
    }
    let denied = reviews
        .iter()
        .any(|(_, _, r)| r.count_at_least(args.deny) > 0);
    Ok(if denied {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

fn print_review(file: &str, doc: &Disclosure, review: &Review, policy: &Policy, out: &mut Out) {
    let s = &doc.subject;
    out.line(format!(
        "{file}: {} {} {} ({}, {})",
        doc.kind.to_string().to_uppercase(),
        s.organisation,
        s.product,
        s.version,
        doc.catalog
    ));
    let (met, total) = (review.score.met, review.score.total);
    out.line(match out.lang {
        Lang::Ja => format!(
            "  方針 {}({}): スコア {}({met}/{total})。引用: {}",
            policy.id, policy.title.ja, review.score, review.guideline.key
        ),
        Lang::En => format!(
            "  policy {} ({}): score {} ({met}/{total}); cites {}",
            policy.id, policy.title.en, review.score, review.guideline.key
        ),
    });
    for section in &review.sections {
        let title = out.t(&section.title);
        out.line(format!(
            "    {} {} {} {}",
            section.id,
            crate::output::pad(title, 36),
            crate::output::pad(&section.score.to_string(), 5),
            match out.lang {
                Lang::Ja => format!("逸脱 {}/{}", section.departures, section.items),
                Lang::En => format!("departures {}/{}", section.departures, section.items),
            }
        ));
    }
    if !review.gl.is_empty() {
        let label = review.guideline.label();
        out.line(match out.lang {
            Lang::Ja => format!("  逸脱のある{}の箇所:", label.ja),
            Lang::En => format!("  {} entries with departures:", label.en),
        });
        for touch in &review.gl {
            // A part's title begins with its name; a chapter is named by its name and title.
            let label = match &touch.title {
                Some(title) if !touch.id.contains(' ') => out.t(title).to_owned(),
                Some(title) => format!("{} {}", out.t(&touch.name), out.t(title)),
                None => out.t(&touch.name).to_owned(),
            };
            let mark = match (touch.confidence, out.lang) {
                (kaiji_catalog::Confidence::V, _) => String::new(),
                (c, Lang::Ja) => format!(" (確度 {c})"),
                (c, Lang::En) => format!(" (confidence {c})"),
            };
            out.line(format!("    {label}{mark} ({})", touch.departures));
        }
    }
    for f in &review.findings {
        out.line(format!("  {}", out.finding(f)));
    }
    for w in &review.waived {
        out.line(match out.lang {
            Lang::Ja => format!("  免除中: {}({} まで): {}", w.item, w.expires, w.reason),
            Lang::En => format!("  waived: {} (until {}): {}", w.item, w.expires, w.reason),
        });
    }
}

pub(crate) fn policy(
    cmd: PolicyCommand,
    registry: &Registry,
    out: &mut Out,
) -> Result<Outcome, UserError> {
    match cmd {
        PolicyCommand::Init(args) => {
            write_new_file(&args.output, POLICY_TEMPLATE.as_bytes(), args.force)?;
            out.line(match out.lang {
                Lang::Ja => format!(
                    "{} を作成しました。編集して kaiji policy check で確かめてください",
                    args.output.display()
                ),
                Lang::En => format!(
                    "wrote {}; edit it and check it with kaiji policy check",
                    args.output.display()
                ),
            });
            Ok(Outcome::Clean)
        }
        PolicyCommand::List => {
            for name in policy_ids(registry) {
                let policy = load_policy(registry, name)?;
                out.line(format!(
                    "{} {}",
                    crate::output::pad(name, 14),
                    out.t(&policy.title)
                ));
            }
            Ok(Outcome::Clean)
        }
        PolicyCommand::Show(args) => {
            match registry.data(kaiji_catalog::Kind::Policy, &args.policy) {
                // A loaded policy as a plain policy file: `--policy FILE` reads it back.
                Some(catalog) => {
                    out.raw(&Policy::from_catalog(catalog)?.to_yaml());
                }
                None => out.raw(&read_text(Path::new(&args.policy))?),
            }
            Ok(Outcome::Clean)
        }
        PolicyCommand::Check(args) => {
            let guideline = Guideline::resolve(registry, &args.guideline)
                .map_err(|e| UserError::from(e).map_text(|t| with_option("--guideline", t)))?;
            let mut problems_found = false;
            let mut unreadable = 0;
            for path in &args.files {
                let file = path.display().to_string();
                let policy = match read_text(path).and_then(|text| Ok(Policy::read(&file, &text)?))
                {
                    Ok(p) => p,
                    Err(e) => {
                        out.line(out.t(&e.text));
                        unreadable += 1;
                        continue;
                    }
                };
                let problems = policy.check(registry, &guideline, jiff::Zoned::now().date());
                for p in &problems {
                    out.line(format!("{file}: {}", out.finding(p)));
                }
                if problems.is_empty() {
                    out.line(format!(
                        "{file}: {}",
                        out.pick("問題はありません", "no problems")
                    ));
                }
                // Warnings (a rule that selects nothing) are shown; errors decide the exit code.
                problems_found |= problems.iter().any(|p| p.severity == Severity::Error);
            }
            if unreadable > 0 {
                return Err(UserError::new(
                    format!("{unreadable} 件の方針ファイルを読めませんでした"),
                    format!("{unreadable} policy file(s) could not be read"),
                ));
            }
            Ok(if problems_found {
                Outcome::Findings
            } else {
                Outcome::Clean
            })
        }
    }
}
