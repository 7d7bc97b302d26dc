//! A new, unanswered disclosure with every applicable item.

use std::collections::BTreeMap;

use kaiji_catalog::Catalog;

use crate::{AnswerEntry, CatalogId, Disclosure, DocKind, Error, Subject};

/// A disclosure of `kind` for the checklist `catalog`, with an empty answer for every item of the
/// kind's form. The subject is taken as given.
pub fn skeleton(kind: DocKind, catalog: &Catalog, subject: Subject) -> Result<Disclosure, Error> {
    let checklist = catalog
        .as_checklist()
        .ok_or_else(|| Error::UnknownCatalog(catalog.key()))?;
    let form = kind.form();
    if !checklist.forms.contains(&form) {
        return Err(Error::FormNotInCatalog {
            catalog: catalog.key(),
            form: form.to_string(),
        });
    }
    let answers: BTreeMap<String, AnswerEntry> = checklist
        .items_for(form)
        .map(|item| (item.id.to_string(), AnswerEntry::default()))
        .collect();
    Ok(Disclosure {
        kind,
        catalog: CatalogId {
            id: catalog.header.id.clone(),
            revision: catalog.header.revision.clone(),
        },
        subject,
        answers,
        extra: BTreeMap::new(),
    })
}
