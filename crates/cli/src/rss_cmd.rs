//! `kaiji rss`: the remote service package.

use kaiji_catalog::{Registry, Text};
use kaiji_model::api::ProfileCheck;
use kaiji_model::rss::{Formula, Profile, RiskSettings};

use crate::{
    Outcome, UserError,
    cli::{Choice, Format, FormulaArg, RiskArgs, RssCheckArgs, RssCommand, RssSdsArgs, SlaArgs},
    files::{deliver, read_text, write_new_file},
    output::{Out, pad},
};

pub(crate) fn run(
    cmd: RssCommand,
    registry: &Registry,
    out: &mut Out,
) -> Result<Outcome, UserError> {
    match cmd {
        RssCommand::Risk(args) => risk(&args, registry, out),
        RssCommand::Check(args) => check(&args, out),
        RssCommand::Sds(args) => sds(&args, registry, out),
        RssCommand::Sla(args) => sla(&args, registry, out),
    }
}

fn sla(args: &SlaArgs, registry: &Registry, out: &mut Out) -> Result<Outcome, UserError> {
    let choice = args.out.choose(
        "rss sla",
        kaiji_report::SLA_FORMATS,
        Choice::File(kaiji_report::Format::Markdown),
    )?;
    let profile = Profile::parse(
        &args.profile.display().to_string(),
        &read_text(&args.profile)?,
    )?;
    let terms = match &args.terms {
        Some(path) => {
            kaiji_model::rss::Terms::parse(&path.display().to_string(), &read_text(path)?)?
        }
        None => kaiji_model::rss::Terms::default(),
    };
    let today = crate::review_cmd::review_date(args.today, out);
    let threats = kaiji_model::rss::threats_in(registry)?;
    let reg = kaiji_model::rss::register(&profile, &threats, RiskSettings::default(), today);
    let s = kaiji_model::rss::sla(&profile, &terms, &reg);
    let lang = out.lang;
    let format = match choice {
        Choice::File(f) => f,
        Choice::Text => kaiji_report::Format::Markdown,
    };
    let bytes = kaiji_report::render_sla(&s, &today.to_string(), format, lang)
        .map_err(|e| crate::review_cmd::render_error(&e))?
        .bytes;
    deliver(out, &args.out, choice, &bytes, |path| {
        Text::new(
            format!(
                "{} を作成しました({} 節、責任分界 {} 行)",
                path.display(),
                s.sections.len(),
                s.raci.len()
            ),
            format!(
                "wrote {} ({} sections, {} responsibility rows)",
                path.display(),
                s.sections.len(),
                s.raci.len()
            ),
        )
    })?;
    if s.missing.is_empty() {
        return Ok(Outcome::Clean);
    }
    // Missing terms are named: after the "wrote" line when the SLA went to a file, on standard
    // error when it went to standard output (which holds the SLA itself).
    let listed = s.missing_text();
    let message = Text::new(
        format!("未合意の条件があります: {}", listed.ja),
        format!("terms not yet agreed: {}", listed.en),
    );
    if args.out.output.is_some() {
        out.line(out.t(&message));
    } else {
        out.warn(&message);
    }
    Ok(Outcome::Findings)
}

fn sds(args: &RssSdsArgs, registry: &Registry, out: &mut Out) -> Result<Outcome, UserError> {
    let profile = Profile::parse(
        &args.profile.display().to_string(),
        &read_text(&args.profile)?,
    )?;
    let catalog = crate::catalog_cmd::resolve(registry, &args.catalog)?;
    crate::cli::expect_extension("rss sds", &args.output, &["json", "xlsx"])?;
    let today = crate::review_cmd::review_date(args.today, out);
    let generated = kaiji_model::rss::rss_sds(&profile, catalog, registry, today)?;
    let is_workbook = args
        .output
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    let bytes = if is_workbook {
        kaiji_xlsx::export(&generated.document, registry, out.lang)?
    } else {
        generated.document.to_json().into_bytes()
    };
    write_new_file(&args.output, &bytes, args.force)?;
    let doc = &generated.document;
    let na = doc
        .answers
        .values()
        .filter(|e| e.answer == Some(kaiji_catalog::Answer::Na))
        .count();
    out.line(out.t(&Text::new(
        format!(
            "{} を作成しました(RSS SDS、{}、{} 項目: 非該当 {}、要回答 {})",
            args.output.display(),
            doc.catalog,
            doc.answers.len(),
            na,
            generated.to_answer.len()
        ),
        format!(
            "wrote {} (RSS SDS, {}, {} items: {} not applicable, {} to answer)",
            args.output.display(),
            doc.catalog,
            doc.answers.len(),
            na,
            generated.to_answer.len()
        ),
    )));
    out.line(format!(
        "  {}: {}",
        out.pick("要回答", "to answer"),
        generated.to_answer.join(", ")
    ));
    Ok(Outcome::Clean)
}

fn check(args: &RssCheckArgs, out: &mut Out) -> Result<Outcome, UserError> {
    let advisories = crate::files::read_advisories(&args.advisories)?;
    let today = crate::review_cmd::review_date(args.today, out);
    let mut checked = Vec::new();
    for path in &args.profiles {
        let profile = Profile::parse(&path.display().to_string(), &read_text(path)?)?;
        let findings = kaiji_model::rss::check_profile(&profile, &advisories, today);
        checked.push((path.display().to_string(), profile, findings));
    }
    match args.format.format {
        Format::Json => {
            let files: Vec<ProfileCheck> = checked
                .iter()
                .map(|(file, p, findings)| ProfileCheck::new(file, p, findings))
                .collect();
            out.json(&files);
        }
        Format::Text => {
            for (file, p, findings) in &checked {
                out.line(format!(
                    "{file}: {} ({}) — {} {}",
                    p.service.name,
                    p.service.vendor,
                    out.pick("接続点", "connection points"),
                    p.devices.len()
                ));
                for f in findings {
                    out.line(format!("  {}", out.finding(f)));
                }
                if findings.is_empty() {
                    out.line(format!("  {}", out.pick("問題はありません", "no findings")));
                }
            }
        }
    }
    let denied = checked
        .iter()
        .flat_map(|(_, _, f)| f)
        .any(|f| f.severity >= args.deny);
    Ok(if denied {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

fn risk(args: &RiskArgs, registry: &Registry, out: &mut Out) -> Result<Outcome, UserError> {
    let choice = args
        .out
        .choose("rss risk", kaiji_report::RISK_FORMATS, Choice::Text)?;
    let text = read_text(&args.profile)?;
    let profile = Profile::parse(&args.profile.display().to_string(), &text)?;
    let threats = match &args.threats {
        Some(path) => {
            kaiji_model::rss::threats_from(&path.display().to_string(), &read_text(path)?)?
        }
        None => kaiji_model::rss::threats_in(registry)?,
    };
    let formula = match args.formula {
        FormulaArg::AssetThreatVulnerability => Formula::AssetThreatVulnerability,
        FormulaArg::ImpactLikelihood => Formula::ImpactLikelihood,
    };
    let settings = RiskSettings {
        formula,
        threshold: args.threshold.unwrap_or(formula.default_threshold()),
    };
    if let Some(warning) = settings.threshold_warning() {
        out.warn(&warning);
    }
    let today = crate::review_cmd::review_date(args.today, out);
    let reg = kaiji_model::rss::register(&profile, &threats, settings, today);
    let lang = out.lang;
    let bytes: Vec<u8> = match choice {
        Choice::File(format) => {
            kaiji_report::render_risk(&reg, &today.to_string(), format, lang)
                .map_err(|e| crate::review_cmd::render_error(&e))?
                .bytes
        }
        Choice::Text => {
            let mut s = String::new();
            s.push_str(&format!(
                "{} — {}: {} {} / {} {}\n",
                reg.service,
                reg.vendor,
                out.pick("算定式", "formula"),
                settings.formula,
                out.pick("受容基準", "threshold"),
                settings.threshold
            ));
            s.push_str(out.pick(
                "  脅威 リスク値 → 残存 対応 脅威の内容  [附属書A の管理策]\n",
                "  threat risk → residual treatment what  [Annex A controls]\n",
            ));
            let annex = out.pick("附属書A", "Annex A");
            for r in &reg.risks {
                let label = r.treatment.label();
                let treatment = out.t(&label);
                s.push_str(&format!(
                    "  {} {:>2} → {:>2} {} {}  [{annex}: {}]\n",
                    r.threat.id,
                    r.value,
                    r.residual,
                    pad(treatment, 6),
                    r.threat.title.get(lang),
                    r.threat.controls.join(", ")
                ));
            }
            s.push_str(out.t(&Text::new(
                format!(
                    "  {} 件中 {} 件が受容基準以上(低減・回避・移転)\n",
                    reg.risks.len(),
                    reg.above_threshold()
                ),
                format!(
                    "  {} of {} risks at or above the threshold (reduce, avoid or transfer)\n",
                    reg.above_threshold(),
                    reg.risks.len()
                ),
            )));
            s.into_bytes()
        }
    };
    deliver(out, &args.out, choice, &bytes, |path| {
        Text::new(
            format!(
                "{} を作成しました({} 件のリスク)",
                path.display(),
                reg.risks.len()
            ),
            format!("wrote {} ({} risks)", path.display(), reg.risks.len()),
        )
    })?;
    Ok(Outcome::Clean)
}
