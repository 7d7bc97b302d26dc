//! The hospital side of reading disclosures: its policy, the review of a disclosure against it
//! and the comparison of several vendors.

pub mod compare;
pub mod freshness;
pub mod guideline;
pub mod policy;
pub mod reviewer;

pub use compare::{Comparison, MatrixCell, MatrixRow, Totals, Vendor, compare};
pub use freshness::{Freshness, FreshnessState, Held, NewerInInventory, freshness};
pub use guideline::{DEFAULT_GUIDELINE, GL_CATALOG, Guideline};
pub use policy::{
    POLICY_TEMPLATE, Policy, PolicyRule, Select, Selector, Waiver, gl_under, policy_schema,
};
pub use reviewer::{
    GlTouch, RemoteService, Review, ReviewOptions, Reviewer, Score, SectionAnswers, SectionScore,
    Waived, review,
};
