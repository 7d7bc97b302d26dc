//! Which edition of 安全管理GL reviews, comparisons and policies cite, and what an item cites in
//! it.
//!
//! Items serve guideline entries through item → GL mapping files, each of which targets one
//! edition (the shipped 5.0h mapping targets 6.0; the 2FA items also serve 7.0 entries directly).
//! To cite edition E, kaiji follows the item's mappings to whatever edition they target, then the
//! GL edition → edition mappings (forwards or backwards, as many steps as it takes) to E. Where a
//! mapping is by chapter only, a 遵守事項 or section is carried by its chapter and the entry the
//! mapping gives is cited; where the mapping says removed, the citation says so; an entry new in
//! a later edition has nothing to cite in an earlier one. Every citation carries the weakest
//! confidence mark on its way.

use std::collections::BTreeMap;

use kaiji_catalog::{Catalog, CatalogRef, Confidence, ItemView, Kind, Registry, Relation, Text};
use serde::Serialize;

use crate::Error;
use crate::diag::GlRef;

/// The catalog id of 安全管理GL (each edition is one revision of it).
pub const GL_CATALOG: &str = "mhlw-gl";

/// The edition reviews and policies cite unless told otherwise (`--guideline`).
pub const DEFAULT_GUIDELINE: &str = "mhlw-gl@7.0";

/// One loaded edition of 安全管理GL, as reports name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Guideline {
    /// The catalog key (`mhlw-gl@7.0`).
    pub key: String,
    /// The edition (`7.0`).
    pub version: String,
    /// The catalog's title.
    pub title: Text,
}

impl Guideline {
    /// The loaded edition `edition` names (`mhlw-gl@7.0`, `mhlw-gl@6.0`; a bare `mhlw-gl` is the
    /// newest). Anything else is [`Error::UnknownGuideline`], which lists the loaded editions.
    pub fn resolve(registry: &Registry, edition: &str) -> Result<Self, Error> {
        let unknown = || Error::UnknownGuideline {
            given: edition.to_owned(),
            loaded: Self::loaded(registry),
        };
        let r: CatalogRef = edition.trim().parse().map_err(|_| unknown())?;
        if r.id() != GL_CATALOG {
            return Err(unknown());
        }
        registry
            .resolve(&r)
            .filter(|c| c.as_reference().is_some())
            .map(Self::of)
            .ok_or_else(unknown)
    }

    /// [`DEFAULT_GUIDELINE`], or the newest loaded edition when a registry lacks it.
    pub fn default_in(registry: &Registry) -> Result<Self, Error> {
        Self::resolve(registry, DEFAULT_GUIDELINE).or_else(|_| Self::resolve(registry, GL_CATALOG))
    }

    fn of(catalog: &Catalog) -> Self {
        Self {
            key: catalog.key(),
            version: catalog.header.version.clone(),
            title: catalog.header.title.clone(),
        }
    }

    /// The keys of the loaded editions, newest first.
    pub fn loaded(registry: &Registry) -> Vec<String> {
        let mut editions: Vec<&Catalog> = gl_editions(registry).collect();
        editions
            .sort_by(|a, b| kaiji_catalog::compare_versions(&b.header.version, &a.header.version));
        editions.into_iter().map(Catalog::key).collect()
    }

    /// `安全管理GL 第7.0版` / `MHLW guideline 7.0`.
    pub fn label(&self) -> Text {
        Text::new(
            format!("安全管理GL 第{}版", self.version),
            format!("MHLW guideline {}", self.version),
        )
    }

    /// `GL 7.0`, the short form findings use.
    pub fn short(&self) -> String {
        format!("GL {}", self.version)
    }

    pub(crate) fn catalog<'a>(&self, registry: &'a Registry) -> Option<&'a Catalog> {
        edition(registry, &self.key)
    }

    /// An entry's title in this edition.
    pub fn entry_title(&self, registry: &Registry, id: &str) -> Option<Text> {
        let entry = self.catalog(registry)?.as_reference()?.entry(id)?;
        Some(entry.title.clone())
    }

    /// An entry's confidence mark in this edition (U when the edition does not list it).
    pub fn entry_confidence(&self, registry: &Registry, id: &str) -> Confidence {
        self.catalog(registry)
            .and_then(|c| c.as_reference()?.entry(id))
            .map_or(Confidence::U, |e| e.confidence)
    }

    /// How an entry id of this edition reads in each language (`Control part 13` in English).
    pub fn id_text(&self, registry: &Registry, id: &str) -> Text {
        id_text(registry, &self.key, id)
    }

    /// How a citation reads, with its confidence where it is not V
    /// (`システム運用編 13 (確度 U)`), or that the entry was removed in this edition.
    pub fn ref_text(&self, registry: &Registry, r: &GlRef) -> Text {
        let name = id_text(registry, r.removed.as_deref().unwrap_or(&self.key), &r.id);
        r.text(&name, &self.version)
    }

    /// The entries of this edition an item of `catalog` serves (see the module documentation).
    pub fn cite(&self, registry: &Registry, catalog: &Catalog, item: &str) -> Vec<GlRef> {
        let mut best: BTreeMap<(String, Option<String>), Confidence> = BTreeMap::new();
        for (from, id) in served(registry, catalog, item) {
            let mut path = Vec::new();
            for r in translate(registry, from, &id, &self.key, &mut path) {
                let slot = best.entry((r.id, r.removed)).or_insert(r.confidence);
                *slot = (*slot).min(r.confidence);
            }
        }
        best.into_iter()
            .map(|((id, removed), confidence)| GlRef {
                id,
                confidence,
                removed,
            })
            .collect()
    }
}

fn gl_editions(registry: &Registry) -> impl Iterator<Item = &Catalog> {
    registry
        .of_kind(Kind::Reference)
        .filter(|c| c.header.id == GL_CATALOG)
}

fn edition<'a>(registry: &'a Registry, key: &str) -> Option<&'a Catalog> {
    gl_editions(registry).find(|c| c.key() == key)
}

fn id_text(registry: &Registry, key: &str, id: &str) -> Text {
    edition(registry, key)
        .and_then(Catalog::as_reference)
        .map_or_else(|| Text::new(id, id), |r| r.id_text(id))
}

/// The GL entries an item serves, each with the edition its mapping targets. An item of an older
/// checklist (4.1) with no GL mapping of its own serves what its successors in the newer
/// checklist serve (through the revision mapping: same, renamed, split, merged).
fn served<'a>(
    registry: &'a Registry,
    catalog: &'a Catalog,
    id: &str,
) -> Vec<(&'a Catalog, String)> {
    let Some(view) = registry.item_view(catalog, id) else {
        return Vec::new();
    };
    let direct = gl_links(&view);
    if !direct.is_empty() {
        return direct;
    }
    let mut refs = Vec::new();
    for link in view.links.iter().filter(|l| {
        l.outgoing
            && matches!(
                l.relation,
                Relation::Same | Relation::Renamed | Relation::Split | Relation::Merged
            )
    }) {
        let Some(next) = link.other.filter(|c| c.as_checklist().is_some()) else {
            continue;
        };
        for successor in link.ids {
            if let Some(v) = registry.item_view(next, successor) {
                refs.extend(gl_links(&v));
            }
        }
    }
    refs
}

fn gl_links<'a>(view: &ItemView<'a>) -> Vec<(&'a Catalog, String)> {
    view.links
        .iter()
        .filter(|l| l.outgoing && l.relation == Relation::Serves)
        .filter_map(|l| {
            let other = l
                .other
                .filter(|c| c.header.id == GL_CATALOG && c.as_reference().is_some())?;
            Some((other, l.ids))
        })
        .flat_map(|(c, ids)| ids.iter().map(move |i| (c, i.clone())))
        .collect()
}

/// The entry and the entries above it, nearest first: `システム運用編 13⑪` → `システム運用編 13` →
/// `システム運用編` (from the entries' `parent`, else from the shape of the id).
fn ancestors(catalog: &Catalog, id: &str) -> Vec<String> {
    let mut chain = vec![id.to_owned()];
    while let Some(parent) = catalog
        .as_reference()
        .and_then(|r| r.entry(chain.last()?))
        .and_then(|e| e.parent.clone())
        .or_else(|| id_parent(chain.last()?))
    {
        if chain.contains(&parent) {
            break;
        }
        chain.push(parent);
    }
    chain
}

/// The level above an id by its shape: `13⑪` → `13`, `13.1.2` → `13.1`, `13` → the part.
fn id_parent(id: &str) -> Option<String> {
    let (part, rest) = id.split_once(' ')?;
    if let Some(at) = rest.find(|c| ('\u{2460}'..='\u{24FF}').contains(&c)) {
        return Some(format!("{part} {}", &rest[..at]));
    }
    if let Some((head, _)) = rest.rsplit_once('.') {
        return Some(format!("{part} {head}"));
    }
    Some(part.to_owned())
}

/// Entry `id` of edition `from` in edition `cited`, through the GL mappings. `path` holds the
/// editions on the way (no edition is entered twice).
fn translate(
    registry: &Registry,
    from: &Catalog,
    id: &str,
    cited: &str,
    path: &mut Vec<String>,
) -> Vec<GlRef> {
    if from.key() == cited {
        let confidence = from
            .as_reference()
            .and_then(|r| r.entry(id))
            .map_or(Confidence::U, |e| e.confidence);
        return vec![GlRef {
            id: id.to_owned(),
            confidence,
            removed: None,
        }];
    }
    path.push(from.key());
    let mut out = Vec::new();
    for mapping in registry.of_kind(Kind::Mapping) {
        let Some(map) = mapping.as_mapping() else {
            continue;
        };
        let (Some(a), Some(b)) = (registry.resolve(&map.from), registry.resolve(&map.to)) else {
            continue;
        };
        if a.header.id != GL_CATALOG || b.header.id != GL_CATALOG {
            continue;
        }
        let forward = a.key() == from.key() && !path.contains(&b.key());
        let backward = b.key() == from.key() && !path.contains(&a.key());
        let next = match (forward, backward) {
            (true, _) => b,
            (false, true) => a,
            (false, false) => continue,
        };
        for candidate in ancestors(from, id) {
            let hits: Vec<_> = map
                .entries
                .iter()
                .filter(|e| {
                    let side = if forward { &e.from } else { &e.to };
                    side.contains(&candidate)
                })
                .collect();
            if hits.is_empty() {
                continue;
            }
            for entry in hits {
                match entry.relation {
                    Relation::Removed if forward => {
                        let own = from
                            .as_reference()
                            .and_then(|r| r.entry(&candidate))
                            .map_or(Confidence::U, |e| e.confidence);
                        out.push(GlRef {
                            id: candidate.clone(),
                            confidence: own.max(entry.confidence),
                            removed: Some(from.key()),
                        });
                    }
                    Relation::Same | Relation::Renamed | Relation::Split | Relation::Merged => {
                        let targets = if forward { &entry.to } else { &entry.from };
                        for target in targets {
                            for mut r in translate(registry, next, target, cited, path) {
                                r.confidence = r.confidence.max(entry.confidence);
                                out.push(r);
                            }
                        }
                    }
                    // New (read backwards: nothing earlier), serves: nothing to cite.
                    _ => {}
                }
            }
            break;
        }
    }
    path.pop();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_parents_by_their_shape() {
        assert_eq!(
            id_parent("システム運用編 13⑪").as_deref(),
            Some("システム運用編 13")
        );
        assert_eq!(
            id_parent("企画管理編 13.1.2").as_deref(),
            Some("企画管理編 13.1")
        );
        assert_eq!(
            id_parent("システム運用編 13").as_deref(),
            Some("システム運用編")
        );
        assert_eq!(id_parent("システム運用編"), None);
    }

    #[test]
    fn only_loaded_editions_resolve() {
        let registry = Registry::builtin().unwrap();
        assert_eq!(
            Guideline::resolve(&registry, DEFAULT_GUIDELINE)
                .unwrap()
                .key,
            "mhlw-gl@7.0"
        );
        assert_eq!(
            Guideline::resolve(&registry, "mhlw-gl").unwrap().key,
            "mhlw-gl@7.0"
        );
        assert_eq!(
            Guideline::resolve(&registry, "mhlw-gl@6.0")
                .unwrap()
                .version,
            "6.0"
        );
        for bad in ["mhlw-gl@9.9", "jahis-mds-sds@5.0h", "", "mhlw gl"] {
            let e = Guideline::resolve(&registry, bad).unwrap_err();
            let en = e.message(kaiji_catalog::Lang::En);
            assert!(en.contains("mhlw-gl@7.0, mhlw-gl@6.0"), "{bad}: {en}");
            assert_eq!(e.kind(), kaiji_catalog::ErrorKind::BadInput);
        }
    }

    #[test]
    fn items_cite_either_edition_through_the_mappings() {
        let registry = Registry::builtin().unwrap();
        let (catalog, _) = registry
            .checklist(&"jahis-mds-sds@5.0h".parse().unwrap())
            .unwrap();
        let gl7 = Guideline::resolve(&registry, "mhlw-gl@7.0").unwrap();
        let gl6 = Guideline::resolve(&registry, "mhlw-gl@6.0").unwrap();
        let ids = |g: &Guideline, item: &str| -> Vec<(String, Confidence)> {
            g.cite(&registry, catalog, item)
                .into_iter()
                .map(|r| (r.id, r.confidence))
                .collect()
        };
        // MDS-C14-06 serves 6.0 8⑤ and 14; in 7.0 the 遵守事項 is carried by its chapter, and
        // every 7.0 chapter kept from 6.0 is a working assumption (U).
        assert_eq!(
            ids(&gl6, "MDS-C14-06"),
            [
                ("システム運用編 14".to_owned(), Confidence::V),
                (
                    "システム運用編 8⑤".to_owned(),
                    gl6.entry_confidence(&registry, "システム運用編 8⑤")
                ),
            ]
        );
        assert_eq!(
            ids(&gl7, "MDS-C14-06"),
            [
                ("システム運用編 14".to_owned(), Confidence::U),
                ("システム運用編 8".to_owned(), Confidence::U),
            ]
        );
        // The 2FA items serve 保守委託機関編 9④⑤ in 7.0 directly; 6.0 has no counterpart.
        let seven = ids(&gl7, "MDS-C14-02");
        assert!(
            seven.contains(&("保守委託機関編 9④".to_owned(), Confidence::I)),
            "{seven:?}"
        );
        assert!(
            seven.contains(&("システム運用編 14".to_owned(), Confidence::U)),
            "{seven:?}"
        );
        assert_eq!(
            ids(&gl6, "MDS-C14-02"),
            [("システム運用編 14".to_owned(), Confidence::V)]
        );
        let r = &gl7.cite(&registry, catalog, "MDS-C14-06")[0];
        assert_eq!(
            gl7.ref_text(&registry, r),
            Text::new(
                "システム運用編 14 (確度 U)",
                "Control part 14 (confidence U)"
            )
        );
        let r = &gl6.cite(&registry, catalog, "MDS-C14-06")[0];
        assert_eq!(gl6.ref_text(&registry, r).ja, "システム運用編 14");
    }

    #[test]
    fn a_removed_entry_is_cited_as_removed() {
        let mut registry = Registry::builtin().unwrap();
        let original = registry
            .catalogs()
            .iter()
            .find(|c| c.header.id == "mhlw-gl-6.0-7.0")
            .unwrap()
            .clone();
        let yaml = "id: mhlw-gl-6.0-7.0\nkind: mapping\nversion: \"1\"\nrevision: \"1\"\ntitle: {ja: t, en: t}\npublisher: p\nsource: s\nconfidence: U\nfrom: mhlw-gl@6.0\nto: mhlw-gl@7.0\nentries:\n  - {from: [\"システム運用編 14\"], to: [], relation: removed, confidence: I}\n  - {from: [\"システム運用編 8\"], to: [\"システム運用編 9\"], relation: renamed, confidence: D}\n";
        let user = kaiji_catalog::parse("user-map.yaml", yaml).unwrap();
        assert_eq!(user.key(), original.key());
        registry.add(user).unwrap();
        let (catalog, _) = registry
            .checklist(&"jahis-mds-sds@5.0h".parse().unwrap())
            .unwrap();
        let gl7 = Guideline::resolve(&registry, "mhlw-gl@7.0").unwrap();
        let refs = gl7.cite(&registry, catalog, "MDS-C14-06");
        assert_eq!(
            refs,
            [
                GlRef {
                    id: "システム運用編 14".into(),
                    confidence: Confidence::I,
                    removed: Some("mhlw-gl@6.0".into()),
                },
                GlRef {
                    id: "システム運用編 9".into(),
                    confidence: Confidence::U,
                    removed: None,
                },
            ]
        );
        assert_eq!(
            gl7.ref_text(&registry, &refs[0]),
            Text::new(
                "システム運用編 14 (第7.0版で削除)",
                "Control part 14 (removed in 7.0)"
            )
        );
    }
}
