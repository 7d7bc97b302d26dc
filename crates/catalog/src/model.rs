//! The catalog model: one published revision of a checklist, overlay, reference list or mapping.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::{CatalogRef, ItemId, Text};

/// How sure we are of an entry (the marks of `shared/reference`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::Display,
    strum::EnumString,
    schemars::JsonSchema,
)]
pub enum Confidence {
    /// Seen in an official copy.
    V,
    /// Seen in a draft only.
    D,
    /// Secondary source or inference.
    I,
    /// Unverified working assumption.
    U,
}

impl Confidence {
    pub fn describe(self) -> Text {
        match self {
            Self::V => Text::new("公式資料で確認済み", "seen in an official copy"),
            Self::D => Text::new("案の段階でのみ確認", "seen in a draft only"),
            Self::I => Text::new("二次資料・推定", "secondary source or inference"),
            Self::U => Text::new("未確認の作業仮説", "unverified working assumption"),
        }
    }
}

/// How many entries of a catalog stand at each confidence.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[allow(non_snake_case, reason = "the marks are written V, D, I, U everywhere")]
pub struct ConfidenceCounts {
    pub V: usize,
    pub D: usize,
    pub I: usize,
    pub U: usize,
}

impl ConfidenceCounts {
    fn get_mut(&mut self, c: Confidence) -> &mut usize {
        match c {
            Confidence::V => &mut self.V,
            Confidence::D => &mut self.D,
            Confidence::I => &mut self.I,
            Confidence::U => &mut self.U,
        }
    }

    /// `V 82 / D 27 / I 15 / U 1`, marks without entries left out (`—` when there are none).
    pub fn mix(&self) -> String {
        let parts: Vec<String> = [("V", self.V), ("D", self.D), ("I", self.I), ("U", self.U)]
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(m, n)| format!("{m} {n}"))
            .collect();
        if parts.is_empty() {
            "—".to_owned()
        } else {
            parts.join(" / ")
        }
    }
}

/// The disclosure forms of the JAHIS/JIRA checklist.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    strum::Display,
    strum::EnumString,
    strum::EnumIter,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Form {
    /// 製造業者による医療情報セキュリティ開示書.
    Mds,
    /// サービス事業者による医療情報セキュリティ開示書.
    Sds,
}

impl Form {
    pub fn label(self) -> Text {
        match self {
            Self::Mds => Text::new("MDS(製造業者)", "MDS (manufacturer)"),
            Self::Sds => Text::new("SDS(サービス事業者)", "SDS (service provider)"),
        }
    }
}

/// An answer to a checklist item.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    strum::Display,
    strum::EnumString,
    strum::EnumIter,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Answer {
    /// はい
    Yes,
    /// いいえ
    No,
    /// 該当なし (also written 非該当 or 対象外)
    Na,
}

impl Answer {
    /// Reads an answer as people write it in forms and workbooks: はい/いいえ/該当なし, 非該当,
    /// 対象外, Yes/No/N/A, ○/×/－, in full- or half-width, with stray spaces. `None` when the text
    /// is not one of them.
    pub fn parse_loose(text: &str) -> Option<Self> {
        let folded: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c {
                // Full-width ASCII (Ａ-Ｚ, ／ …) to half-width.
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                _ => c,
            })
            .flat_map(char::to_lowercase)
            .collect();
        match folded.as_str() {
            "yes" | "y" | "はい" | "○" | "〇" | "◯" | "●" | "有" | "あり" | "有り" | "対応"
            | "対応可" | "対応済" | "対応済み" | "可" => Some(Self::Yes),
            "no" | "n" | "いいえ" | "×" | "✕" | "x" | "無" | "なし" | "無し" | "未対応"
            | "非対応" | "対応不可" | "不可" => Some(Self::No),
            "na" | "n/a" | "n.a." | "該当なし" | "該当無し" | "該当しない" | "非該当"
            | "対象外" | "－" | "-" | "ー" | "―" | "‐" => Some(Self::Na),
            _ => None,
        }
    }

    pub fn label(self) -> Text {
        match self {
            Self::Yes => Text::new("はい", "Yes"),
            Self::No => Text::new("いいえ", "No"),
            Self::Na => Text::new("該当なし", "N/A"),
        }
    }
}

/// Which answers an item accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, strum::Display)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum AnswerKind {
    /// はい / いいえ / 該当なし
    #[default]
    YesNoNa,
    /// はい / いいえ only
    YesNo,
}

impl AnswerKind {
    pub fn accepts(self, answer: Answer) -> bool {
        match self {
            Self::YesNoNa => true,
            Self::YesNo => answer != Answer::Na,
        }
    }
}

/// What every catalog file says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Header {
    pub id: String,
    pub version: String,
    pub revision: String,
    pub title: Text,
    pub publisher: String,
    pub published: Option<String>,
    pub source: String,
    pub confidence: Confidence,
    pub note: Option<String>,
    /// The newer edition that replaces this one (`mhlw-cyber-checklist@R8`): this one stays
    /// loaded and usable, and says so where it is listed or cited.
    pub superseded_by: Option<CatalogRef>,
}

impl Header {
    /// `id@revision`, the catalog's unique key.
    pub fn key(&self) -> String {
        format!("{}@{}", self.id, self.revision)
    }
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::Display,
    strum::EnumString,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Kind {
    Checklist,
    Overlay,
    Reference,
    Mapping,
    /// The threat catalogue of remote maintenance (`kaiji rss risk`); read by kaiji-model.
    Threats,
    /// A review policy (`kaiji review --policy`); read by kaiji-model.
    Policy,
}

impl Kind {
    pub fn label(self) -> Text {
        match self {
            Self::Checklist => Text::new("チェックリスト", "checklist"),
            Self::Overlay => Text::new("オーバーレイ", "overlay"),
            Self::Reference => Text::new("参照リスト", "reference list"),
            Self::Mapping => Text::new("対応表", "mapping"),
            Self::Threats => Text::new("脅威カタログ", "threat catalogue"),
            Self::Policy => Text::new("審査方針", "review policy"),
        }
    }

    /// Every kind, in the order the registry lists them.
    pub const ALL: [Self; 6] = [
        Self::Checklist,
        Self::Overlay,
        Self::Reference,
        Self::Mapping,
        Self::Threats,
        Self::Policy,
    ];

    /// Whether the body is domain data that kaiji-model reads ([`Data`]).
    pub fn is_data(self) -> bool {
        matches!(self, Self::Threats | Self::Policy)
    }

    /// The list field a data catalog's entries are counted in (`threats`, `rules`).
    pub fn list_field(self) -> Option<&'static str> {
        match self {
            Self::Threats => Some("threats"),
            Self::Policy => Some("rules"),
            Self::Checklist | Self::Overlay | Self::Reference | Self::Mapping => None,
        }
    }
}

/// One loaded catalog file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Catalog {
    pub header: Header,
    pub body: Body,
    /// Where it was loaded from: `builtin:FILE` or a path.
    pub origin: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Body {
    Checklist(Checklist),
    Overlay(Overlay),
    Reference(Reference),
    Mapping(Mapping),
    /// A threat catalogue or a review policy: the kind's own fields, read by kaiji-model.
    Data(Data),
}

/// The body of a catalog whose meaning belongs to the domain (threat catalogues, review
/// policies). This crate reads and checks the common header, counts the entries and lets a
/// user's file replace the shipped one; kaiji-model turns the fields into its types and checks
/// them (`kaiji_model::data`), because the arrows run catalog ← model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Data {
    /// `threats` or `policy`.
    #[serde(skip)]
    pub kind: Kind,
    /// Every field of the file after the common header (`threats: […]`, `rules: […]` …).
    #[serde(flatten)]
    pub fields: serde_json::Map<String, serde_json::Value>,
}

impl Data {
    /// The entries of the kind's list field (threats, policy rules).
    pub fn entries(&self) -> &[serde_json::Value] {
        self.kind
            .list_field()
            .and_then(|f| self.fields.get(f))
            .and_then(serde_json::Value::as_array)
            .map_or(&[], Vec::as_slice)
    }
}

impl Catalog {
    pub fn key(&self) -> String {
        self.header.key()
    }

    /// The reference that names exactly this catalog (its id and revision); `None` only for a
    /// catalog built by hand with an id that is not one (loading checks it).
    pub fn reference(&self) -> Option<CatalogRef> {
        CatalogRef::new(self.header.id.clone(), Some(self.header.revision.clone())).ok()
    }

    pub fn kind(&self) -> Kind {
        match &self.body {
            Body::Checklist(_) => Kind::Checklist,
            Body::Overlay(_) => Kind::Overlay,
            Body::Reference(_) => Kind::Reference,
            Body::Mapping(_) => Kind::Mapping,
            Body::Data(d) => d.kind,
        }
    }

    /// Whether the catalog is one that kaiji ships (as opposed to one a user loaded).
    pub fn is_builtin(&self) -> bool {
        self.origin.starts_with("builtin:")
    }

    pub fn as_checklist(&self) -> Option<&Checklist> {
        match &self.body {
            Body::Checklist(c) => Some(c),
            _ => None,
        }
    }

    pub fn as_overlay(&self) -> Option<&Overlay> {
        match &self.body {
            Body::Overlay(o) => Some(o),
            _ => None,
        }
    }

    pub fn as_reference(&self) -> Option<&Reference> {
        match &self.body {
            Body::Reference(r) => Some(r),
            _ => None,
        }
    }

    pub fn as_mapping(&self) -> Option<&Mapping> {
        match &self.body {
            Body::Mapping(m) => Some(m),
            _ => None,
        }
    }

    /// The body of a threat catalogue or policy.
    pub fn as_data(&self) -> Option<&Data> {
        match &self.body {
            Body::Data(d) => Some(d),
            _ => None,
        }
    }

    /// How many entries the catalog holds (items, overlay marks, reference entries, mappings).
    pub fn len(&self) -> usize {
        match &self.body {
            Body::Checklist(c) => c.items().count(),
            Body::Overlay(o) => o.items.len(),
            Body::Reference(r) => r.entries.len(),
            Body::Mapping(m) => m.entries.len(),
            Body::Data(d) => d.entries().len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many entries the catalog holds at each confidence; an entry without a confidence of
    /// its own (an overlay mark, a threat, a policy rule) counts at the catalog's.
    pub fn confidence_counts(&self) -> ConfidenceCounts {
        let own = self.header.confidence;
        let marks: Vec<Confidence> = match &self.body {
            Body::Checklist(c) => c.items().map(|i| i.confidence).collect(),
            Body::Overlay(o) => o
                .items
                .iter()
                .map(|i| i.confidence.unwrap_or(own))
                .collect(),
            Body::Reference(r) => r.entries.iter().map(|e| e.confidence).collect(),
            Body::Mapping(m) => m.entries.iter().map(|e| e.confidence).collect(),
            Body::Data(d) => d
                .entries()
                .iter()
                .map(|e| {
                    e.get("confidence")
                        .and_then(serde_json::Value::as_str)
                        .and_then(|c| c.parse().ok())
                        .unwrap_or(own)
                })
                .collect(),
        };
        let mut counts = ConfidenceCounts::default();
        for c in marks {
            *counts.get_mut(c) += 1;
        }
        counts
    }

    /// Whether the entry `id` exists in this catalog (item id, or reference entry id).
    pub fn has_entry(&self, id: &str) -> bool {
        match &self.body {
            Body::Checklist(c) => c.item(id).is_some(),
            Body::Reference(r) => r.entry(id).is_some(),
            Body::Overlay(_) | Body::Mapping(_) | Body::Data(_) => false,
        }
    }
}

/// A checklist (MDS/SDS form) revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Checklist {
    pub forms: BTreeSet<Form>,
    pub sections: Vec<Section>,
}

impl Checklist {
    pub fn items(&self) -> impl Iterator<Item = &Item> {
        self.sections.iter().flat_map(|s| s.items.iter())
    }

    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items().find(|i| i.id.as_str() == id)
    }

    /// The section an item stands in.
    pub fn section_of(&self, id: &str) -> Option<&Section> {
        self.sections
            .iter()
            .find(|s| s.items.iter().any(|i| i.id.as_str() == id))
    }

    /// The items that a document of `form` answers, in form order.
    pub fn items_for(&self, form: Form) -> impl Iterator<Item = &Item> {
        self.items().filter(move |i| i.forms.contains(&form))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub id: String,
    pub title: Text,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub id: ItemId,
    /// The number printed on the form, where known ("1-1" style).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no: Option<String>,
    pub forms: BTreeSet<Form>,
    /// kaiji's own paraphrase of what the item asks (never the official wording).
    pub text: Text,
    #[serde(default)]
    pub answer: AnswerKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mds2: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<Rule>,
    pub confidence: Confidence,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

impl Item {
    /// The answers for which a remark is required.
    pub fn remark_required_for(&self) -> impl Iterator<Item = Answer> + '_ {
        self.rules
            .iter()
            .flat_map(|r| match r {
                Rule::RemarkRequired(answers) => answers.as_slice(),
                Rule::OnlyIf(_) => &[],
            })
            .copied()
    }

    /// The conditions under which the item applies.
    pub fn conditions(&self) -> impl Iterator<Item = &Condition> {
        self.rules.iter().filter_map(|r| match r {
            Rule::OnlyIf(c) => Some(c),
            Rule::RemarkRequired(_) => None,
        })
    }
}

/// A rule on an item. In YAML a one-key map: `{remark-required: [no, na]}` or
/// `{only-if: {item: X, answer: yes}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawRule", into = "RawRule")]
pub enum Rule {
    /// A remark is required when the answer is one of these.
    RemarkRequired(Vec<Answer>),
    /// The item applies only when another item has this answer.
    OnlyIf(Condition),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawRule {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    remark_required: Option<Vec<Answer>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    only_if: Option<Condition>,
}

impl TryFrom<RawRule> for Rule {
    type Error = String;

    fn try_from(raw: RawRule) -> Result<Self, Self::Error> {
        match (raw.remark_required, raw.only_if) {
            (Some(answers), None) if !answers.is_empty() => Ok(Self::RemarkRequired(answers)),
            (Some(_), None) => Err("remark-required needs at least one answer".into()),
            (None, Some(cond)) => Ok(Self::OnlyIf(cond)),
            _ => Err("a rule is exactly one of remark-required or only-if".into()),
        }
    }
}

impl From<Rule> for RawRule {
    fn from(rule: Rule) -> Self {
        match rule {
            Rule::RemarkRequired(answers) => Self {
                remark_required: Some(answers),
                only_if: None,
            },
            Rule::OnlyIf(cond) => Self {
                remark_required: None,
                only_if: Some(cond),
            },
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub item: ItemId,
    pub answer: Answer,
}

/// Marks on the items of one checklist revision for a particular use (the RSS SDS).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Overlay {
    pub base: CatalogRef,
    pub items: Vec<OverlayItem>,
}

impl Overlay {
    pub fn item(&self, id: &str) -> Option<&OverlayItem> {
        self.items.iter().find(|i| i.item.as_str() == id)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverlayItem {
    pub item: ItemId,
    #[serde(default)]
    pub rss_relevant: bool,
    #[serde(default)]
    pub communication_method: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<Confidence>,
    /// How a communication-method item is answered from a remote service profile's facts
    /// (`kaiji rss sds`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_profile: Option<ProfileRule>,
}

/// The answer of an item from the facts of a remote service profile (`line:internet-vpn`,
/// `vpn:ipsec`, `mode:on-demand` …): 該当なし when any `na_if` fact holds, else はい when any
/// `yes_if` fact holds, else いいえ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileRule {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub na_if: Vec<String>,
    pub yes_if: Vec<String>,
}

impl ProfileRule {
    /// The answer for a set of facts.
    pub fn answer(&self, holds: impl Fn(&str) -> bool) -> Answer {
        if self.na_if.iter().any(|f| holds(f)) {
            Answer::Na
        } else if self.yes_if.iter().any(|f| holds(f)) {
            Answer::Yes
        } else {
            Answer::No
        }
    }
}

/// A list of referable entries: guideline sections and compliance items, inspection checklist
/// lines, control sets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reference {
    pub entries: Vec<Entry>,
}

impl Reference {
    /// The entry with this id, or with this former id (`aliases`).
    pub fn entry(&self, id: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.id == id).or_else(|| {
            self.entries
                .iter()
                .find(|e| e.aliases.iter().any(|a| a == id))
        })
    }

    /// The top entry of a form (an MHLW checklist's `hospital`, `facility`, `vendor`): the entry
    /// without a parent whose id is the form's.
    pub fn form_entry(&self, form: &str) -> Option<&Entry> {
        self.entries
            .iter()
            .find(|e| e.parent.is_none() && e.id == form && e.form.as_deref() == Some(form))
    }

    /// The form a facility of this kind (`hospital`, `pharmacy`) answers: the form whose top
    /// entry lists it under `facilities`, else the form named like it.
    pub fn form_for_facility(&self, facility: &str) -> Option<&Entry> {
        self.entries
            .iter()
            .filter(|e| e.parent.is_none() && e.form.as_deref() == Some(e.id.as_str()))
            .find(|e| e.facilities.iter().any(|f| f == facility))
            .or_else(|| self.form_entry(facility))
    }

    /// How an entry id reads in each language: in Japanese the id itself; in English the id
    /// with the part's English `name` in place of the Japanese one (`システム運用編 13` reads
    /// `Control part 13`). Ids are never translated, only shown.
    pub fn id_text(&self, id: &str) -> Text {
        let en = self
            .entries
            .iter()
            .filter_map(|e| Some((e.id.as_str(), e.name.as_ref()?)))
            .find_map(|(part, name)| {
                let rest = id.strip_prefix(part)?;
                (rest.is_empty() || rest.starts_with(' ')).then(|| format!("{}{rest}", name.en))
            })
            .unwrap_or_else(|| id.to_owned());
        Text::new(id, en)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    pub title: Text,
    /// The short name of a part, as its id begins the ids under it (`システム運用編`), with an
    /// English one for English output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<String>,
    pub confidence: Confidence,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// What kaiji can show as evidence for this line of a checklist (MHLW checklist lines that
    /// an inventory and the collected disclosures answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Evidence>,
    /// The number printed on the form is not known: the id after the form (`facility:remote-maintenance`)
    /// is kaiji's stable name for the line, not its number.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unnumbered: bool,
    /// On a form's top entry: the kinds of facility (a kaiji inventory's `form:`, `hospital` or
    /// `pharmacy`) that answer this form, when it is not only the one named like it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub facilities: Vec<String>,
    /// Former ids of this entry, still accepted wherever an entry id is read (mappings).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

/// Evidence kaiji can produce for a checklist line from a hospital's system inventory and the
/// disclosures it collected.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::Display, strum::EnumString,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Evidence {
    /// Every system says whether it is remotely maintained, and for those that are, the vendor
    /// has confirmed it (a disclosure answering the items that serve the line, or a recorded
    /// confirmation date).
    RemoteMaintenance,
    /// Every system's vendor has handed over its MDS/SDS.
    Disclosures,
}

/// A mapping between two catalogs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mapping {
    pub from: CatalogRef,
    pub to: CatalogRef,
    pub entries: Vec<MapEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MapEntry {
    pub from: Vec<String>,
    pub to: Vec<String>,
    pub relation: Relation,
    pub confidence: Confidence,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::Display,
    strum::EnumString,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Relation {
    Same,
    Renamed,
    Split,
    Merged,
    New,
    Removed,
    Serves,
    // No item of `from` answers the `to` entry (a line of the GL 7.0 別紙 that the disclosure's
    // checklist has no item for); `from` is empty. (A plain comment: a doc comment on one
    // variant would make the JSON Schema of the enum a oneOf.)
    NoItem,
}

impl Relation {
    pub fn label(self) -> Text {
        match self {
            Self::Same => Text::new("同一", "same"),
            Self::Renamed => Text::new("番号変更", "renamed"),
            Self::Split => Text::new("分割", "split"),
            Self::Merged => Text::new("統合", "merged"),
            Self::New => Text::new("新設", "new"),
            Self::Removed => Text::new("削除", "removed"),
            Self::Serves => Text::new("対応", "serves"),
            Self::NoItem => Text::new("対応項目なし", "no item"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_as_people_write_them() {
        for (text, want) in [
            ("はい", Some(Answer::Yes)),
            (" Yes ", Some(Answer::Yes)),
            ("ＹＥＳ", Some(Answer::Yes)),
            ("○", Some(Answer::Yes)),
            ("いいえ", Some(Answer::No)),
            ("×", Some(Answer::No)),
            ("該当なし", Some(Answer::Na)),
            ("非該当", Some(Answer::Na)),
            ("対象外", Some(Answer::Na)),
            ("N/A", Some(Answer::Na)),
            ("Ｎ／Ａ", Some(Answer::Na)),
            ("－", Some(Answer::Na)),
            ("該当しない", Some(Answer::Na)),
            ("あり", Some(Answer::Yes)),
            ("未対応", Some(Answer::No)),
            ("●", Some(Answer::Yes)),
            ("たぶん", None),
            ("", None),
        ] {
            assert_eq!(Answer::parse_loose(text), want, "{text:?}");
        }
    }
}
