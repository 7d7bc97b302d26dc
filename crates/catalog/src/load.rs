//! Reading catalog files (YAML) into the model.

use std::collections::BTreeSet;

use serde::Deserialize;

use crate::{
    Body, Catalog, CatalogRef, Checklist, Confidence, Data, Entry, Error, Form, Header, Kind,
    MapEntry, Mapping, Overlay, OverlayItem, Reference, Section, Text,
};

/// The text of a catalog file and its format.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Source<'a> {
    Yaml(&'a str),
    /// The built-in catalogs, converted from YAML at build time.
    Json(&'a str),
}

/// Reads one catalog file. `origin` names it in errors (a path, or `builtin:FILE`).
pub fn parse(origin: &str, yaml: &str) -> Result<Catalog, Error> {
    parse_source(origin, Source::Yaml(yaml))
}

pub(crate) fn parse_source(origin: &str, text: Source<'_>) -> Result<Catalog, Error> {
    let yaml = text;
    #[derive(Deserialize)]
    struct Peek {
        kind: Kind,
    }
    let (header, body) = match read::<Peek>(origin, yaml)?.kind {
        Kind::Checklist => {
            let (header, (forms, sections)) = read::<ChecklistFile>(origin, yaml)?.into_parts();
            (header, Body::Checklist(Checklist { forms, sections }))
        }
        Kind::Overlay => {
            let (header, (base, items)) = read::<OverlayFile>(origin, yaml)?.into_parts();
            (header, Body::Overlay(Overlay { base, items }))
        }
        Kind::Reference => {
            let (header, (entries,)) = read::<ReferenceFile>(origin, yaml)?.into_parts();
            (header, Body::Reference(Reference { entries }))
        }
        Kind::Mapping => {
            let (header, (from, to, entries)) = read::<MappingFile>(origin, yaml)?.into_parts();
            (header, Body::Mapping(Mapping { from, to, entries }))
        }
        kind @ (Kind::Threats | Kind::Policy) => {
            let file = read::<DataFile>(origin, yaml)?;
            let list = kind.list_field().unwrap_or_default();
            if !file
                .fields
                .get(list)
                .is_some_and(serde_json::Value::is_array)
            {
                return Err(Error::Invalid {
                    origin: origin.to_owned(),
                    message: Text::new(
                        format!("{kind} のカタログには {list} の一覧が必要です"),
                        format!("a {kind} catalog needs a list {list}"),
                    ),
                });
            }
            let (header, fields) = file.into_parts();
            (header, Body::Data(Data { kind, fields }))
        }
    };
    // The header's id and revision must make a valid `id@revision` reference.
    CatalogRef::new(header.id.clone(), Some(header.revision.clone())).map_err(|e| {
        Error::Invalid {
            origin: origin.to_owned(),
            message: Text::new(
                format!("カタログの id または revision が不正です: {e}"),
                format!(
                    "invalid catalog id or revision: {}",
                    e.message(crate::Lang::En)
                ),
            ),
        }
    })?;
    Ok(Catalog {
        header,
        body,
        origin: origin.to_owned(),
    })
}

fn read<F: for<'de> Deserialize<'de>>(origin: &str, text: Source<'_>) -> Result<F, Error> {
    match text {
        Source::Yaml(yaml) => crate::parse_yaml(yaml),
        Source::Json(json) => crate::parse_json(json),
    }
    .map_err(|error| Error::Syntax {
        origin: origin.to_owned(),
        error,
    })
}

/// Declares a catalog file type: the common header fields plus the kind's own fields, with
/// `deny_unknown_fields` so that a misspelt key is an error naming its line.
macro_rules! catalog_file {
    ($name:ident { $($(#[$meta:meta])* $field:ident : $ty:ty,)* }) => {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct $name {
            id: String,
            #[allow(dead_code, reason = "read first by Peek; declared so that it is not an unknown field")]
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
            #[serde(default)]
            superseded_by: Option<CatalogRef>,
            $($(#[$meta])* $field: $ty,)*
        }

        impl $name {
            /// The common header, and the kind's own fields in declaration order.
            fn into_parts(self) -> (Header, ($($ty,)*)) {
                let header = Header {
                    id: self.id,
                    version: self.version,
                    revision: self.revision,
                    title: self.title,
                    publisher: self.publisher,
                    published: self.published,
                    source: self.source,
                    confidence: self.confidence,
                    note: self.note,
                    superseded_by: self.superseded_by,
                };
                (header, ($(self.$field,)*))
            }
        }
    };
}

/// A threat catalogue or policy: the common header, and the kind's own fields as they are, for
/// kaiji-model to read (it rejects unknown ones).
#[derive(Deserialize)]
struct DataFile {
    id: String,
    #[allow(
        dead_code,
        reason = "read first by Peek; declared so that it is not a field"
    )]
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
    #[serde(default)]
    superseded_by: Option<CatalogRef>,
    #[serde(flatten)]
    fields: serde_json::Map<String, serde_json::Value>,
}

impl DataFile {
    fn into_parts(self) -> (Header, serde_json::Map<String, serde_json::Value>) {
        let header = Header {
            id: self.id,
            version: self.version,
            revision: self.revision,
            title: self.title,
            publisher: self.publisher,
            published: self.published,
            source: self.source,
            confidence: self.confidence,
            note: self.note,
            superseded_by: self.superseded_by,
        };
        (header, self.fields)
    }
}

catalog_file!(ChecklistFile {
    forms: BTreeSet<Form>,
    sections: Vec<Section>,
});
catalog_file!(OverlayFile {
    base: CatalogRef,
    items: Vec<OverlayItem>,
});
catalog_file!(ReferenceFile {
    entries: Vec<Entry>,
});
catalog_file!(MappingFile {
    from: CatalogRef,
    to: CatalogRef,
    entries: Vec<MapEntry>,
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
    fn data_catalogs_keep_their_fields_and_count_their_list() {
        let yaml = format!(
            "kind: threats\n{HEADER}threats:\n  - {{id: T1, controls: ['8.8']}}\n  - {{id: T2}}\n"
        );
        let c = parse("t.yaml", &yaml).unwrap();
        assert_eq!(c.kind(), Kind::Threats);
        assert_eq!(c.len(), 2);
        let data = c.as_data().unwrap();
        assert_eq!(data.entries()[0]["controls"][0], "8.8");
        assert!(
            !data.fields.contains_key("confidence"),
            "the header is not a field"
        );
        let no_list = format!("kind: policy\n{HEADER}rule: []\n");
        let e = parse("p.yaml", &no_list).unwrap_err();
        assert!(e.to_string().contains("rules"), "{e}");
        let bad_header = "kind: policy\nid: p\nrules: []\n";
        assert!(
            parse("p.yaml", bad_header).is_err(),
            "the header is required"
        );
    }

    #[test]
    fn bad_item_id_is_an_error() {
        let yaml = format!(
            "kind: checklist\n{HEADER}forms: [mds]\nsections:\n  - id: A\n    title: {{ja: a, en: a}}\n    items:\n      - {{id: 'x y', forms: [mds], text: {{ja: x, en: x}}, confidence: U}}\n"
        );
        assert!(parse("t.yaml", &yaml).is_err());
    }
}
