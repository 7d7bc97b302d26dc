//! The hospital side of reading disclosures: its policy, the review of a disclosure against it
//! and the comparison of several vendors.

pub mod compare;
pub mod policy;
pub mod reviewer;

pub use compare::{Comparison, MatrixCell, MatrixRow, Totals, Vendor, compare};
pub use policy::{
    BUILTIN_POLICIES, GL_CATALOG, POLICY_TEMPLATE, Policy, PolicyRule, Select, Selector, Waiver,
    gl_under, policy_schema,
};
pub use reviewer::{
    GlTouch, RemoteService, Review, ReviewOptions, Reviewer, Score, SectionAnswers, SectionScore,
    Waived, review,
};
