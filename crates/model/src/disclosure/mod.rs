//! The disclosure document and what is done with one on its own: validation against its
//! checklist, an unanswered skeleton, the diff between two versions and migration to a newer
//! checklist revision.

pub mod document;
pub mod revision;
pub mod rss_rules;
pub mod skeleton;
pub mod validate;

pub use document::{
    AnswerEntry, CatalogId, Disclosure, DocKind, IsoDate, Subject, SubjectField, disclosure_schema,
};
pub use revision::{
    Carried, Change, ChangeKind, DocDiff, Migration, NeedsReview, ReviewReason, diff, migrate,
    release_key, same_product, same_release,
};
pub use rss_rules::validate_rss;
pub use skeleton::skeleton;
pub use validate::{
    future_cover_date, missing_subject_field, validate_document, validate_str, validate_value,
};
