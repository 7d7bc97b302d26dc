//! `kaiji new`, `kaiji validate`, `kaiji explain`.

use std::collections::BTreeMap;

use kaiji_catalog::{Lang, Registry, Text};
use kaiji_model::{Code, Finding, IsoDate, Severity, api::FileValidation, disclosure::Subject};
use strum::IntoEnumIterator;

use crate::{
    Outcome, UserError,
    catalog_cmd::resolve,
    cli::{ExplainArgs, Format, NewArgs, ValidateArgs},
    output::Out,
};

pub(crate) fn new(args: NewArgs, registry: &Registry, out: &mut Out) -> Result<Outcome, UserError> {
    let catalog = resolve(registry, &args.catalog)?;
    crate::cli::expect_extension("new", &args.output, &["json"])?;
    let date = args
        .date
        .unwrap_or_else(|| IsoDate::new(jiff::Zoned::now().date()));
    let subject = Subject {
        organisation: args.organisation.unwrap_or_default(),
        product: args.product.unwrap_or_default(),
        model: args.model.unwrap_or_default(),
        version: args.product_version.unwrap_or_default(),
        date: Some(date),
        contact: args.contact.unwrap_or_default(),
        description: String::new(),
        extra: BTreeMap::new(),
    };
    let doc = kaiji_model::disclosure::skeleton(args.kind, catalog, registry, subject)?;
    crate::files::write_new_file(&args.output, doc.to_json().as_bytes(), args.force)?;
    let count = doc.answers.len();
    out.line(match out.lang {
        Lang::Ja => format!(
            "{} を作成しました({}、{}、{count} 項目)",
            args.output.display(),
            out.t(&args.kind.label()),
            catalog.key()
        ),
        Lang::En => format!(
            "wrote {} ({}, {}, {count} items)",
            args.output.display(),
            out.t(&args.kind.label()),
            catalog.key()
        ),
    });
    Ok(Outcome::Clean)
}

pub(crate) fn validate(
    args: ValidateArgs,
    registry: &Registry,
    out: &mut Out,
) -> Result<Outcome, UserError> {
    crate::review_cmd::warn_repeated_files(&args.files, out);
    let mut results = Vec::new();
    for path in &args.files {
        let outcome = crate::files::read_text(path).and_then(|text| {
            let mut findings = kaiji_model::disclosure::validate_str(&text, registry)
                .map_err(|e| crate::files::in_file(path, e))?;
            // A cover dated after today, by this machine's clock.
            if let Ok(doc) = kaiji_model::Disclosure::from_json(&text) {
                findings.extend(kaiji_model::disclosure::future_cover_date(
                    doc.subject.date,
                    jiff::Zoned::now().date(),
                ));
            }
            Ok(findings)
        });
        results.push((path.display().to_string(), outcome));
    }

    let bad_input = results.iter().any(|(_, r)| r.is_err());
    let denied = results
        .iter()
        .filter_map(|(_, r)| r.as_ref().ok())
        .flatten()
        .any(|f| f.severity >= args.deny);

    match args.format.format {
        Format::Json => {
            let reports: Vec<FileValidation> = results
                .iter()
                .map(|(file, r)| match r {
                    Ok(findings) => FileValidation::checked(file, findings),
                    Err(e) => FileValidation::failed(file, out.t(&e.text)),
                })
                .collect();
            out.json(&reports);
        }
        Format::Text => {
            for (file, r) in &results {
                match r {
                    Ok(findings) => print_findings(file, findings, out),
                    Err(e) => {
                        let label = out.pick("読み込みエラー", "input error");
                        // The line names the file once.
                        let message = out.t(&e.text);
                        let message = message
                            .strip_prefix(&format!("{file}: "))
                            .unwrap_or(message);
                        out.line(format!("{file}: {label}: {message}"));
                    }
                }
            }
        }
    }

    if bad_input {
        // Exit 2, after every file has been reported: one bad file does not hide the others.
        let n = results.iter().filter(|(_, r)| r.is_err()).count();
        return Err(UserError::new(
            format!("{n} 件のファイルを読み込めませんでした"),
            format!("{n} file(s) could not be read"),
        ));
    }
    Ok(if denied {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

fn print_findings(file: &str, findings: &[Finding], out: &mut Out) {
    for f in findings {
        out.line(format!("{file}: {}", out.finding(f)));
    }
    let mut counts: BTreeMap<Severity, usize> = BTreeMap::new();
    for f in findings {
        *counts.entry(f.severity).or_default() += 1;
    }
    if findings.is_empty() {
        out.line(format!(
            "{file}: {}",
            out.pick("問題はありません", "no findings")
        ));
    } else {
        let parts: Vec<String> = counts
            .iter()
            .rev()
            .map(|(s, n)| format!("{} {n}", out.t(&s.label())))
            .collect();
        out.line(match out.lang {
            Lang::Ja => format!("{file}: 指摘 {} 件({})", findings.len(), parts.join("、")),
            Lang::En => format!("{file}: {} findings ({})", findings.len(), parts.join(", ")),
        });
    }
}

/// Every code kaiji prints: the findings of documents, reviews and checks, then the issues of
/// `kaiji catalog check` (a name can stand in both lists, with the same sense).
fn every_code() -> Vec<(&'static str, Text, Text)> {
    let catalog_label = Text::new("カタログ", "catalog");
    Code::iter()
        .map(|c| (c.as_str(), c.severity().label(), c.description()))
        .chain(
            kaiji_catalog::IssueCode::iter()
                .map(|c| (c.as_str(), catalog_label.clone(), c.description())),
        )
        .collect()
}

pub(crate) fn explain(args: &ExplainArgs, out: &mut Out) -> Result<Outcome, UserError> {
    let codes = every_code();
    let Some(wanted) = &args.code else {
        for (code, label, description) in &codes {
            out.line(format!(
                "{:<24} {} {}",
                code,
                crate::output::pad(out.t(label), 8),
                first_sentence(out.t(description))
            ));
        }
        return Ok(Outcome::Clean);
    };
    let found: Vec<_> = codes.iter().filter(|(c, _, _)| c == wanted).collect();
    if found.is_empty() {
        let known: Vec<&str> = codes.iter().map(|(c, _, _)| *c).collect();
        return Err(UserError::new(
            format!(
                "指摘コード {wanted} はありません。コード: {}",
                known.join(", ")
            ),
            format!("no finding code {wanted}. Codes: {}", known.join(", ")),
        ));
    }
    for (code, label, description) in found {
        out.line(format!("{code} ({})", out.t(label)));
        out.line(format!("  {}", out.t(description)));
    }
    Ok(Outcome::Clean)
}

/// The first sentence of a description: up to the first 。, or the first "." that ends a
/// sentence (followed by a space and a capital letter, or the end), so that "Rev. 5.0" or
/// "e.g. 2026" are not taken for the end.
fn first_sentence(text: &str) -> &str {
    for (i, c) in text.char_indices() {
        let rest = &text[i + c.len_utf8()..];
        let ends = match c {
            '。' => true,
            '.' => {
                let before = text[..i].rsplit(' ').next().unwrap_or_default();
                let abbreviation = matches!(before, "Rev" | "e.g" | "i.e" | "No" | "Ver" | "cf");
                !abbreviation
                    && (rest.is_empty()
                        || rest.starts_with(' ')
                            && rest[1..].chars().next().is_some_and(char::is_uppercase))
            }
            _ => false,
        };
        if ends {
            return &text[..i + c.len_utf8()];
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::first_sentence;

    #[test]
    fn first_sentence_keeps_abbreviations_and_numbers() {
        assert_eq!(
            first_sentence("The checklist revision (such as Rev. 5.0h) is not stated. Give it."),
            "The checklist revision (such as Rev. 5.0h) is not stated."
        );
        assert_eq!(first_sentence("版が違います。再確認を。"), "版が違います。");
        assert_eq!(
            first_sentence("Version 5.0 is old. Migrate."),
            "Version 5.0 is old."
        );
        assert_eq!(first_sentence("no full stop"), "no full stop");
    }
}
