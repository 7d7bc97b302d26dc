//! The reports kaiji writes, built as [`Report`]s: the review of disclosures against a policy,
//! and the MHLW checklist lines of a facility.

use kaiji_catalog::{Confidence, Lang, Text};
use kaiji_model::{
    Code, Disclosure, Severity,
    diag::GlRef,
    mhlw::{Answered, Inventory},
    review::{Guideline, Policy, Review},
};

use crate::doc::{Bar, Block, Cell, Chart, Report, Stacked, Table, Tone};

fn pick(lang: Lang, ja: &str, en: &str) -> String {
    match lang {
        Lang::Ja => ja.to_owned(),
        Lang::En => en.to_owned(),
    }
}

fn lang_code(lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => "ja",
        Lang::En => "en",
    }
}

/// `92% (63/68)`, or `-`.
fn percent(score: kaiji_model::review::Score) -> String {
    match score.percent() {
        Some(_) => format!("{score} ({}/{})", score.met, score.total),
        None => score.to_string(),
    }
}

fn score_tone(score: kaiji_model::review::Score) -> Tone {
    match score.percent() {
        None => Tone::Muted,
        Some(100) => Tone::Good,
        Some(p) if p >= 80 => Tone::Warn,
        Some(_) => Tone::Bad,
    }
}

fn severity_tone(s: Severity) -> Tone {
    match s {
        Severity::Error => Tone::Bad,
        Severity::Warning => Tone::Warn,
        Severity::Info => Tone::Normal,
    }
}

fn disclaimer(lang: Lang) -> String {
    pick(
        lang,
        "kaiji は方針と安全管理ガイドラインからの逸脱を示し根拠の箇所を挙げますが、「準拠している」とは判定しません。判断するのは人です。",
        "kaiji flags departures from the policy and the MHLW guideline and cites the clause; it never declares anything compliant. People decide.",
    )
}

/// The review of one or more disclosures against a policy: a summary of all documents, then a
/// chapter per document with its score per section (chart), the parts of the cited GL edition
/// its departures touch (chart) and every finding, each GL entry with its confidence where it is
/// not V.
pub fn review_report(
    reviews: &[(String, &Disclosure, &Review)],
    policy: &Policy,
    today: &str,
    lang: Lang,
) -> Report {
    let t = |ja: &str, en: &str| pick(lang, ja, en);
    let mut blocks = Vec::new();
    blocks.push(Block::Heading {
        level: 1,
        text: t("概要", "Summary"),
    });
    let guideline = cited(reviews);
    blocks.push(Block::Paragraph(format!(
        "{} {} {}",
        t(
            &format!(
                "方針 {}({})で {} 件の開示書を確認しました。",
                policy.id,
                policy.title.ja,
                reviews.len()
            ),
            &format!(
                "{} disclosures reviewed against policy {} ({}).",
                reviews.len(),
                policy.id,
                policy.title.en
            ),
        ),
        guideline_sentence(guideline, lang),
        disclaimer(lang)
    )));
    let mut summary = Table {
        headers: vec![
            t("製造業者・事業者", "Organisation"),
            t("製品・サービス", "Product or service"),
            t("種類・版", "Kind, checklist"),
            t("スコア", "Score"),
            t("逸脱", "Departures"),
            t("エラー", "Errors"),
            t("警告", "Warnings"),
        ],
        widths: vec![3.0, 3.2, 2.6, 1.8, 1.0, 1.0, 1.0],
        rows: Vec::new(),
    };
    for (_, doc, review) in reviews {
        let departures = review
            .findings
            .iter()
            .filter(|f| {
                matches!(
                    f.code,
                    Code::PolicyViolation | Code::RemarkMissingJustification
                )
            })
            .count();
        let count = |s: Severity| review.findings.iter().filter(|f| f.severity == s).count();
        summary.rows.push(vec![
            Cell::new(doc.subject.organisation.clone()),
            Cell::new(format!("{} {}", doc.subject.product, doc.subject.version)),
            Cell::new(format!(
                "{} {}",
                doc.kind.to_string().to_uppercase(),
                doc.catalog
            )),
            Cell::tone(percent(review.score), score_tone(review.score)),
            Cell::tone(
                departures.to_string(),
                if departures > 0 {
                    Tone::Bad
                } else {
                    Tone::Good
                },
            ),
            Cell::tone(
                count(Severity::Error).to_string(),
                if count(Severity::Error) > 0 {
                    Tone::Bad
                } else {
                    Tone::Normal
                },
            ),
            Cell::tone(
                count(Severity::Warning).to_string(),
                if count(Severity::Warning) > 0 {
                    Tone::Warn
                } else {
                    Tone::Normal
                },
            ),
        ]);
    }
    blocks.push(Block::Table(summary));

    for (file, doc, review) in reviews {
        let s = &doc.subject;
        blocks.push(Block::Heading {
            level: 1,
            text: format!("{} {} {}", s.organisation, s.product, s.version),
        });
        blocks.push(Block::Paragraph(format!(
            "{}: {file} / {}: {} / {}: {} / {}: {}",
            t("ファイル", "File"),
            t("種類", "Kind"),
            doc.kind.label().get(lang),
            t("チェックリスト", "Checklist"),
            doc.catalog,
            t("作成日", "Dated"),
            s.date
                .map_or_else(|| t("記載なし", "not stated"), |d| d.to_string())
        )));
        blocks.push(Block::Paragraph(format!(
            "{}: {}",
            t("方針によるスコア", "Policy score"),
            percent(review.score)
        )));
        if !review.answers.is_empty() {
            blocks.push(Block::Stacked(Stacked {
                title: t("セクション別の回答", "Answers by section"),
                legend: vec![
                    (t("はい", "Yes"), Tone::Good),
                    (t("いいえ", "No"), Tone::Bad),
                    (t("該当なし", "N/A"), Tone::Normal),
                    (t("未回答", "Unanswered"), Tone::Warn),
                ],
                rows: review
                    .answers
                    .iter()
                    .map(|a| {
                        (
                            format!("{} {}", a.id, a.title.get(lang)),
                            vec![a.yes, a.no, a.na, a.unanswered],
                        )
                    })
                    .collect(),
            }));
        }
        if !review.sections.is_empty() {
            blocks.push(Block::Bars(Chart {
                title: t(
                    "セクション別のスコア(方針が対象とする項目)",
                    "Score by section (items the policy covers)",
                ),
                max: 100.0,
                unit: "%".into(),
                bars: review
                    .sections
                    .iter()
                    .map(|sec| Bar {
                        label: format!("{} {}", sec.id, sec.title.get(lang)),
                        value: f64::from(sec.score.percent().unwrap_or(0)),
                        tone: score_tone(sec.score),
                    })
                    .collect(),
            }));
        }
        if !review.gl.is_empty() {
            let max = review.gl.iter().map(|g| g.departures).max().unwrap_or(1) as f64;
            blocks.push(Block::Bars(Chart {
                title: t(
                    &format!("逸脱のある{}の部・章", review.guideline.label().ja),
                    &format!(
                        "{} parts and chapters with departures",
                        review.guideline.label().en
                    ),
                ),
                max,
                unit: t("件", ""),
                bars: review
                    .gl
                    .iter()
                    .map(|g| Bar {
                        // A part is named by its name; a chapter by its name and title.
                        label: format!(
                            "{}{}",
                            match &g.title {
                                Some(title) if g.id.contains(' ') => {
                                    format!("{} {}", g.name.get(lang), title.get(lang))
                                }
                                _ => g.name.get(lang).to_owned(),
                            },
                            confidence_mark(g.confidence, lang)
                        ),
                        value: g.departures as f64,
                        tone: if g.id.contains(' ') {
                            Tone::Bad
                        } else {
                            Tone::Warn
                        },
                    })
                    .collect(),
            }));
        }
        blocks.push(Block::Heading {
            level: 2,
            text: t("指摘", "Findings"),
        });
        if review.findings.is_empty() {
            blocks.push(Block::Paragraph(t("指摘はありません。", "No findings.")));
        } else {
            blocks.push(Block::Table(Table {
                headers: vec![
                    t("重大度", "Severity"),
                    t("コード", "Code"),
                    t("項目", "Item"),
                    review.guideline.short(),
                    t("内容", "Message"),
                ],
                widths: vec![1.0, 2.4, 1.6, 1.8, 6.0],
                rows: review
                    .findings
                    .iter()
                    .map(|f| {
                        vec![
                            Cell::tone(f.severity.label().get(lang), severity_tone(f.severity)),
                            Cell::new(f.code.as_str()),
                            Cell::new(f.item.clone().unwrap_or_else(|| f.location.to_string())),
                            Cell::new(
                                f.refs
                                    .iter()
                                    .map(|r| gl_ref_text(review, r, lang))
                                    .collect::<Vec<_>>()
                                    .join("\n"),
                            ),
                            Cell::new(f.message(lang)),
                        ]
                    })
                    .collect(),
            }));
        }
        if !review.waived.is_empty() {
            blocks.push(Block::Heading {
                level: 2,
                text: t("免除中の項目", "Waived items"),
            });
            blocks.push(Block::Table(Table {
                headers: vec![t("項目", "Item"), t("期限", "Until"), t("理由", "Reason")],
                widths: vec![1.5, 1.3, 6.0],
                rows: review
                    .waived
                    .iter()
                    .map(|w| {
                        vec![
                            Cell::new(w.item.clone()),
                            Cell::new(w.expires.to_string()),
                            Cell::new(w.reason.clone()),
                        ]
                    })
                    .collect(),
            }));
        }
    }
    Report {
        lang: lang_code(lang),
        title: t(
            "医療情報セキュリティ開示書 確認報告",
            "Security disclosure review",
        ),
        subtitle: policy.title.get(lang).to_owned(),
        meta: vec![
            (t("確認日", "Review date"), today.to_owned()),
            (t("方針", "Policy"), policy.id.clone()),
            (
                t("引用する安全管理GL", "Guideline cited"),
                guideline.map_or_else(|| "-".to_owned(), |g| g.key.clone()),
            ),
            (t("開示書", "Disclosures"), reviews.len().to_string()),
        ],
        contents: t("目次", "Contents"),
        footer: format!("kaiji — {}", t("開示書 確認報告", "disclosure review")),
        blocks,
    }
}

/// Which edition the lines come from, how sure its data is, whether a newer edition replaces
/// it, and whether its numbers are known: one paragraph for every checklist output.
pub fn edition_text(answered: &Answered, lang: Lang) -> String {
    let edition = &answered.edition;
    let mut text = format!(
        "{}: {}",
        pick(lang, "使用した版", "Edition used"),
        edition.describe().get(lang)
    );
    let unnumbered = answered.lines.iter().filter(|l| l.number.is_none()).count();
    if unnumbered > 0 {
        text.push_str(&pick(
            lang,
            &format!("。{unnumbered} 項目は番号が未確認です(公式の番号が読めていないため、kaiji の項目名で示します)"),
            &format!("; {unnumbered} lines have no known number (the official numbering was not readable; they are shown by kaiji's line name)"),
        ));
    }
    text.push_str(&pick(
        lang,
        &format!(
            "。確度 {}(V 公式資料で確認 / D 案のみ / I 二次資料・推定 / U 未確認)。",
            edition.confidence
        ),
        &format!(
            "; confidence {} (V official copy / D draft only / I secondary or inferred / U unverified).",
            edition.confidence
        ),
    ));
    text
}

/// The MHLW checklist lines of a facility: each line with its answer and date, and what is
/// missing for which system.
pub fn checklist_report(inventory: &Inventory, answered: &Answered, lang: Lang) -> Report {
    let t = |ja: &str, en: &str| pick(lang, ja, en);
    let lines = &answered.lines;
    let edition = &answered.edition;
    let mut blocks = vec![
        Block::Heading {
            level: 1,
            text: t("回答", "Answers"),
        },
        Block::Paragraph(t(
            "システム台帳と受け取った開示書から kaiji が回答できる項目です。いいえの項目には、不足しているものをシステムごとに示します。目標日は施設が記入します。",
            "The lines kaiji can answer from the system inventory and the disclosures received. For a no, what is missing is listed per system; the facility writes the target date.",
        )),
        Block::Paragraph(edition_text(answered, lang)),
    ];
    blocks.push(Block::Table(Table {
        headers: vec![
            t("項目", "Line"),
            t("内容(kaiji の要約)", "What it asks (kaiji's paraphrase)"),
            t("確度", "Conf."),
            t("回答", "Answer"),
            t("確認日", "Checked"),
            t("目標日", "Target date"),
        ],
        widths: vec![1.4, 6.0, 0.8, 1.2, 1.6, 1.6],
        rows: lines
            .iter()
            .map(|l| {
                vec![
                    match &l.number {
                        Some(n) => Cell::new(n.clone()),
                        None => Cell::tone(l.number_text().get(lang), Tone::Warn),
                    },
                    Cell::new(l.title.get(lang)),
                    Cell::new(l.confidence.to_string()),
                    if l.yes {
                        Cell::tone(t("はい", "Yes"), Tone::Good)
                    } else {
                        Cell::tone(t("いいえ", "No"), Tone::Bad)
                    },
                    Cell::new(l.checked.to_string()),
                    Cell::new(""),
                ]
            })
            .collect(),
    }));
    for line in lines {
        blocks.push(Block::Heading {
            level: 1,
            text: format!("{} {}", line.number_text().get(lang), line.title.get(lang)),
        });
        if !line.counterparts.is_empty() {
            blocks.push(Block::Paragraph(format!(
                "{}: {}",
                t("他の版の対応項目", "Counterpart in other editions"),
                line.counterparts.join(", ")
            )));
        }
        if line.missing.is_empty() && line.notes.is_empty() {
            blocks.push(Block::Paragraph(t(
                "不足はありません。",
                "Nothing is missing.",
            )));
            continue;
        }
        let rows = line
            .missing
            .iter()
            .map(|g| (t("不足", "missing"), Tone::Bad, g))
            .chain(
                line.notes
                    .iter()
                    .map(|g| (t("補足", "note"), Tone::Warn, g)),
            )
            .map(|(kind, tone, g)| {
                vec![
                    Cell::tone(kind, tone),
                    Cell::new(g.system.clone()),
                    Cell::new(g.finding.message.get(lang)),
                ]
            })
            .collect();
        blocks.push(Block::Table(Table {
            headers: vec![
                t("区分", "Kind"),
                t("システム", "System"),
                t("内容", "Detail"),
            ],
            widths: vec![1.0, 2.5, 7.0],
            rows,
        }));
    }
    blocks.push(Block::Heading {
        level: 1,
        text: t("システム台帳", "System inventory"),
    });
    blocks.push(Block::Table(Table {
        headers: vec![
            t("システム", "System"),
            t("事業者", "Vendor"),
            t("製品・版", "Product, version"),
            t("遠隔保守", "Remote maintenance"),
            t("開示書", "Disclosure"),
        ],
        widths: vec![2.5, 3.0, 2.5, 1.5, 3.0],
        rows: inventory
            .systems
            .iter()
            .map(|s| {
                vec![
                    Cell::new(s.system.clone()),
                    Cell::new(s.vendor.clone()),
                    Cell::new(format!("{} {}", s.product, s.version).trim().to_owned()),
                    match s.remote_maintenance {
                        Some(true) => Cell::new(t("あり", "yes")),
                        Some(false) => Cell::new(t("なし", "no")),
                        None => Cell::tone(t("未確認", "unknown"), Tone::Warn),
                    },
                    match &s.disclosure {
                        Some(d) => Cell::new(d.clone()),
                        None => Cell::tone(t("なし", "none"), Tone::Warn),
                    },
                ]
            })
            .collect(),
    }));
    Report {
        lang: lang_code(lang),
        title: edition.title.get(lang).to_owned(),
        subtitle: format!(
            "{} — {}",
            t(
                "kaiji がシステム台帳と開示書から回答できる項目",
                "Lines kaiji answers from the inventory and the disclosures",
            ),
            edition.form_title.get(lang)
        ),
        meta: vec![
            (t("施設", "Facility"), inventory.facility.clone()),
            (t("版", "Edition"), edition.catalog.clone()),
            (
                t("確認日", "Checked"),
                lines
                    .first()
                    .map(|l| l.checked.to_string())
                    .unwrap_or_default(),
            ),
            (
                t("システム数", "Systems"),
                inventory.systems.len().to_string(),
            ),
        ],
        contents: t("目次", "Contents"),
        footer: format!(
            "kaiji — {} — {}",
            inventory.facility,
            t("チェックリスト", "checklist")
        ),
        blocks,
    }
}

/// The risk register of a remote service: a chart of the risk values, then the table.
pub fn risk_report(reg: &kaiji_model::rss::Register, today: &str, lang: Lang) -> Report {
    use kaiji_model::rss::{Formula, Party, Treatment};
    let t = |ja: &str, en: &str| pick(lang, ja, en);
    let formula = match reg.settings.formula {
        Formula::AssetThreatVulnerability => t(
            "資産価値(C・I・A の最大)× 脅威 × 脆弱性",
            "asset value (max of C, I, A) × threat × vulnerability",
        ),
        Formula::ImpactLikelihood => t("影響度 × 発生可能性", "impact × likelihood"),
    };
    let owner = |p: Party| match p {
        Party::Vendor => t("事業者", "vendor"),
        Party::Hospital => t("医療機関", "hospital"),
        Party::Both => t("双方", "both"),
    };
    let blocks = vec![
        Block::Heading {
            level: 1,
            text: t("リスク値", "Risk values"),
        },
        Block::Paragraph(format!(
            "{} {}",
            t(
                &format!(
                    "{} 件のリスクのうち {} 件が受容基準 {} 以上です(低減・回避・移転)。",
                    reg.risks.len(),
                    reg.above_threshold(),
                    reg.settings.threshold
                ),
                &format!(
                    "{} of {} risks are at or above the acceptance threshold {} (reduce, avoid or transfer).",
                    reg.above_threshold(),
                    reg.risks.len(),
                    reg.settings.threshold
                ),
            ),
            t(
                "脅威カタログは kaiji の提案(catalogs/threats-rss.yaml)で、JIRA の様式そのものではありません。",
                "The threat catalogue is kaiji's proposal (catalogs/threats-rss.yaml), not JIRA's own table.",
            )
        )),
        Block::Bars(Chart {
            title: format!("{} ({formula})", t("リスク値", "Risk value")),
            max: f64::from(reg.settings.formula.max()),
            unit: String::new(),
            bars: reg
                .risks
                .iter()
                .map(|r| Bar {
                    label: format!("{} {}", r.threat.id, r.threat.title.get(lang)),
                    value: f64::from(r.value),
                    tone: if r.treatment == Treatment::Accept {
                        Tone::Good
                    } else {
                        Tone::Bad
                    },
                })
                .collect(),
        }),
        Block::Heading {
            level: 1,
            text: t("リスクアセスメント表", "Risk register"),
        },
        Block::Table(Table {
            headers: vec![
                "No.".into(),
                t("資産 (C/I/A)", "Asset (C/I/A)"),
                t("脅威・脆弱性", "Threat, vulnerability"),
                t("値", "Value"),
                t("対応・管理策", "Treatment, measure"),
                t("附属書A", "Annex A"),
                t("責任", "Owner"),
                t("残存", "Residual"),
            ],
            widths: vec![1.3, 2.2, 4.5, 0.8, 4.5, 1.4, 1.0, 1.0],
            rows: reg
                .risks
                .iter()
                .map(|r| {
                    let th = &r.threat;
                    let reduce = r.treatment != Treatment::Accept;
                    vec![
                        Cell::new(th.id.clone()),
                        Cell::new(format!(
                            "{} ({}/{}/{})",
                            th.asset.name.get(lang),
                            th.asset.c,
                            th.asset.i,
                            th.asset.a
                        )),
                        Cell::new(format!(
                            "{}\n{}",
                            th.title.get(lang),
                            th.vulnerability.get(lang)
                        )),
                        Cell::tone(
                            r.value.to_string(),
                            if reduce { Tone::Bad } else { Tone::Good },
                        ),
                        Cell::new(format!(
                            "{}: {}",
                            if reduce {
                                t("低減", "reduce")
                            } else {
                                t("受容", "accept")
                            },
                            th.treatment.get(lang)
                        )),
                        Cell::new(th.controls.join(", ")),
                        Cell::new(owner(th.owner)),
                        Cell::new(r.residual.to_string()),
                    ]
                })
                .collect(),
        }),
    ];
    Report {
        lang: lang_code(lang),
        title: t(
            "リモートサービス リスクアセスメント",
            "Remote service risk assessment",
        ),
        subtitle: format!("{} — {}", reg.service, reg.vendor),
        meta: vec![
            (t("作成日", "Date"), today.to_owned()),
            (t("リスク値の算定", "Risk value"), formula),
            (
                t("受容基準", "Acceptance threshold"),
                reg.settings.threshold.to_string(),
            ),
        ],
        contents: t("目次", "Contents"),
        footer: format!("kaiji — {}", reg.service),
        blocks,
    }
}

/// The remote maintenance SLA: its sections, then the split of responsibilities.
pub fn sla_report(s: &kaiji_model::rss::Sla, today: &str, lang: Lang) -> Report {
    let t = |ja: &str, en: &str| pick(lang, ja, en);
    let mut blocks = Vec::new();
    if !s.missing.is_empty() {
        blocks.push(Block::Paragraph(format!(
            "{} {}",
            t("未合意の条件:", "Terms not yet agreed:"),
            s.missing_text().get(lang)
        )));
    }
    for section in &s.sections {
        blocks.push(Block::Heading {
            level: 1,
            text: section.title.get(lang).to_owned(),
        });
        for clause in &section.clauses {
            blocks.push(Block::Paragraph(clause.get(lang).to_owned()));
        }
    }
    blocks.push(Block::Table(Table {
        headers: vec![
            t("対策", "Measure"),
            t("事業者", "Vendor"),
            t("医療機関等", "Facility"),
        ],
        widths: vec![8.0, 1.2, 1.2],
        rows: s
            .raci
            .iter()
            .map(|r| {
                vec![
                    Cell::new(r.measure.get(lang)),
                    Cell::new(r.vendor),
                    Cell::new(r.hospital),
                ]
            })
            .collect(),
    }));
    let hospital = s
        .hospital
        .clone()
        .unwrap_or_else(|| t("(未定)", "(to be agreed)"));
    Report {
        lang: lang_code(lang),
        title: t("リモート保守サービス SLA", "Remote maintenance SLA"),
        subtitle: format!("{} — {}", s.service, s.vendor),
        meta: vec![
            (t("事業者", "Vendor"), s.vendor.clone()),
            (t("医療機関等", "Facility"), hospital),
            (t("作成日", "Date"), today.to_owned()),
        ],
        contents: t("目次", "Contents"),
        footer: format!("kaiji — {} SLA", s.service),
        blocks,
    }
}

/// The GL edition the reviews cite (one per run: the first review's).
pub(crate) fn cited<'a>(reviews: &[(String, &Disclosure, &'a Review)]) -> Option<&'a Guideline> {
    reviews.first().map(|(_, _, r)| &r.guideline)
}

/// The sentence saying which edition a report cites and what the confidence marks mean.
pub(crate) fn guideline_sentence(guideline: Option<&Guideline>, lang: Lang) -> String {
    let Some(g) = guideline else {
        return String::new();
    };
    match lang {
        Lang::Ja => format!(
            "引用する安全管理GL: {}({})。確度が V(公式資料で確認済み)でない箇所には確度を添えます(D 案のみ、I 二次資料・推定、U 未確認の作業仮説)。",
            g.title.ja, g.key
        ),
        Lang::En => format!(
            "Guideline cited: {} ({}). Entries not verified in an official copy carry their confidence (D draft only, I secondary source or inference, U unverified working assumption).",
            g.title.en, g.key
        ),
    }
}

/// ` (確度 U)`, or nothing for V.
fn confidence_mark(c: Confidence, lang: Lang) -> String {
    match (c, lang) {
        (Confidence::V, _) => String::new(),
        (c, Lang::Ja) => format!(" (確度 {c})"),
        (c, Lang::En) => format!(" (confidence {c})"),
    }
}

/// A citation as it reads in `lang`: the name (see [`gl_ref_name`]) with its confidence where it
/// is not V, or that the cited edition removed it.
pub(crate) fn gl_ref_text(review: &Review, r: &GlRef, lang: Lang) -> String {
    let name = gl_ref_name(review, &r.id, lang);
    r.text(&Text::new(name.clone(), name), &review.guideline.version)
        .get(lang)
        .to_owned()
}

/// A GL reference as it reads in `lang`: the part's name (from the parts the review lists
/// under `gl`) in place of its id (`システム運用編 13⑪` reads `Control part 13⑪` in English).
fn gl_ref_name(review: &Review, reference: &str, lang: Lang) -> String {
    review
        .gl
        .iter()
        .filter(|g| !g.id.contains(' '))
        .find_map(|part| {
            let rest = reference.strip_prefix(part.id.as_str())?;
            (rest.is_empty() || rest.starts_with(' '))
                .then(|| format!("{}{rest}", part.name.get(lang)))
        })
        .unwrap_or_else(|| reference.to_owned())
}
