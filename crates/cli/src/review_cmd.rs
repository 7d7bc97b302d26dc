//! `kaiji review` and `kaiji policy`.

use std::path::Path;

use kaiji_catalog::{Lang, Registry, Text};
use kaiji_model::{BUILTIN_POLICIES, Disclosure, IsoDate, POLICY_TEMPLATE, Policy, Review};
use serde::Serialize;

use crate::{
    Outcome, UserError,
    cli::{PolicyCommand, ReportFormat, ReviewArgs},
    files::{read_text, write_new_file},
    output::{Out, csv_row},
};

/// A shipped policy by name, or a policy file.
fn load_policy(name_or_path: &str) -> Result<Policy, UserError> {
    if let Some(policy) = Policy::builtin(name_or_path) {
        return Ok(policy);
    }
    let path = Path::new(name_or_path);
    if !path.exists() {
        let names: Vec<&str> = BUILTIN_POLICIES.iter().map(|(n, _)| *n).collect();
        return Err(UserError::new(
            format!(
                "方針 {name_or_path} はありません(同梱: {}、またはファイルのパス)",
                names.join(", ")
            ),
            format!(
                "no policy {name_or_path} (shipped: {}, or the path of a file)",
                names.join(", ")
            ),
        ));
    }
    let text = read_text(path)?;
    Ok(Policy::parse(&path.display().to_string(), &text)?)
}

/// One reviewed file, as JSON output shows it.
#[derive(Serialize)]
struct FileReview<'a> {
    file: String,
    kind: String,
    catalog: String,
    organisation: &'a str,
    product: &'a str,
    version: &'a str,
    date: String,
    #[serde(flatten)]
    review: &'a Review,
}

pub(crate) fn review(
    args: &ReviewArgs,
    registry: &Registry,
    out: &mut Out,
) -> Result<Outcome, UserError> {
    let policy = load_policy(&args.policy)?;
    let today = match &args.today {
        Some(t) => t
            .parse::<IsoDate>()
            .map_err(|e| {
                UserError::new(
                    format!("--today: {}", e.message(Lang::Ja)),
                    format!("--today: {}", e.message(Lang::En)),
                )
            })?
            .date(),
        None => jiff::Zoned::now().date(),
    };
    let options = kaiji_model::ReviewOptions {
        today,
        max_age_days: args.max_age,
    };
    // Every file is read first: a bad one is reported with the others, then exit 2.
    let mut docs: Vec<(String, Disclosure)> = Vec::new();
    let mut failed: Vec<Text> = Vec::new();
    for path in &args.files {
        let read = read_text(path).and_then(|text| {
            Disclosure::from_json(&text).map_err(|e| {
                UserError::new(
                    format!("{}: {}", path.display(), e.message(Lang::Ja)),
                    format!("{}: {}", path.display(), e.message(Lang::En)),
                )
            })
        });
        match read {
            Ok(doc) => docs.push((path.display().to_string(), doc)),
            Err(e) => failed.push(e.0),
        }
    }
    let reviews: Vec<(String, &Disclosure, Review)> = docs
        .iter()
        .map(|(file, doc)| {
            (
                file.clone(),
                doc,
                kaiji_model::review(doc, registry, &policy, options),
            )
        })
        .collect();
    match args.format {
        ReportFormat::Json => {
            let files: Vec<FileReview<'_>> = reviews
                .iter()
                .map(|(file, doc, review)| FileReview {
                    file: file.clone(),
                    kind: doc.kind.to_string(),
                    catalog: doc.catalog.to_string(),
                    organisation: &doc.subject.organisation,
                    product: &doc.subject.product,
                    version: &doc.subject.version,
                    date: doc.subject.date.to_string(),
                    review,
                })
                .collect();
            out.json(&files);
        }
        ReportFormat::Csv => {
            // A byte order mark: Excel reads the file as UTF-8 only with one.
            out.raw("\u{feff}");
            let header: [&str; 12] = match out.lang {
                Lang::Ja => [
                    "ファイル",
                    "製造業者・事業者",
                    "製品・サービス",
                    "バージョン",
                    "種類",
                    "チェックリスト",
                    "重大度",
                    "コード",
                    "項目",
                    "場所",
                    "GL 6.0",
                    "内容",
                ],
                Lang::En => [
                    "file",
                    "organisation",
                    "product",
                    "version",
                    "kind",
                    "checklist",
                    "severity",
                    "code",
                    "item",
                    "location",
                    "GL 6.0",
                    "message",
                ],
            };
            out.line(csv_row(header));
            for (file, doc, review) in &reviews {
                let kind = doc.kind.to_string();
                let catalog = doc.catalog.to_string();
                for f in &review.findings {
                    let location = f.location.to_string();
                    let refs = f.refs.join(" / ");
                    out.line(csv_row([
                        file.as_str(),
                        &doc.subject.organisation,
                        &doc.subject.product,
                        &doc.subject.version,
                        &kind,
                        &catalog,
                        out.t(&f.severity.label()),
                        f.code.as_str(),
                        f.item.as_deref().unwrap_or(""),
                        &location,
                        &refs,
                        f.message(out.lang),
                    ]));
                }
            }
        }
        ReportFormat::Text => {
            for (file, doc, review) in &reviews {
                print_review(file, doc, review, &policy, out);
            }
        }
    }
    if !failed.is_empty() {
        for e in &failed {
            let label = out.pick("読み込みエラー", "input error");
            out.line(format!("{label}: {}", out.t(e)));
        }
        return Err(UserError::new(
            format!("{} 件のファイルを読み込めませんでした", failed.len()),
            format!("{} file(s) could not be read", failed.len()),
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

fn percent(score: kaiji_model::Score) -> String {
    score
        .percent()
        .map_or_else(|| "-".to_owned(), |p| format!("{p}%"))
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
            "  方針 {}({}): スコア {}({met}/{total})",
            policy.id,
            policy.title.ja,
            percent(review.score)
        ),
        Lang::En => format!(
            "  policy {} ({}): score {} ({met}/{total})",
            policy.id,
            policy.title.en,
            percent(review.score)
        ),
    });
    for section in &review.sections {
        let title = out.t(&section.title);
        out.line(format!(
            "    {} {} {} {}",
            section.id,
            crate::output::pad(title, 36),
            crate::output::pad(&percent(section.score), 5),
            match out.lang {
                Lang::Ja => format!("逸脱 {}/{}", section.departures, section.items),
                Lang::En => format!("departures {}/{}", section.departures, section.items),
            }
        ));
    }
    if !review.gl.is_empty() {
        out.line(format!(
            "  {}",
            out.pick(
                "逸脱のある安全管理GL 6.0 の箇所:",
                "MHLW guideline 6.0 entries with departures:"
            )
        ));
        for touch in &review.gl {
            let title = touch.title.as_ref().map_or("", |t| out.t(t));
            out.line(format!("    {} {title} ({})", touch.id, touch.departures));
        }
    }
    for f in &review.findings {
        out.line(format!(
            "  {}: {}[{}]: {}",
            f.location,
            out.t(&f.severity.label()),
            f.code,
            f.message(out.lang)
        ));
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
            for (name, _) in BUILTIN_POLICIES {
                let policy = load_policy(name)?;
                out.line(format!(
                    "{} {}",
                    crate::output::pad(name, 14),
                    out.t(&policy.title)
                ));
            }
            Ok(Outcome::Clean)
        }
        PolicyCommand::Show(args) => {
            match BUILTIN_POLICIES.iter().find(|(n, _)| *n == args.policy) {
                Some((_, yaml)) => out.raw(yaml),
                None => out.raw(&read_text(Path::new(&args.policy))?),
            }
            Ok(Outcome::Clean)
        }
        PolicyCommand::Check(args) => {
            let mut problems_found = false;
            let mut unreadable = 0;
            for path in &args.files {
                let file = path.display().to_string();
                let policy = match read_text(path).and_then(|text| Ok(Policy::parse(&file, &text)?))
                {
                    Ok(p) => p,
                    Err(e) => {
                        out.line(out.t(&e.0));
                        unreadable += 1;
                        continue;
                    }
                };
                let problems = policy.check(registry);
                for p in &problems {
                    out.line(format!("{file}: {}", out.t(p)));
                }
                if problems.is_empty() {
                    out.line(format!(
                        "{file}: {}",
                        out.pick("問題はありません", "no problems")
                    ));
                }
                problems_found |= !problems.is_empty();
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
