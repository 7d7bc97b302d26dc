//! The set of loaded catalogs and the lookups across them.

use std::cmp::Ordering;

use crate::{
    BUILTIN, Catalog, CatalogId, CatalogRef, Checklist, Error, Item, Kind, Relation, Section, Text,
    compare_versions,
    load::{Source, parse_source},
};

/// All catalogs kaiji knows in this run: the built-in ones plus any the user loaded.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    catalogs: Vec<Catalog>,
}

/// One item with everything the catalogs say about it.
#[derive(Debug, Clone)]
pub struct ItemView<'a> {
    pub catalog: &'a Catalog,
    pub section: &'a Section,
    pub item: &'a Item,
    /// Mappings that name this item, from either side.
    pub links: Vec<Link<'a>>,
    /// The RSS overlay mark, if an overlay on this checklist exists.
    pub rss: Option<RssMark<'a>>,
}

/// A mapping entry seen from one item.
#[derive(Debug, Clone)]
pub struct Link<'a> {
    /// The mapping catalog.
    pub mapping: &'a Catalog,
    pub relation: Relation,
    /// True when the item is on the mapping's `from` side.
    pub outgoing: bool,
    /// The catalog on the other side, when it is loaded.
    pub other: Option<&'a Catalog>,
    /// The ids on the other side.
    pub ids: &'a [String],
}

/// How the RSS overlay marks an item.
#[derive(Debug, Clone, Copy)]
pub struct RssMark<'a> {
    pub overlay: &'a Catalog,
    pub relevant: bool,
    pub communication_method: bool,
    pub note: Option<&'a Text>,
}

impl Registry {
    /// The catalogs shipped with kaiji.
    pub fn builtin() -> Result<Self, Error> {
        Self::builtin_of(&Kind::ALL)
    }

    /// The shipped catalogs of some kinds only: a command that needs the checklists alone does
    /// not pay for reading the guidelines and mappings.
    pub fn builtin_of(kinds: &[Kind]) -> Result<Self, Error> {
        let mut registry = Self::default();
        for (name, kind, json) in BUILTIN {
            if !kinds.iter().any(|k| k.to_string() == *kind) {
                continue;
            }
            registry.add(parse_source(
                &format!("builtin:{name}"),
                Source::Json(json),
            )?)?;
        }
        // Checklists first, then overlays, reference lists and mappings; newest revision first.
        registry.catalogs.sort_by(|a, b| {
            (a.kind() as u8, &a.header.id)
                .cmp(&(b.kind() as u8, &b.header.id))
                .then_with(|| newest_order(b, a))
        });
        Ok(registry)
    }

    /// Adds a catalog. A catalog a user loads replaces the shipped one with the same
    /// `id@revision` (an edited or officially derived revision); two user catalogs with the same
    /// key are an error. A threat catalogue or policy is looked up by id alone
    /// ([`Registry::data`]), so a user's one replaces the shipped one with the same id and kind,
    /// whatever its revision.
    pub fn add(&mut self, catalog: Catalog) -> Result<(), Error> {
        let same = |c: &Catalog| {
            c.key() == catalog.key()
                || (catalog.kind().is_data()
                    && c.kind() == catalog.kind()
                    && c.header.id == catalog.header.id
                    && c.is_builtin() != catalog.is_builtin())
        };
        match self.catalogs.iter().position(same) {
            Some(at) if self.catalogs[at].is_builtin() && !catalog.is_builtin() => {
                self.catalogs[at] = catalog;
            }
            Some(at) => {
                return Err(Error::Duplicate {
                    key: catalog.key(),
                    origin: catalog.origin,
                    existing: self.catalogs[at].origin.clone(),
                });
            }
            None => self.catalogs.push(catalog),
        }
        Ok(())
    }

    pub fn catalogs(&self) -> &[Catalog] {
        &self.catalogs
    }

    /// The catalogs of one kind, in registry order.
    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &Catalog> {
        self.catalogs.iter().filter(move |c| c.kind() == kind)
    }

    /// The threat catalogue or policy with this id (the user's, when one replaced the shipped
    /// one; the newest revision when several are loaded).
    pub fn data(&self, kind: Kind, id: &str) -> Option<&Catalog> {
        self.of_kind(kind)
            .filter(|c| c.header.id == id)
            .max_by(|a, b| newest_order(a, b))
    }

    /// Finds a catalog: an exact revision first, then the newest revision of a version, then the
    /// newest revision of the id.
    pub fn resolve(&self, r: &CatalogRef) -> Option<&Catalog> {
        let same_id = || self.catalogs.iter().filter(|c| c.header.id == r.id());
        let newest = |a: &&Catalog, b: &&Catalog| newest_order(a, b);
        match r.revision() {
            Some(rev) => same_id()
                .find(|c| c.header.revision == rev)
                .or_else(|| same_id().filter(|c| c.header.version == rev).max_by(newest)),
            None => same_id().max_by(newest),
        }
    }

    /// The catalog a document names (id and revision), resolved as [`Registry::resolve`] does.
    pub fn catalog_for(&self, id: &CatalogId) -> Option<&Catalog> {
        self.resolve(&CatalogRef::new(id.id.clone(), Some(id.revision.clone())).ok()?)
    }

    /// The checklist a document answers.
    pub fn checklist_for(&self, id: &CatalogId) -> Option<(&Catalog, &Checklist)> {
        let c = self.catalog_for(id)?;
        Some((c, c.as_checklist()?))
    }

    /// Finds a checklist catalog.
    pub fn checklist(&self, r: &CatalogRef) -> Option<(&Catalog, &Checklist)> {
        let c = self.resolve(r)?;
        Some((c, c.as_checklist()?))
    }

    /// The newest checklist revision with the same id, if it is newer than `catalog`.
    pub fn newer_revision(&self, catalog: &Catalog) -> Option<&Catalog> {
        self.catalogs
            .iter()
            .filter(|c| c.header.id == catalog.header.id && c.kind() == Kind::Checklist)
            .max_by(|a, b| newest_order(a, b))
            .filter(|newest| newest_order(newest, catalog) == Ordering::Greater)
    }

    /// Everything the catalogs say about one item of a checklist.
    pub fn item_view<'a>(&'a self, catalog: &'a Catalog, id: &str) -> Option<ItemView<'a>> {
        let checklist = catalog.as_checklist()?;
        let item = checklist.item(id)?;
        let section = checklist.section_of(id)?;
        let key = catalog.key();
        let mut links = Vec::new();
        for mapping_catalog in &self.catalogs {
            let Some(mapping) = mapping_catalog.as_mapping() else {
                continue;
            };
            let from = self.resolve(&mapping.from);
            let to = self.resolve(&mapping.to);
            let from_here = from.is_some_and(|c| c.key() == key);
            let to_here = to.is_some_and(|c| c.key() == key);
            for entry in &mapping.entries {
                if from_here && entry.from.iter().any(|f| f == id) {
                    links.push(Link {
                        mapping: mapping_catalog,
                        relation: entry.relation,
                        outgoing: true,
                        other: to,
                        ids: &entry.to,
                    });
                }
                if to_here && entry.to.iter().any(|t| t == id) {
                    links.push(Link {
                        mapping: mapping_catalog,
                        relation: entry.relation,
                        outgoing: false,
                        other: from,
                        ids: &entry.from,
                    });
                }
            }
        }
        let rss = self.overlay_for(catalog).map(|overlay_catalog| {
            let mark = overlay_catalog.as_overlay().and_then(|o| o.item(id));
            RssMark {
                overlay: overlay_catalog,
                relevant: mark.is_some_and(|m| m.rss_relevant),
                communication_method: mark.is_some_and(|m| m.communication_method),
                note: mark.and_then(|m| m.note.as_ref()),
            }
        });
        Some(ItemView {
            catalog,
            section,
            item,
            links,
            rss,
        })
    }

    /// Whether `checklist` is an annex: a list of lines that the items of another checklist
    /// answer (the `to` side of a `serves` / `no-item` mapping from a checklist, as the GL 7.0
    /// 別紙 is). No document answers an annex directly, so workbook import never takes one for
    /// the checklist a workbook names.
    pub fn is_annex(&self, checklist: &Catalog) -> bool {
        let key = checklist.key();
        self.catalogs
            .iter()
            .filter_map(Catalog::as_mapping)
            .any(|m| {
                m.entries
                    .iter()
                    .any(|e| matches!(e.relation, Relation::Serves | Relation::NoItem))
                    && self.resolve(&m.to).is_some_and(|t| t.key() == key)
                    && self
                        .resolve(&m.from)
                        .is_some_and(|f| f.as_checklist().is_some())
            })
    }

    /// The newest overlay whose base is `checklist`.
    pub fn overlay_for(&self, checklist: &Catalog) -> Option<&Catalog> {
        let key = checklist.key();
        self.catalogs
            .iter()
            .filter(|c| {
                c.as_overlay()
                    .and_then(|o| self.resolve(&o.base))
                    .is_some_and(|base| base.key() == key)
            })
            .max_by(|a, b| newest_order(a, b))
    }
}

impl ItemView<'_> {
    /// The ids this item maps to in catalogs with the given id (e.g. `mhlw-gl`), outgoing only.
    pub fn refs_to(&self, catalog_id: &str) -> Vec<&str> {
        let mut ids: Vec<&str> = self
            .links
            .iter()
            .filter(|l| l.outgoing && l.relation == Relation::Serves)
            .filter(|l| l.other.is_some_and(|c| c.header.id == catalog_id))
            .flat_map(|l| l.ids.iter().map(String::as_str))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

fn newest_order(a: &Catalog, b: &Catalog) -> Ordering {
    compare_versions(&a.header.version, &b.header.version)
        .then_with(|| compare_versions(&a.header.revision, &b.header.revision))
}
