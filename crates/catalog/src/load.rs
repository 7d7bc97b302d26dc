//! Reading catalog files (YAML) into the model.

use serde::Deserialize;

use crate::{
    Body, Catalog, Checklist, Confidence, Error, Header, Kind, Mapping, Overlay, Reference, Text,
};

/// Reads one catalog file. `origin` names it in errors (a path, or `builtin:FILE`).
pub fn parse(origin: &str, yaml: &str) -> Result<Catalog, Error> {
    #[derive(Deserialize)]
    struct Peek {
        kind: Kind,
    }
    let kind = serde_yaml_ng::from_str::<Peek>(yaml)
        .map_err(|e| Error::yaml(origin, e))?
        .kind;
    let (header, body) = match kind {
        Kind::Checklist => split(
            origin,
            yaml,
            |f: ChecklistFile| (f.forms, f.sections),
            |(forms, sections)| Body::Checklist(Checklist { forms, sections }),
        )?,
        Kind::Overlay => split(
            origin,
            yaml,
            |f: OverlayFile| (f.base, f.items),
            |(base, items)| Body::Overlay(Overlay { base, items }),
        )?,
        Kind::Reference => split(
            origin,
            yaml,
            |f: ReferenceFile| f.entries,
            |entries| Body::Reference(Reference { entries }),
        )?,
        Kind::Mapping => split(
            origin,
            yaml,
            |f: MappingFile| (f.from, f.to, f.entries),
            |(from, to, entries)| Body::Mapping(Mapping { from, to, entries }),
        )?,
    };
    let header_ref = crate::CatalogRef::new(header.id.clone(), Some(header.revision.clone()))
        .map_err(|e| Error::Invalid {
            origin: origin.to_owned(),
            message: Text::new(
                format!("カタログの id または revision が不正です: {e}"),
                format!("invalid catalog id or revision: {e}"),
            ),
        })?;
    debug_assert_eq!(header_ref.id(), header.id);
    Ok(Catalog {
        header,
        body,
        origin: origin.to_owned(),
    })
}

/// Deserialises a concrete file type, then splits it into the common header and the body.
fn split<F, P, B>(
    origin: &str,
    yaml: &str,
    take: impl FnOnce(F) -> P,
    build: impl FnOnce(P) -> B,
) -> Result<(Header, B), Error>
where
    F: for<'de> Deserialize<'de> + HasHeader,
{
    let file: F = serde_yaml_ng::from_str(yaml).map_err(|e| Error::yaml(origin, e))?;
    let header = file.header();
    Ok((header, build(take(file))))
}

trait HasHeader {
    fn header(&self) -> Header;
}

/// Declares a catalog file type: the common header fields plus the kind's own fields, with
/// `deny_unknown_fields` so that a misspelt key is an error naming its line.
macro_rules! catalog_file {
    ($name:ident { $($(#[$meta:meta])* $field:ident : $ty:ty,)* }) => {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct $name {
            id: String,
            kind: Kind,
            version: String,
            revision: String,
            title: Text,
            publisher: String,
            #[serde(default)]
            published: Option<String>,
            source: String,
            confidence: Confidence,
            #[serde(default)]
            note: Option<String>,
            $($(#[$meta])* $field: $ty,)*
        }

        impl HasHeader for $name {
            fn header(&self) -> Header {
                Header {
                    id: self.id.clone(),
                    kind: self.kind,
                    version: self.version.clone(),
                    revision: self.revision.clone(),
                    title: self.title.clone(),
                    publisher: self.publisher.clone(),
                    published: self.published.clone(),
                    source: self.source.clone(),
                    confidence: self.confidence,
                    note: self.note.clone(),
                }
            }
        }
    };
}

catalog_file!(ChecklistFile {
    forms: std::collections::BTreeSet<crate::Form>,
    sections: Vec<crate::Section>,
});
catalog_file!(OverlayFile {
    base: crate::CatalogRef,
    items: Vec<crate::OverlayItem>,
});
catalog_file!(ReferenceFile {
    entries: Vec<crate::Entry>,
});
catalog_file!(MappingFile {
    from: crate::CatalogRef,
    to: crate::CatalogRef,
    entries: Vec<crate::MapEntry>,
});

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "id: t\nversion: '1'\nrevision: '1'\ntitle: {ja: t, en: t}\npublisher: p\nsource: s\nconfidence: U\n";

    #[test]
    fn reads_a_checklist() {
        let yaml = format!(
            "kind: checklist\n{HEADER}forms: [mds]\nsections:\n  - id: A\n    title: {{ja: a, en: a}}\n    items:\n      - {{id: X-1, forms: [mds], text: {{ja: x, en: x}}, confidence: U, rules: [{{remark-required: [no]}}]}}\n"
        );
        let c = parse("t.yaml", &yaml).unwrap();
        let list = c.as_checklist().unwrap();
        assert_eq!(list.items().count(), 1);
        assert_eq!(
            list.item("X-1")
                .unwrap()
                .remark_required_for()
                .collect::<Vec<_>>(),
            [crate::Answer::No]
        );
    }

    #[test]
    fn misspelt_key_names_line() {
        let yaml = format!("kind: reference\n{HEADER}entries:\n  - {{id: a, titel: x}}\n");
        let err = parse("t.yaml", &yaml).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("t.yaml"), "{msg}");
        assert!(msg.contains("10行"), "{msg}");
        assert!(msg.contains("titel"), "{msg}");
    }

    #[test]
    fn bad_item_id_is_an_error() {
        let yaml = format!(
            "kind: checklist\n{HEADER}forms: [mds]\nsections:\n  - id: A\n    title: {{ja: a, en: a}}\n    items:\n      - {{id: 'x y', forms: [mds], text: {{ja: x, en: x}}, confidence: U}}\n"
        );
        assert!(parse("t.yaml", &yaml).is_err());
    }
}
