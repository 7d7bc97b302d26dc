//! A new, unanswered disclosure with every applicable item.

use std::collections::BTreeMap;

use kaiji_catalog::{Answer, Catalog, Registry};

use crate::disclosure::{AnswerEntry, Subject};
use crate::{CatalogId, Disclosure, DocKind, Error};

/// A disclosure of `kind` for the checklist `catalog`, with an entry for every item of the kind's
/// form, unanswered. The subject is taken as given.
///
/// An RSS SDS follows the RSS rules: items the checklist's RSS overlay does not mark as relevant
/// to the remote service are answered 該当なし (`na`) from the start.
pub fn skeleton(
    kind: DocKind,
    catalog: &Catalog,
    registry: &Registry,
    subject: Subject,
) -> Result<Disclosure, Error> {
    let checklist = catalog
        .as_checklist()
        .ok_or_else(|| Error::NotAChecklist(catalog.key()))?;
    let form = kind.form();
    if !checklist.forms.contains(&form) {
        return Err(Error::FormNotInCatalog {
            catalog: catalog.key(),
            form: form.to_string(),
        });
    }
    let overlay = match kind {
        DocKind::RssSds => Some(
            registry
                .overlay_for(catalog)
                .and_then(Catalog::as_overlay)
                .ok_or_else(|| Error::NoRssOverlay(catalog.key()))?,
        ),
        DocKind::Mds | DocKind::Sds => None,
    };
    let answers: BTreeMap<String, AnswerEntry> = checklist
        .items_for(form)
        .map(|item| {
            let relevant =
                overlay.is_none_or(|o| o.item(item.id.as_str()).is_some_and(|m| m.rss_relevant));
            let entry = AnswerEntry {
                answer: (!relevant).then_some(Answer::Na),
                ..AnswerEntry::default()
            };
            (item.id.to_string(), entry)
        })
        .collect();
    Ok(Disclosure {
        kind,
        catalog: CatalogId::of(&catalog.header),
        subject,
        answers,
        extra: BTreeMap::new(),
    })
}
